using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Twin.Actors.Persistence;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Clock;

/// <summary>
/// Owns the run's <see cref="SimulationClock"/> and delivers scheduled messages, as counted
/// <see cref="Tracked"/> work, when simulated time reaches them. Realtime mode follows the wall
/// clock times the speed. Max mode jumps to the next due instant, delivers everything due there
/// with the lowest priority, and waits until the work it set off is finished before moving on:
/// the same plant and seed give the same events however fast the machine is. The position is kept in the snapshot store, so a
/// restarted host resumes where simulated time stood — and never before the latest instant the run journaled.
/// </summary>
public sealed class ClockActor : ReceivePersistentActor, IWithTimers
{
    private const string DeliveryLabel = "clock";
    private static readonly TimeSpan MaxWallWait = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StallWarningAfter = TimeSpan.FromSeconds(30);

    private readonly SimulationClock _clock;
    private readonly SimulationWork _work;
    private readonly bool _startRunning;
    private readonly Timetable _timetable = new();
    private readonly List<IActorRef> _idleWaiters = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private SimInstant? _until;
    private SimInstant _lastCheckpoint;
    private DateTime _lastCheckpointWall = DateTime.MinValue;
    private DateTime _lastProgressWall = DateTime.UtcNow;
    private Action<long>? _onQuiescent;
    private long _quietEpochSeen;

    /// <summary>Creates the clock actor of <paramref name="run"/> around <paramref name="clock"/>.</summary>
    public ClockActor(RunId run, SimulationClock clock, SimulationWork work, bool startRunning)
    {
        PersistenceId = $"clock|{run.Value}";
        _clock = clock;
        _work = work;
        _startRunning = startRunning;

        Recover<SnapshotOffer>(offer =>
        {
            // Only the position is restored: speed and mode are the ones this start was configured with.
            if (offer.Snapshot is not ClockPosition position) return;
            _clock.AdvanceTo(position.Now);
            _lastCheckpoint = position.Now;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            // The saved position may lag the journal (it is written every CheckpointEvery of wall time): read the latest
            // journaled instant before anyone is told the clock is ready, so every entity recovers at or after it.
            Become(Positioning);
            var config = Context.System.Settings.Config;
            JournalPosition.LatestAsync(config, run).PipeTo(Self, success: at => new Positioned(at, null), failure: e => new Positioned(null, e));
        });
        Running();
    }

    private void Positioning()
    {
        Command<Positioned>(p =>
        {
            if (p.Failure is { } failure) _log.Warning("The run's latest journaled instant could not be read; resuming at the clock's saved position: {0}", failure.Message);
            if (p.Latest is { } latest) _clock.AdvanceTo(latest);
            if (_startRunning) _clock.Resume();
            Become(Running);
            Stash.UnstashAll();
            Arm();
        });
        CommandAny(_ => Stash.Stash());
    }

