using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Twin.Pki.Revocation;
using Twin.Web.Access;
using Twin.Web.Components.Layout;
using Twin.Web.Components.Pages;
using Twin.Web.Live;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Live;

/// <summary>An ended run (Stop, or `serve` started again on the journal of a run stopped before) is shown read-only, even to a circuit that may act.</summary>
public sealed class EndedRunTests : DashboardTestContext
{
    private static (PlantEvents Plant, string Serial) EndedPlant()
    {
        var plant = new PlantEvents();
        var serial = plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(1));
        plant.Issue("pea-001", PlantEvents.T0, TimeSpan.FromDays(1));
        plant.Stop(PlantEvents.At(2));
        return (plant, serial);
    }

    [Fact]
    public async Task Every_action_on_an_ended_run_is_refused_on_the_server_with_the_end_and_nothing_reaches_the_twin()
    {
        var (plant, serial) = EndedPlant();
        UsePlant(plant, canControl: true);
        var actions = Services.GetRequiredService<DashboardActions>();

        Assert.True(actions.CanControl); // starting a fresh run stays open
        Assert.False(actions.CanActOnRun);
        var pause = Assert.Throws<ControlRefusedException>(actions.Pause);
        Assert.Contains("ended at " + PlantEvents.At(2), pause.Message, StringComparison.Ordinal);
        Assert.Throws<ControlRefusedException>(actions.Resume);
        Assert.Throws<ControlRefusedException>(actions.Step);
        Assert.Throws<ControlRefusedException>(() => actions.SetSpeed(60));
        await Assert.ThrowsAsync<ControlRefusedException>(() => actions.RevokeAsync("device-001", serial, RevocationReason.KeyCompromise));
        await Assert.ThrowsAsync<ControlRefusedException>(() => actions.SetCaReachableAsync(plant.RootId, false));
        await Assert.ThrowsAsync<ControlRefusedException>(() => actions.LaunchAttackAsync(new("pea-001"), Twin.Actors.Attacks.OpcUaAttack.RogueDevice));
        Assert.Empty(Control.Calls);
    }

    [Fact]
    public void An_ended_run_shows_its_end_and_offers_no_clock_revocation_CA_switch_or_attack()
    {
        UsePlant(EndedPlant().Plant, canControl: true);

        var bar = Render<ClockBar>();
        Assert.Contains("ended", bar.Find("[data-testid=speed]").TextContent, StringComparison.Ordinal);
        Assert.Empty(bar.FindAll("[data-testid=clock-pause], [data-testid=clock-resume], [data-testid=clock-step], [data-testid=clock-speed]"));
        Assert.Contains(PlantEvents.At(2).ToString(), Render<RunEndedBanner>().Find("[data-testid=run-ended-at]").TextContent, StringComparison.Ordinal);
        var inspector = Render<InspectorPage>(p => p.Add(x => x.Id, "device-001"));
        Assert.NotEmpty(inspector.FindAll("[data-testid=certificate-row]"));
        Assert.Empty(inspector.FindAll("[data-testid=revoke]"));
        Assert.Empty(Render<InspectorPage>(p => p.Add(x => x.Id, "ca-root")).FindAll("[data-testid=take-offline], [data-testid=bring-online]"));
        var attacks = Render<AttacksPage>();
        Assert.NotNull(attacks.Find("[data-testid=attacks-ended]"));
        Assert.Empty(attacks.FindAll("[data-testid=inject]"));
    }

    [Fact]
    public void The_same_plant_before_its_end_offers_the_controls()
    {
        var plant = new PlantEvents();
        plant.Issue("device-001", PlantEvents.T0, TimeSpan.FromDays(1));
        UsePlant(plant, canControl: true);

        Assert.NotEmpty(Render<ClockBar>().FindAll("[data-testid=clock-pause], [data-testid=clock-resume]"));
        Assert.NotEmpty(Render<InspectorPage>(p => p.Add(x => x.Id, "device-001")).FindAll("[data-testid=revoke]"));
        Assert.NotEmpty(Render<AttacksPage>().FindAll("[data-testid=inject]"));
    }
}
