using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Twin.Web.Components.Layout;
using Twin.Web.Components.Pages;
using Twin.Web.Live;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Live;

/// <summary>The host puts another run behind the dashboard (Stop then Start): open pages drop what they kept of the old run.</summary>
public sealed class RunReplacedTests : DashboardTestContext
{
    private static PlantEvents OldRun()
    {
        var plant = new PlantEvents();
        plant.Issue("device-001", PlantEvents.At(0), TimeSpan.FromHours(24));
        plant.Issue("device-001", PlantEvents.At(18), TimeSpan.FromHours(24));
        return plant;
    }

    private static PlantEvents NewRun()
    {
        var plant = new PlantEvents("ca-other");
        plant.Issue("meter-001", PlantEvents.At(0), TimeSpan.FromHours(24));
        return plant;
    }

    // As the host does it: the journal and read model answer for the new run, then the notice goes out.
    private void ReplaceRun(PlantEvents next)
    {
        Journal.Events = next.Journal();
        Model.Set(next.Snapshot());
        Notice.Raise();
    }

    [Fact]
    public async Task A_replay_of_the_old_run_ends_and_the_views_follow_the_new_run()
    {
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        UsePlant(OldRun(), canControl: true);
        var view = Services.GetRequiredService<PlantViewState>();
        var banner = Render<ReplayBanner>();
        var replaced = 0;
        view.RunReplaced += () => replaced++;
        await banner.InvokeAsync(() => view.ReplayAtAsync(PlantEvents.At(1)));
        banner.WaitForAssertion(() => Assert.NotEmpty(banner.FindAll("[data-testid=replay-banner]")));

        ReplaceRun(NewRun());

        Assert.Equal(1, replaced);
        Assert.True(view.IsLive);
        Assert.Equal(["ca-other", "meter-001"], view.Snapshot.Entities.Keys);
        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll("[data-testid=replay-banner]")));
    }

    [Fact]
    public void The_timeline_lists_the_new_run_only_after_the_switch()
    {
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        UsePlant(OldRun(), canControl: true);
        var timeline = Render<TimelinePage>();
        timeline.WaitForAssertion(() => Assert.Contains(timeline.FindAll("[data-testid=timeline-event]"), r => r.GetAttribute("data-entity") == "device-001"));

        ReplaceRun(NewRun());

        timeline.WaitForAssertion(() =>
        {
            var entities = timeline.FindAll("[data-testid=timeline-event]").Select(r => r.GetAttribute("data-entity")).Distinct().Order().ToList();
            Assert.Equal(["ca-other", "meter-001"], entities);
        }, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("device-001", timeline.Find("[data-testid=filter-entity]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void The_view_lets_go_of_the_notice_when_its_circuit_ends()
    {
        UsePlant(OldRun(), canControl: true);
        var view = Services.GetRequiredService<PlantViewState>();
        var replaced = 0;
        view.RunReplaced += () => replaced++;
        Notice.Raise();
        Assert.Equal(1, replaced);

        view.Dispose();
        Notice.Raise();

        Assert.Equal(1, replaced);
    }
}
