using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Revocation;

namespace Twin.Actors.Tests.Entities;

/// <summary>The timeline, killed and started again, never applies a step twice and still applies the ones to come.</summary>
public sealed class TimelineRecoveryTests : PersistentTestKit
{
    private static readonly RunId Run = new("timeline-recovery");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly TimelineStep[] Steps =
    [
        new(TimeSpan.FromDays(1), TimelineAction.Revoke, new EntityId("d-1")) { Reason = RevocationReason.KeyCompromise },
        new(TimeSpan.FromDays(3), TimelineAction.CaOffline, new EntityId("ca-1")),
    ];

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly IActorRef _clockActor;

    public TimelineRecoveryTests() : base("timeline-recovery")
    {
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
    }

    [Fact]
    public async Task A_restarted_timeline_skips_applied_steps_and_plays_the_rest()
    {
        var plant = CreateTestProbe(); // stands in for the plant: receives each step and finishes its work
        var timeline = Start(plant);
        _clockActor.Tell(new RunUntil(T0.Add(TimeSpan.FromDays(2))));
        var first = plant.ExpectMsg<ToEntity>(TimeSpan.FromSeconds(30));
        Assert.Equal("d-1", first.Entity.Value);
        Assert.IsType<RevokeCurrentCertificate>(((Tracked)first.Message).Message);
        _work.Done(((Tracked)first.Message).Label);
        await Idle();

        Kill(timeline);
        Start(plant);
        _clockActor.Tell(new RunUntil(T0.Add(TimeSpan.FromDays(4))));

        // A re-applied first step would arrive here first; only the day-3 step may.
        var next = plant.ExpectMsg<ToEntity>(TimeSpan.FromSeconds(30));
        Assert.Equal("ca-1", next.Entity.Value);
        Assert.Equal(new SetCaReachable(false, "timeline"), ((Tracked)next.Message).Message);
        _work.Done(((Tracked)next.Message).Label);
        var idle = await Idle();
        Assert.Equal(T0.Add(TimeSpan.FromDays(4)), idle.Reading.Now);
        Assert.False(plant.HasMessages);
    }

    private IActorRef Start(Akka.TestKit.TestProbe plant)
    {
        _work.BeginStart(TimelineActor.TimelineId.Value);
        return Sys.ActorOf(TimelineActor.Props(Run, T0, Steps, _clock, _work, _clockActor, plant));
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));
}
