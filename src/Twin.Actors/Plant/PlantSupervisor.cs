using Akka.Actor;
using Akka.Event;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Plant;

/// <summary>
/// Starts a run: first the clock (so that every entity reads the recovered simulated time), then
/// the CAs, then the devices — each persistent entity under a back-off supervisor, so a crash
/// restarts it from its journal instead of losing it.
/// </summary>
public sealed class PlantSupervisor : ReceiveActor
{
    private readonly PlantSpec _spec;
    private readonly SimulationClock _clock;
    private readonly IKeyVault _vault;
    private readonly SimulationWork _work;
    private readonly PlantRuntime _runtime;
    private IActorRef _clockActor = ActorRefs.Nobody;
    private readonly List<IActorRef> _stopRequesters = [];
    private IActorRef _end = ActorRefs.Nobody;
    private bool _ending;
    private RunEnded? _ended;
    private bool _clockReady;
    private bool _endKnown;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    /// <summary>Creates the supervisor of the run described by <paramref name="spec"/>.</summary>
    public PlantSupervisor(PlantSpec spec, SimulationClock clock, IKeyVault vault, SimulationWork work, PlantRuntime? runtime = null)
    {
        _runtime = runtime ?? new PlantRuntime();
        _work = work;
        _spec = spec;
        _clock = clock;
        _vault = vault;
        Receive<ClockReady>(_ => { _clockReady = true; StartWhenReady(); });
        Receive<RunEndActor.RunEndKnown>(Known);
        Receive<StopRun>(Stop);
        Receive<RunEnded>(Ended);
        // An ended run has nothing left to do: whoever waits for the clock to fall idle hears so at once.
        Receive<WhenClockIdle>(_ => _ended is not null, _ => Sender.Tell(new ClockIdle(_clock.Read())));
        Receive<IClockCommand>(c => _clockActor.Forward(c));
        Receive<ToEntity>(t =>
        {
            var child = _ending ? ActorRefs.Nobody : Context.Child(t.Entity.Value);
            if (!child.IsNobody())
            {
                child.Forward(t.Message);
                return;
            }
            if (t.Message is Protocol.Tracked tracked) _work.Done(tracked.Label); // nobody will finish it
            Sender.Tell(new Status.Failure(new ArgumentException(_ending ? $"The run has ended: entity '{t.Entity}' no longer acts." : $"No entity '{t.Entity}' in this run.")));
        });
    }

    /// <summary>Props for the plant supervisor.</summary>
    public static Props Props(PlantSpec spec, SimulationClock clock, IKeyVault vault, SimulationWork work, PlantRuntime? runtime = null) =>
        Akka.Actor.Props.Create(() => new PlantSupervisor(spec, clock, vault, work, runtime));

    /// <summary>Wraps entity props in the back-off supervisor every persistent entity runs under (<see cref="EntitySupervisor"/>).</summary>
    public static Props Supervised(Props entity, string childName) => EntitySupervisor.Props(entity, childName);

    /// <inheritdoc />
    protected override void PostStop() => EndHandovers(); // the actor system going down (Ctrl+C, the next run from the dashboard): after every entity stopped

    // No entity of this start starts again: what one stopped alone left for its next start is refused.
    private void EndHandovers()
    {
        foreach (var refused in _runtime.Handovers?.End() ?? [])
            _log.Warning("Run {0} ended: the {1} request(s) entity {2} had left to a next start that will not come were refused", _spec.Run, refused.Waiting, refused.Entity);
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        _runtime.Handovers = new RestartHandovers(); // fresh per start: nothing a stopped system left reaches this one
        // Max mode must not move time until every entity has recovered and said when it wants to wake.
        foreach (var id in StartedIds()) _work.BeginStart(id);
        // The clock is addressed directly, not through a back-off supervisor: its quiet notices and
        // the schedules entities send must reach its mailbox in the order they were sent, or max
        // mode could advance past a schedule still in flight. (A restarted clock would lose its
        // timetable anyway; entities re-schedule from their state only when they recover.)
        _clockActor = Context.ActorOf(ClockActor.Props(_spec.Run, _clock, _work, _spec.StartRunning), "clock");
        if (_spec.Until is { } until) _clockActor.Tell(new RunUntil(until));
        _clockActor.Tell(new WhenClockReady());
        // Whether the run already ended (run.stopped in the journal) is known before any entity starts.
        _end = Context.ActorOf(RunEndActor.Props(_spec.Run, _clock, Self), "end");
    }