    private void Running()
    {
        Command<ScheduleAt>(s =>
        {
            Context.Watch(s.Target);
            _timetable.Add(s);
            if (s.Counted) _work.Done(ScheduleAt.CountedLabel); // in the timetable now: max mode may only move on with it
            Advance();
        });
        Command<CancelSchedule>(c => _timetable.Cancel(c.Target, c.Key));
        Command<Tick>(_ => { Advance(); Checkpoint(force: false); WarnIfStalled(); });
        Command<Quiet>(q => { _quietEpochSeen = Math.Max(_quietEpochSeen, q.Epoch); Advance(); });
        Command<PauseClock>(_ => { _clock.Pause(); Checkpoint(force: true); Arm(); });
        Command<ResumeClock>(_ => { _clock.Resume(); Advance(); });
        Command<SetClockSpeed>(s => { _clock.SetSpeed(s.Speed); Checkpoint(force: true); Advance(); });
        Command<SetClockMode>(m => { _clock.SetMode(m.Mode); Advance(); });
        Command<RunUntil>(r => { _until = r.Until; Advance(); });
        Command<StepClock>(_ => Step());
        Command<WhenClockReady>(_ => Sender.Tell(new ClockReady(_clock.Read())));
        Command<WhenClockIdle>(_ => { _idleWaiters.Add(Sender); Advance(); });
        Command<Terminated>(t => _timetable.Forget(t.ActorRef));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr, s.Metadata.Timestamp.AddTicks(-1))));
        Command<SaveSnapshotFailure>(f => _log.Warning("Clock position not saved: {0}", f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the clock actor.</summary>
    public static Props Props(RunId run, SimulationClock clock, SimulationWork work, bool startRunning) =>
        Akka.Actor.Props.Create(() => new ClockActor(run, clock, work, startRunning));

    /// <inheritdoc />
    protected override void PreStart()
    {
        var self = Self;
        _onQuiescent = epoch => self.Tell(new Quiet(epoch));
        _work.Quiescent += _onQuiescent;
        base.PreStart();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        if (_onQuiescent is not null) _work.Quiescent -= _onQuiescent;
        base.PostStop();
    }

    private void Advance()
    {
        var reading = _clock.Read();
        if (reading.Mode == ClockMode.Max)
        {
            // Only once the latest quiet notice is processed: messages the finished work sent (new
            // schedules) are then already handled, so "nothing due" is true and not a race.
            if (!reading.Paused && _work.IsQuietAt(_quietEpochSeen))
            {
                var next = _timetable.NextDue;
                if (next is { } due && (_until is not { } stop || due <= stop))
                {
                    // Everything due at this instant with the same priority goes out at once;
                    // entities handle it in parallel, and nothing they decide depends on the order
                    // (see RunDigest). Lower priorities (authorities) finish first.
                    _clock.AdvanceTo(due);
                    foreach (var entry in _timetable.TakeNextGroup()) Deliver(entry);
                }
                else
                {
                    if (_until is { } stop2 && stop2 > reading.Now) _clock.AdvanceTo(stop2);
                    ReleaseIdleWaiters();
                }
            }
        }
        else
        {
            var now = _clock.Now;
            var stop = _until is { } u && now >= u;
            // Nothing goes out while entities are still recovering: a wake-up delivered before its
            // authority has even scheduled its own would find it not there.
            if (_work.Starting == 0)
                foreach (var entry in _timetable.TakeDue(stop ? _until!.Value : now)) Deliver(entry);
            if (stop && !reading.Paused)
            {
                _clock.Pause();
                Checkpoint(force: true);
            }
            if (stop && _work.IsQuietAt(_quietEpochSeen)) ReleaseIdleWaiters();
        }
        Arm();
    }

    private void Deliver((IActorRef Target, object Message) entry)
    {
        _work.Begin(DeliveryLabel);
        entry.Target.Tell(new Tracked(entry.Message, DeliveryLabel), Self);
        _lastProgressWall = DateTime.UtcNow;
    }

    private void Step()
    {
        if (_timetable.NextDue is { } next)
        {
            _clock.AdvanceTo(next);
            foreach (var entry in _timetable.TakeDue(next)) Deliver(entry);
        }
        Checkpoint(force: true);
        Arm();
    }

    private void ReleaseIdleWaiters()
    {
        if (_idleWaiters.Count == 0) return;
        var idle = new ClockIdle(_clock.Read());
        foreach (var waiter in _idleWaiters) waiter.Tell(idle);
        _idleWaiters.Clear();
        Checkpoint(force: true);
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

    private void WarnIfStalled()
    {
        if (_work.Outstanding == 0 || DateTime.UtcNow - _lastProgressWall < StallWarningAfter) return;
        _log.Warning("Max mode is waiting for simulation work that has not finished: {0}", string.Join(", ", _work.OutstandingByLabel.Select(p => $"{p.Key}×{p.Value}")));
        _lastProgressWall = DateTime.UtcNow;
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Quiet(long Epoch);

    private sealed record Positioned(SimInstant? Latest, Exception? Failure);
}

/// <summary>Where simulated time stood: the clock's snapshot.</summary>
[PersistedAs("clock.position.v1")]
public sealed record ClockPosition(SimInstant Now, double Speed) : ITwinPersisted;
