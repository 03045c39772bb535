using Akka.Actor;
using Akka.TestKit.Xunit2;
using Twin.Actors.Clock;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Tests.Clock;

public sealed class TimetableTests : TestKit
{
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    [Fact]
    public void Due_entries_come_out_by_time_then_priority_then_target_never_by_arrival()
    {
        var (a, b) = (CreateTestProbe().Ref, CreateTestProbe().Ref);
        var (first, second) = string.CompareOrdinal(a.Path.ToStringWithoutAddress(), b.Path.ToStringWithoutAddress()) < 0 ? (a, b) : (b, a);
        var table = new Timetable();
        table.Add(new ScheduleAt(T0.Add(TimeSpan.FromHours(2)), first, "x", "late"));
        table.Add(new ScheduleAt(T0.Add(TimeSpan.FromHours(1)), second, "x", "tie-second-path"));
        table.Add(new ScheduleAt(T0.Add(TimeSpan.FromHours(1)), first, "y", "tie-first-path"));
        table.Add(new ScheduleAt(T0.Add(TimeSpan.FromHours(1)), second, "z", "tie-priority", Priority: -10));
        table.Add(new ScheduleAt(T0.Add(TimeSpan.FromHours(5)), second, "y", "future"));

        var due = table.TakeDue(T0.Add(TimeSpan.FromHours(3)));

        Assert.Equal(["tie-priority", "tie-first-path", "tie-second-path", "late"], due.Select(d => (string)d.Message));
        Assert.Equal(T0.Add(TimeSpan.FromHours(5)), table.NextDue);
    }

    [Fact]
    public void A_new_schedule_under_the_same_key_replaces_the_old_one()
    {
        var target = CreateTestProbe().Ref;
        var table = new Timetable();
        table.Add(new ScheduleAt(T0.Add(TimeSpan.FromHours(1)), target, "renewal", "retry"));
        table.Add(new ScheduleAt(T0.Add(TimeSpan.FromDays(60)), target, "renewal", "renew"));

        Assert.Empty(table.TakeDue(T0.Add(TimeSpan.FromDays(1))));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Forgetting_a_target_drops_all_its_entries()
    {
        IActorRef target = CreateTestProbe().Ref, other = CreateTestProbe().Ref;
        var table = new Timetable();
        table.Add(new ScheduleAt(T0, target, "a", 1));
        table.Add(new ScheduleAt(T0, target, "b", 2));
        table.Add(new ScheduleAt(T0, other, "a", 3));
        table.Forget(target);
        Assert.Equal([3], table.TakeDue(T0).Select(d => (int)d.Message));
    }
}
