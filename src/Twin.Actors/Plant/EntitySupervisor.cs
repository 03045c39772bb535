using Akka.Actor;
using Akka.Event;

namespace Twin.Actors.Plant;

/// <summary>
/// The parent every persistent entity runs under. When the entity stops (a crash: a persist failure stops a persistent actor)
/// it is started again after a back-off — 200 ms doubling to 10 s, with jitter, back to 200 ms once a start has lived longer
/// than its back-off — and recovers from its journal. Unlike Akka's back-off supervisor, which sends to dead letters what
/// arrives while no entity runs, this one holds those messages (with their senders) and hands them to the next start in the
/// order they came: a member's request or a CA's answer that reaches the entity while it is down is served late, never lost,
/// and the work max mode counts for it is finished by the entity that serves it.
/// An exception inside the entity restarts it in place as usual (the default strategy); only a stop waits for the back-off.
/// </summary>
public sealed class EntitySupervisor : UntypedActor, IWithTimers
{
    /// <summary>How many messages are held while the entity is down; what comes beyond goes to dead letters (logged).</summary>
    public const int MaxHeld = 100_000;

    /// <summary>Published on the event stream when the entity stopped and its next start is scheduled.</summary>
    public sealed record EntityDown(string Entity, TimeSpan StartsIn, int Stops);

    /// <summary>Published on the event stream when the entity started again and was handed what was held for it.</summary>
    public sealed record EntityBackUp(string Entity, int Handed);

    private sealed class StartAgain
    {
        public static readonly StartAgain Instance = new();
    }

    private readonly Props _entity;
    private readonly string _childName;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private Queue<(object Message, IActorRef Sender)>? _held; // made at the first message held: most entities never stop
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private IActorRef? _child;
    private DateTime _startedAt;
    private int _stops;
    private int _dropped;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the supervisor of one entity.</summary>
    public EntitySupervisor(Props entity, string childName, TimeSpan minBackoff, TimeSpan maxBackoff)
    {
        _entity = entity;
        _childName = childName;
        _minBackoff = minBackoff;
        _maxBackoff = maxBackoff;
    }

    /// <summary>Props for the supervisor of <paramref name="entity"/>, started as child <paramref name="childName"/>.</summary>
    public static Props Props(Props entity, string childName, TimeSpan? minBackoff = null, TimeSpan? maxBackoff = null)
    {
        var (least, most) = (minBackoff ?? TimeSpan.FromMilliseconds(200), maxBackoff ?? TimeSpan.FromSeconds(10));
        if (least <= TimeSpan.Zero || most < least)
            throw new ArgumentOutOfRangeException(nameof(minBackoff), $"Back-off {least}..{most} for entity '{childName}': the least must be positive and not above the most.");
        return Akka.Actor.Props.Create(() => new EntitySupervisor(entity, childName, least, most));
    }

    /// <inheritdoc />
    protected override void PreStart() => Start();

    private void Start()
    {
        _child = Context.Watch(Context.ActorOf(_entity, _childName));
        _startedAt = DateTime.UtcNow;
    }

    /// <inheritdoc />
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Terminated t when ReferenceEquals(t.ActorRef, _child) || t.ActorRef.Equals(_child):
                Down();
                return;
            case StartAgain:
                Start();
                var handed = _held?.Count ?? 0;
                while (_held?.TryDequeue(out var held) == true) _child!.Tell(held.Message, held.Sender);
                _held = null;
                if (_dropped > 0) _log.Warning("Entity {0}: {1} message(s) beyond the {2} held while it was down went to dead letters", _childName, _dropped, MaxHeld);
                _dropped = 0;
                _log.Info("Entity {0} started again; {1} message(s) held for it handed over", _childName, handed);
                Context.System.EventStream.Publish(new EntityBackUp(_childName, handed));
                return;
            default:
                if (_child is not null) _child.Forward(message);
                else Hold(message);
                return;
        }
    }

    private void Down()
    {
        _child = null;
        // A start that lived longer than its back-off was a good one: the next stop starts from the least back-off again.
        if (DateTime.UtcNow - _startedAt > Backoff(_stops)) _stops = 0;
        var wait = Backoff(_stops);
        _stops++;
        var jittered = wait + TimeSpan.FromTicks((long)(wait.Ticks * 0.2 * Random.Shared.NextDouble()));
        _log.Warning("Entity {0} stopped (stop {1} in a row); starting it again in {2:0} ms, holding what arrives meanwhile", _childName, _stops, jittered.TotalMilliseconds);
        Timers.StartSingleTimer(StartAgain.Instance, StartAgain.Instance, jittered);
        Context.System.EventStream.Publish(new EntityDown(_childName, jittered, _stops));
    }

    private TimeSpan Backoff(int stops)
    {
        var ticks = _minBackoff.Ticks * Math.Pow(2, Math.Min(stops, 30));
        return ticks >= _maxBackoff.Ticks ? _maxBackoff : TimeSpan.FromTicks((long)ticks);
    }

    private void Hold(object message)
    {
        _held ??= new Queue<(object Message, IActorRef Sender)>();
        if (_held.Count < MaxHeld)
        {
            _held.Enqueue((message, Sender));
            return;
        }
        _dropped++;
        Context.System.DeadLetters.Tell(new DeadLetter(message, Sender, Self));
    }
}