    private void StartWhenReady()
    {
        if (_clockReady && _endKnown && !_ending) StartEntities();
    }

    // A run stopped before a restart stays stopped: time stays still, no entity starts, max mode has nothing to wait for.
    private void Known(RunEndActor.RunEndKnown known)
    {
        _endKnown = true;
        if (known.EndedAt is not { } at)
        {
            StartWhenReady();
            return;
        }
        _ending = true;
        _ended = new RunEnded(at);
        _clockActor.Tell(new PauseClock());
        foreach (var id in StartedIds()) _work.CompleteStart(id);
    }

    // Every entity max mode waits for until it has recovered and scheduled its first wake-up.
    private IEnumerable<string> StartedIds()
    {
        foreach (var (id, _) in _spec.Authorities) yield return id.Value;
        foreach (var (id, _) in _spec.Devices) yield return id.Value;
        foreach (var (id, _) in _spec.Registrars) yield return id.Value;
        foreach (var (id, _) in _spec.Manufacturers) yield return id.Value;
        if (_spec.Timeline.Count > 0) yield return TimelineActor.TimelineId.Value;
    }

    private void StartEntities()
    {
        var entropy = _spec.Entropy;
        // Authorities come parents first (the scenario loader orders them), so a child's parent already exists.
        var cas = new Dictionary<EntityId, IActorRef>();
        var authorities = Entities.TrustCentre.TrustCentres.Federate(_spec.Authorities);
        foreach (var (id, settings) in authorities)
        {
            var parent = settings.Parent is { } p ? cas[p] : null;
            cas[id] = Context.ActorOf(Supervised(CaActor.Props(_spec.Run, id, settings, _clock, _vault, _work, _clockActor, entropy, parent, _runtime.Distribution, Self), id.Value), id.Value);
        }
        foreach (var (id, settings) in _spec.Manufacturers)
        {
            var manufacturer = Context.ActorOf(Supervised(Entities.Manufacturer.ManufacturerActor.Props(_spec.Run, id, settings, _clock, _clockActor, _vault, _work, entropy, _runtime), id.Value), id.Value);
            _runtime.Manufacturers.TryAdd(id.Value, new ManufacturerHandle(manufacturer, null, new HashSet<string>()));
        }
        foreach (var (id, settings) in _spec.Registrars)
            _runtime.Registrars[settings.Domain] = Context.ActorOf(Supervised(Entities.Registrar.RegistrarActor.Props(_spec.Run, id, settings, _clock, _clockActor, cas[settings.IssuingCa], _vault, _work, entropy, _runtime, _runtime.CmpTransport), id.Value), id.Value);
        foreach (var (id, given) in _spec.Devices)
        {
            var settings = given.TrustAnchor is null ? given with { TrustAnchor = Entities.TrustCentre.TrustCentres.AnchorFor(given.Ca, authorities) } : given;
            _runtime.Devices[id.Value] = Context.ActorOf(Supervised(DeviceActor.Props(_spec.Run, id, settings, _clock, _clockActor, cas[settings.Ca], _vault, _work, entropy, _runtime), id.Value), id.Value);
        }
        if (_spec.Timeline.Count > 0)
        {
            var name = TimelineActor.TimelineId.Value;
            Context.ActorOf(Supervised(TimelineActor.Props(_spec.Run, _spec.Start, _spec.Timeline, _clock, _work, _clockActor, Self), name), name);
        }
    }

    // Ending a run: time stops first, so nothing more happens; then the end is journaled; then every entity
    // stops (its OPC UA server with it). Asking again answers the same end.
    private void Stop(StopRun stop)
    {
        if (_ended is not null)
        {
            Sender.Tell(_ended);
            return;
        }
        _stopRequesters.Add(Sender);
        if (_ending) return;
        _ending = true;
        _clockActor.Tell(new PauseClock());
        _end.Tell(new RunEndActor.EndRun(stop.By));
    }

    private void Ended(RunEnded ended)
    {
        _ended = ended;
        EndHandovers(); // before the entities stop: what they have away is refused at their stop, not left for a start that never comes
        foreach (var child in Context.GetChildren())
            if (!child.Equals(_clockActor) && !child.Equals(_end)) Context.Stop(child);
        foreach (var requester in _stopRequesters) requester.Tell(ended);
        _stopRequesters.Clear();
    }
}
