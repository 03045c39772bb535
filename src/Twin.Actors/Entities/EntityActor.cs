using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol;

namespace Twin.Actors.Entities;

/// <summary>
/// Base of the twin's persistent entities: unwraps <see cref="Tracked"/> work, hands the inner
/// message to the entity's own handlers, and reports the work done after every event those
/// handlers persisted is stored (so the clock's max mode never runs ahead of the journal).
/// </summary>
public abstract class EntityActor : ReceivePersistentActor
{
    private Tracked? _current;
    private bool _holdCurrent;
    // Work counted done once the events persisted before it are stored (DoneWhenStored), by label: a stop mid-write drops the
    // deferred handler, so the stop counts them done instead.
    private readonly Dictionary<string, int> _doneWhenStored = new(StringComparer.Ordinal);

    private readonly IActorRef _clock;

    /// <summary>Creates entity <paramref name="id"/> with the run's work counter and clock actor.</summary>
    protected EntityActor(EntityId id, SimulationWork work, IActorRef clock)
    {
        Id = id;
        Work = work;
        _clock = clock;
        Command<Tracked>(HandleTracked);
    }

    /// <summary>The entity's id.</summary>
    protected EntityId Id { get; }

    /// <summary>
    /// Asks the clock to deliver <paramref name="message"/> to this entity at <paramref name="due"/>;
    /// a later wake-up under the same <paramref name="key"/> replaces it.
    /// </summary>
    /// <remarks>
    /// The schedule is counted work until the clock has it in its timetable. On one node it reaches the clock's
    /// mailbox before the quiet notice of the work that sent it; from another cluster node it travels over the
    /// network, and the in-process quiet notice overtook it: max mode then moved on without it — a CA's start-up
    /// wake-up delivered after the requests that needed the CA, which it held forever (TwoNodeClusterTests).
    /// </remarks>
    protected void WakeAt(SimInstant due, object message, string key, int priority = 0)
    {
        Work.Begin(ScheduleAt.CountedLabel);
        _clock.Tell(new ScheduleAt(due, Self, key, message, priority) { Counted = true });
    }

    /// <summary>Withdraws the wake-up scheduled under <paramref name="key"/>, if any.</summary>
    protected void CancelWake(string key) => _clock.Tell(new CancelSchedule(Self, key));

    /// <summary>Tells max mode this entity has recovered and scheduled its first wake-up; call once per start, after <see cref="WakeAt"/>.</summary>
    protected void AnnounceStarted() => Work.CompleteStart(Id.Value);

    /// <summary>The run's work counter.</summary>
    protected SimulationWork Work { get; }

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> as counted simulation work.</summary>
    protected void SendWork(IActorRef target, object message, string label)
    {
        Work.Begin(label);
        target.Tell(new Tracked(message, label), Self);
    }

    /// <summary>
    /// A way to answer the message being handled now, usable later (in a persist callback): counted
    /// work if the request was counted work, a plain reply otherwise (an Ask from a test or the API).
    /// </summary>
    protected Action<object> ReplyChannel()
    {
        var sender = Sender;
        var label = _current?.Label;
        return label is null ? reply => sender.Tell(reply, Self) : reply => SendWork(sender, reply, label);
    }

    /// <summary>
    /// Keeps the message being handled for later instead of answering it now (a CA asked to issue
    /// before its own certificate has arrived). Counted work stays counted until the message is
    /// handled for real after <see cref="ReleaseHeld"/>.
    /// </summary>
    protected void HoldCurrent()
    {
        if (_current is null) Stash.Stash();
        else _holdCurrent = true;
    }

    /// <summary>Hands every held message back to the entity, in the order they arrived.</summary>
    protected void ReleaseHeld() => Stash.UnstashAll();

    /// <summary>
    /// Counts work <paramref name="label"/> done once every event persisted so far is stored (so max mode never runs ahead of the
    /// journal) — or when the actor stops or restarts before that: a persist failure, a kill mid-write, a crash. The deferred handler
    /// then never runs, and the work would stay counted for ever.
    /// </summary>
    protected void DoneWhenStored(string label)
    {
        _doneWhenStored[label] = _doneWhenStored.GetValueOrDefault(label) + 1;
        DeferAsync(label, l =>
        {
            if (_doneWhenStored.GetValueOrDefault(l) == 0) return; // counted done at a stop already
            _doneWhenStored[l]--;
            Work.Done(l);
        });
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        foreach (var (label, count) in _doneWhenStored)
            for (var i = 0; i < count; i++) Work.Done(label);
        _doneWhenStored.Clear();
        OnStopped();
        base.PostStop();
    }

    /// <summary>
    /// When the actor stops (or restarts): count done the work it handed elsewhere (the thread pool) whose result would
    /// come back to a dead actor, or to a new start that did not begin it; max mode would wait for it for ever.
    /// </summary>
    protected virtual void OnStopped()
    {
    }

    private void HandleTracked(Tracked tracked)
    {
        _current = tracked;
        _holdCurrent = false;
        try
        {
            if (!ReceiveCommand(tracked.Message)) Unhandled(tracked.Message);
        }
        finally
        {
            _current = null;
            if (_holdCurrent)
                Stash.Stash(); // the Tracked envelope itself: handled (and reported done) when released
            else
                DoneWhenStored(tracked.Label); // once every event persisted above is stored
            _holdCurrent = false;
        }
    }
}
