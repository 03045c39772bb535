using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Twin.Web.Components.Layout;
using Twin.Web.Components.Pages;
using Twin.Web.Live;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Live;

public sealed class ReplayTests : DashboardTestContext
{
    private PlantEvents RenewedDevice()
    {
        var plant = new PlantEvents();
        plant.Issue("device-001", PlantEvents.At(0), TimeSpan.FromHours(24));
        plant.Issue("device-001", PlantEvents.At(18), TimeSpan.FromHours(24));
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        return plant;
    }

    [Fact]
    public async Task Replaying_an_earlier_instant_shows_the_plant_as_it_was_then_and_live_again_after()
    {
        UsePlant(RenewedDevice(), canControl: true);
        var view = Services.GetRequiredService<PlantViewState>();
        var changes = 0;
        view.Changed += () => changes++;

        await view.ReplayAtAsync(PlantEvents.At(1));
        Assert.False(view.IsLive);
        Assert.Single(view.Snapshot.Entities["device-001"].Certificates);
        Assert.Equal(PlantEvents.At(1), view.Now);

        view.GoLive();
        Assert.True(view.IsLive);
        Assert.Equal(2, view.Snapshot.Entities["device-001"].Certificates.Count);
        Assert.Equal(2, changes);
    }

    [Fact]
    public async Task The_inspector_follows_the_replay_and_offers_no_action_on_the_past()
    {
        UsePlant(RenewedDevice(), canControl: true);
        var inspector = Render<InspectorPage>(p => p.Add(x => x.Id, "device-001"));
        Assert.Equal(2, inspector.FindAll("[data-testid=certificate-row]").Count);
        Assert.NotEmpty(inspector.FindAll("[data-testid=revoke]"));

        await inspector.InvokeAsync(() => Services.GetRequiredService<PlantViewState>().ReplayAtAsync(PlantEvents.At(1)));

        inspector.WaitForAssertion(() => Assert.Single(inspector.FindAll("[data-testid=certificate-row]")), TimeSpan.FromSeconds(10));
        Assert.Empty(inspector.FindAll("[data-testid=revoke]"));
    }

    [Fact]
    public async Task The_banner_says_which_instant_is_replayed_and_returns_to_live()
    {
        UsePlant(RenewedDevice(), canControl: false);
        var banner = Render<ReplayBanner>();
        Assert.Empty(banner.FindAll("[data-testid=replay-banner]"));

        await banner.InvokeAsync(() => Services.GetRequiredService<PlantViewState>().ReplayAtAsync(PlantEvents.At(1)));
        banner.WaitForAssertion(() => Assert.Equal("2030-01-01T01:00:00Z", banner.Find("[data-testid=replay-at]").TextContent));

        banner.Find("[data-testid=go-live] button, button[data-testid=go-live]").Click();
        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll("[data-testid=replay-banner]")));
    }

    [Fact]
    public async Task Pages_let_go_of_the_live_model_when_they_are_disposed()
    {
        UsePlant(RenewedDevice(), canControl: true);
        var before = Model.Subscribers;
        var page = Render<TimelinePage>();
        Assert.True(Model.Subscribers > before);

        await DisposeComponentsAsync();
        Services.GetRequiredService<PlantViewState>().Dispose();

        Assert.Equal(0, Model.Subscribers);
    }
}
