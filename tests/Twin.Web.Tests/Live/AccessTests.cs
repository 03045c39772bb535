using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Bunit;
using Twin.Pki.Revocation;
using Twin.Web.Access;
using Twin.Web.Components.Layout;
using Twin.Web.Components.Pages;
using Twin.Web.Live;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Live;

public sealed class AccessTests : DashboardTestContext
{
    [Theory]
    [InlineData("127.0.0.1", null, null, true)]
    [InlineData("::1", null, "secret", true)]
    [InlineData("192.0.2.7", null, null, false)]
    [InlineData("192.0.2.7", "secret", null, false)]
    [InlineData("192.0.2.7", null, "secret", false)]
    [InlineData("192.0.2.7", "guess", "secret", false)]
    [InlineData("192.0.2.7", "secret", "secret", true)]
    public void Only_the_local_machine_or_the_holder_of_the_configured_token_may_act(string remote, string? presented, string? expected, bool allowed)
    {
        var decision = DashboardAccess.Decide(IPAddress.Parse(remote), presented, expected);
        Assert.Equal(allowed, decision.CanControl);
        Assert.False(string.IsNullOrEmpty(decision.Reason));
    }

    // A twin checked over 127.0.0.1 as if it were bound beyond loopback: the local machine needs the token too.
    [Theory]
    [InlineData("127.0.0.1", null, "secret", false)]
    [InlineData("127.0.0.1", "guess", "secret", false)]
    [InlineData("127.0.0.1", "secret", null, false)]
    [InlineData("::1", "secret", "secret", true)]
    [InlineData("192.0.2.7", "secret", "secret", true)]
    public void Treated_as_remote_even_the_local_machine_needs_the_token(string remote, string? presented, string? expected, bool allowed) =>
        Assert.Equal(allowed, DashboardAccess.Decide(IPAddress.Parse(remote), presented, expected, treatLoopbackAsRemote: true).CanControl);

    [Fact]
    public async Task A_read_only_circuit_is_refused_on_the_server_and_nothing_reaches_the_twin()
    {
        var plant = new PlantEvents();
        var serial = plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(1));
        UsePlant(plant, canControl: false);
        var actions = Services.GetRequiredService<DashboardActions>();

        Assert.Throws<ControlRefusedException>(actions.Pause);
        Assert.Throws<ControlRefusedException>(actions.Step);
        Assert.Throws<ControlRefusedException>(() => { actions.SetSpeed(60); });
        await Assert.ThrowsAsync<ControlRefusedException>(() => actions.RevokeAsync("device-001", serial, RevocationReason.KeyCompromise));
        await Assert.ThrowsAsync<ControlRefusedException>(() => Attacks.InjectAsync(actions, AttackKind.CaOffline, "ca-root"));
        Assert.Empty(Control.Calls);
    }

    [Fact]
    public void A_read_only_clock_bar_shows_no_controls()
    {
        UsePlant(new PlantEvents(), canControl: false);
        var bar = Render<ClockBar>();
        Assert.Empty(bar.FindAll("[data-testid=clock-pause], [data-testid=clock-step], [data-testid=clock-speed]"));
        Assert.Contains("read-only", bar.Find("[data-testid=read-only]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clock_bar_of_a_local_circuit_pauses_steps_and_sets_the_speed()
    {
        UsePlant(new PlantEvents(), canControl: true);
        var bar = Render<ClockBar>();

        // The bar redraws every wall second: find and click within one dispatch, so a redraw cannot come between.
        await bar.InvokeAsync(() => bar.Find("[data-testid=clock-pause]").Click());
        await bar.InvokeAsync(() => bar.Find("[data-testid=clock-step]").Click());
        await bar.InvokeAsync(() => bar.Find("[data-testid=clock-speed]").Change("3600"));

        Assert.Equal(["pause", "step", "speed 3600"], Control.Calls);
        Assert.NotEmpty(bar.FindAll("[data-testid=clock-resume]"));
    }

    [Fact]
    public void A_read_only_attacks_page_offers_no_attack()
    {
        var plant = new PlantEvents();
        plant.Issue("pea-001", PlantEvents.T0, TimeSpan.FromDays(1));
        UsePlant(plant, canControl: false);
        var page = Render<AttacksPage>();
        Assert.NotNull(page.Find("[data-testid=attacks-read-only]"));
        Assert.Empty(page.FindAll("[data-testid=inject]"));
    }

    [Fact]
    public void A_read_only_inspector_offers_no_revocation_and_no_CA_switch()
    {
        var plant = new PlantEvents();
        plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(1));
        UsePlant(plant, canControl: false);
        Assert.Empty(Render<InspectorPage>(p => p.Add(x => x.Id, "device-001")).FindAll("[data-testid=revoke]"));
        Assert.Empty(Render<InspectorPage>(p => p.Add(x => x.Id, "ca-root")).FindAll("[data-testid=take-offline]"));
    }

    [Fact]
    public void The_live_access_page_takes_the_token_and_says_who_may_act()
    {
        UsePlant(new PlantEvents(), canControl: false);
        var page = Render<AccessPage>();
        Assert.Equal("true", page.Find("[data-testid=access-form]").GetAttribute("data-live"));
        Assert.False(page.Find("[data-testid=access-token]").HasAttribute("disabled"));
        Assert.False(page.Find("[data-testid=access-submit]").HasAttribute("disabled"));
        Assert.Contains("read-only", page.Find("[data-testid=access-state]").TextContent, StringComparison.Ordinal);
    }
}
