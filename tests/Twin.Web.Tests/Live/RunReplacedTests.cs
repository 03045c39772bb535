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
    public async Task A_scrub_still_loading_when_the_run_is_replaced_is_dropped_and_the_views_show_the_new_run()
    {
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        UsePlant(OldRun(), canControl: true);
        var view = Services.GetRequiredService<PlantViewState>();
        var banner = Render<ReplayBanner>();
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Journal.Gate = _ => { started.TrySetResult(); return loading.Task; };
        var scrub = banner.InvokeAsync(() => view.ReplayAtAsync(PlantEvents.At(1)));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        ReplaceRun(NewRun());
        loading.SetResult(); // the old run's plant at 01:00 arrives after the switch

        Assert.False(await scrub.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(view.IsLive);
        Assert.Equal(["ca-other", "meter-001"], view.Snapshot.Entities.Keys);
        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll("[data-testid=replay-banner]")));
    }

    [Fact]
    public async Task A_scrub_whose_old_journal_closes_under_it_during_the_switch_is_dropped_without_failing_the_circuit()
    {
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        UsePlant(OldRun(), canControl: true);
        var view = Services.GetRequiredService<PlantViewState>();
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Journal.Gate = _ => loading.Task;
        var scrub = view.ReplayAtAsync(PlantEvents.At(1));

        ReplaceRun(NewRun());
        loading.SetException(new ObjectDisposedException("journal", "the old run's actor system has terminated"));

        Assert.False(await scrub.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(view.IsLive);
    }

    [Fact]
    public async Task A_journal_failure_of_the_scrub_still_wanted_is_not_hidden()
    {
        UsePlant(OldRun(), canControl: true);
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        var view = Services.GetRequiredService<PlantViewState>();
        Journal.Gate = _ => Task.FromException(new InvalidOperationException("journal unreadable"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => view.ReplayAtAsync(PlantEvents.At(1)));
        Assert.True(view.IsLive);
    }

    [Fact]
    public async Task Of_two_scrubs_the_later_one_is_shown_even_when_the_earlier_one_loads_last()
    {
        UsePlant(OldRun(), canControl: true);
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        var view = Services.GetRequiredService<PlantViewState>();
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Journal.Gate = at => at == PlantEvents.At(1) ? slow.Task : Task.CompletedTask;

        var first = view.ReplayAtAsync(PlantEvents.At(1));
        Assert.True(await view.ReplayAtAsync(PlantEvents.At(19)));
        slow.SetResult();

        Assert.False(await first.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(PlantEvents.At(19), view.Now);
        Assert.Equal(2, view.Snapshot.Entities["device-001"].Certificates.Count); // the renewal at 18:00 is in
    }

    [Fact]
    public async Task Back_to_live_while_a_scrub_loads_stays_live()
    {
        UsePlant(OldRun(), canControl: true);
        Control.Clock = Control.Clock with { Now = PlantEvents.At(20) };
        var view = Services.GetRequiredService<PlantViewState>();
        var loading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Journal.Gate = _ => loading.Task;

        var scrub = view.ReplayAtAsync(PlantEvents.At(1));
        view.GoLive();
        loading.SetResult();

        Assert.False(await scrub.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(view.IsLive);
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
