using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Clock;

/// <summary>
/// Owns the run's <see cref="SimulationClock"/> and delivers scheduled messages when simulated
/// time reaches them. Its position is kept in the snapshot store, so a restarted host resumes
/// where simulated time stood instead of where the wall clock is.
/// </summary>
public sealed partial class ClockActor : ReceivePersistentActor, IWithTimers
{
    private static readonly TimeSpan MaxWallWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(2);

    private readonly SimulationClock _clock;
    private readonly bool _startRunning;
    private readonly Timetable _timetable = new();
    private SimInstant _lastCheckpoint;
    private DateTime _lastCheckpointWall = DateTime.MinValue;

    /// <summary>Creates the clock actor of <paramref name="run"/> around <paramref name="clock"/>.</summary>
    public ClockActor(RunId run, SimulationClock clock, bool startRunning)
    {
        PersistenceId = $"clock|{run.Value}";
        _clock = clock;
        _startRunning = startRunning;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is ClockPosition position) Restore(position);
        });
        Recover<RecoveryCompleted>(_ =>
        {
            if (_startRunning) _clock.Resume();
            Arm();
        });

        Command<ScheduleAt>(Schedule);
        Command<CancelSchedule>(c => _timetable.Cancel(c.Target, c.Key));
        Command<Tick>(_ => { DeliverDue(); Checkpoint(force: false); Arm(); });
        Command<PauseClock>(_ => { _clock.Pause(); Checkpoint(force: true); Arm(); });
        Command<ResumeClock>(_ => { _clock.Resume(); Arm(); });
        Command<SetClockSpeed>(s => { _clock.SetSpeed(s.Speed); Checkpoint(force: true); Arm(); });
        Command<StepClock>(_ => Step());
        Command<WhenClockReady>(_ => Sender.Tell(new ClockReady(_clock.Read())));
        Command<Terminated>(t => _timetable.Forget(t.ActorRef));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr, s.Metadata.Timestamp.AddTicks(-1))));
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the clock actor.</summary>
    public static Props Props(RunId run, SimulationClock clock, bool startRunning) =>
        Akka.Actor.Props.Create(() => new ClockActor(run, clock, startRunning));

    private void Restore(ClockPosition position)
    {
        // Only the position is restored: the speed is the one this start was configured with.
        _clock.AdvanceTo(position.Now);
        _lastCheckpoint = position.Now;
    }

    private void Schedule(ScheduleAt s)
    {
        Context.Watch(s.Target);
        _timetable.Add(s);
        Arm();
    }

    private void DeliverDue()
    {
        var now = _clock.Now;
        foreach (var entry in _timetable.TakeDue(now))
            entry.Target.Tell(entry.Message, Self);
    }

    private void Step()
    {
        if (_timetable.NextDue is { } next) _clock.AdvanceTo(next);
        DeliverDue();
        Checkpoint(force: true);
        Arm();
    }

    // The wall timer is re-armed after every change: to the next due instant, but never longer
    // than MaxWallWait, so that speed changes and checkpoints are not held up by a distant schedule.
    private void Arm()
    {
        var wait = MaxWallWait;
        if (_timetable.NextDue is { } next && _clock.WallDelayUntil(next) is { } delay && delay < wait) wait = delay;
        Timers.StartSingleTimer("tick", Tick.Instance, wait);
    }

    private void Checkpoint(bool force)
    {
        var reading = _clock.Read();
        if (!force && (reading.Now == _lastCheckpoint || DateTime.UtcNow - _lastCheckpointWall < CheckpointEvery)) return;
        _lastCheckpoint = reading.Now;
        _lastCheckpointWall = DateTime.UtcNow;
        SaveSnapshot(new ClockPosition(reading.Now, reading.Speed));
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}

/// <summary>Where simulated time stood: the clock's snapshot.</summary>
[PersistedAs("clock.position.v1")]
public sealed record ClockPosition(SimInstant Now, double Speed) : ITwinPersisted;
