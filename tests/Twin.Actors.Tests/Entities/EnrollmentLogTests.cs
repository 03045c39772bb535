using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Enrollment;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>The enrollment log answers only once its events are stored, and what it stored survives the actor.</summary>
public sealed class EnrollmentLogTests() : PersistentTestKit("enrollment-log")
{
    private static readonly RunId Run = new("log-run");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    [Fact]
    public async Task Recorded_decisions_are_in_the_run_s_journal_after_the_log_is_killed_and_started_again()
    {
        var log = Sys.ActorOf(EnrollmentLogActor.Props(Run));
        var decided = new EnrollmentDecided(Run, T0, EnrollmentLogActor.LogId, "EST", "simpleenroll", "anonymous", false, "No TLS client certificate was presented.");
        var destroyed = new ServerKeyDestroyed(Run, T0, new EntityId("est-pump"), "0a1b", "ff00");
        var recorded = await log.Ask<EnrollmentLogActor.Recorded>(new EnrollmentLogActor.Record([decided, destroyed]), RemainingOrDefault);
        Assert.Equal(2, recorded.Events.Count);

        Kill(log);
        var revived = Sys.ActorOf(EnrollmentLogActor.Props(Run));
        var again = new EnrollmentDecided(Run, T0, EnrollmentLogActor.LogId, "BRSKI", "requestvoucher", "CN=Pump", true, "voucher");
        await revived.Ask<EnrollmentLogActor.Recorded>(new EnrollmentLogActor.Record(again), RemainingOrDefault);

        var events = await EventQuery.AfterAsync(Sys, Run, 0, 100);
        Assert.Equal(["enroll.decided", "enroll.server-key-destroyed", "enroll.decided"], events.Select(e => e.Kind));
        Assert.Equal("est-pump", events[1].Entity.Value);
    }
}
