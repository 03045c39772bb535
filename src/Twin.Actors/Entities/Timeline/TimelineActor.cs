using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Timeline;

/// <summary>
/// Plays a scenario's timeline on the clock: each step goes to its target as counted work at its
/// instant and is journaled, so a resumed run never applies a step twice.
/// </summary>
public sealed class TimelineActor : EntityActor
{
    /// <summary>The timeline's entity id.</summary>
    public static readonly EntityId TimelineId = new("timeline");

    private readonly RunId _run;
    private readonly SimInstant _start;
    private readonly IReadOnlyList<TimelineStep> _steps;
    private readonly SimulationClock _clock;
    private readonly IActorRef _plant;
    private ImmutableHashSet<int> _applied = [];
    private ImmutableHashSet<int> _attempted = [];
    // Attack steps sent and not yet answered, with how many answers (AttackDone) are still to come.
    private readonly Dictionary<int, int> _awaiting = [];

    /// <summary>Creates the timeline of <paramref name="run"/>; <paramref name="plant"/> routes steps to their targets.</summary>
    public TimelineActor(RunId run, SimInstant start, IReadOnlyList<TimelineStep> steps, SimulationClock clock, SimulationWork work, IActorRef clockActor, IActorRef plant)
        : base(TimelineId, work, clockActor)
    {
        _run = run;
        _start = start;
        _steps = steps;
        _clock = clock;
        _plant = plant;
        PersistenceId = EntityKinds.PersistenceId("timeline", run, TimelineId);

        Recover<TimelineStepApplied>(e => _applied = _applied.Add(e.Step));
        Recover<TimelineStepAttempted>(e => _attempted = _attempted.Add(e.Step));
        Recover<RecoveryCompleted>(_ =>
        {
            // A step not applied yet is due at its instant; so is an attack applied (attempting) but not attempted: the kill came
            // before every party journaled what it saw, and it is played again at its instant (who journaled already answers from it).
            for (var i = 0; i < _steps.Count; i++)
                if (!_applied.Contains(i) || InFlight(i) || RevocationToRepeat(i)) WakeAt(_start.Add(_steps[i].After), new StepDue(i), $"step-{i}", priority: 10);
            AnnounceStarted();
        });
        Command<StepDue>(d => Apply(d.Index));
        // Answers from targets arrive as counted work; nothing more to do with them.
        Command<CaReachability>(_ => { });
        Command<RevocationDone>(_ => { });
        Command<RevocationRefused>(_ => { });
        Command<CaLifecycleDone>(OrderReenrollment);
        Command<AttackDone>(Attempted);
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the timeline.</summary>
    public static Props Props(RunId run, SimInstant start, IReadOnlyList<TimelineStep> steps, SimulationClock clock, SimulationWork work, IActorRef clockActor, IActorRef plant) =>
        Akka.Actor.Props.Create(() => new TimelineActor(run, start, steps, clock, work, clockActor, plant));

    private static bool IsAttack(TimelineStep step) => step.Action is TimelineAction.RogueDevice or TimelineAction.DowngradeNone or TimelineAction.RogueGds;

    // A revocation applied at the instant the run resumes may have died before its CA journaled it: sent again once (a CA refuses,
    // journaling nothing, a serial it revoked already).
    private readonly HashSet<int> _repeated = [];

    private bool RevocationToRepeat(int index) =>
        !_repeated.Contains(index) && _applied.Contains(index) && _steps[index].Action == TimelineAction.Revoke && _start.Add(_steps[index].After) == _clock.Now;

    private bool InFlight(int index) => _applied.Contains(index) && !_attempted.Contains(index) && IsAttack(_steps[index]);

    private void Apply(int index)
    {
        if (InFlight(index) && !_awaiting.ContainsKey(index))
        {
            Send(index, _steps[index], replayOf: _start.Add(_steps[index].After));
            return;
        }
        if (RevocationToRepeat(index))
        {
            _repeated.Add(index);
            Send(index, _steps[index], replayOf: null);
            return;
        }
        if (_applied.Contains(index)) return;
        var step = _steps[index];
        Persist(new TimelineStepApplied(_run, _clock.Now, Id, index, step.ActionName, step.Target), e =>
        {
            _applied = _applied.Add(e.Step);
            Send(index, step, replayOf: null);
            if (step.Action == TimelineAction.MigrateAlgorithm) MigrateDomain(step);
        });
    }

    private void Send(int index, TimelineStep step, SimInstant? replayOf)
    {
        object command = step.Action switch
        {
            TimelineAction.Revoke => new RevokeCurrentCertificate(step.Reason, "timeline"),
            TimelineAction.CaOffline => new SetCaReachable(false, "timeline"),
            TimelineAction.Rollover => new RollOverCa("timeline"),
            TimelineAction.RootKeyUpdate => new UpdateRootCaKey("timeline"),
            TimelineAction.CaCompromise => new CompromiseCa(step.ReenrollAfter, "timeline"),
            TimelineAction.Decommission => new DecommissionDevice("timeline"),
            TimelineAction.PartnerJoin => new JoinPartner(step.Partner!.Value, "timeline"),
            TimelineAction.PartnerLeave => new LeavePartner(step.Partner!.Value, "timeline"),
            TimelineAction.RogueDevice => new LaunchAttack(Attacks.OpcUaAttack.RogueDevice, "timeline") { FirstSentAt = replayOf },
            TimelineAction.DowngradeNone => new LaunchAttack(Attacks.OpcUaAttack.DowngradeNone, "timeline") { FirstSentAt = replayOf },
            TimelineAction.RogueGds => new LaunchAttack(Attacks.OpcUaAttack.RogueGds, "timeline") { FirstSentAt = replayOf },
            TimelineAction.FirmwareUpdate => new UpdateFirmware(step.Version, step.Tampered, "timeline"),
            TimelineAction.MtpTamper => new TamperMtpPackage("timeline"),
            TimelineAction.CloneOnboard => new StartCloneOnboarding("timeline"),
            TimelineAction.MigrateAlgorithm => new MigrateCaKey(step.Algorithm!.Value, "timeline"),
            _ => new SetCaReachable(true, "timeline"),
        };
        if (IsAttack(step)) _awaiting[index] = step.Action == TimelineAction.DowngradeNone && step.Partner is not null ? 2 : 1;
        Work.Begin("timeline");
        _plant.Tell(new ToEntity(step.Target, new Tracked(command, "timeline")), Self);
        if (step.Action == TimelineAction.DowngradeNone && step.Partner is { } pol)
        {
            // The downgrade's second half: a man in the middle between the POL and the PEA.
            Work.Begin("timeline");
            _plant.Tell(new ToEntity(pol, new Tracked(new InterceptDiscovery(step.Target, "timeline") { FirstSentAt = replayOf }, "timeline")), Self);
        }
    }

    // Every party an attack step went to answered once it journaled what it saw: the step is attempted.
    private void Attempted(AttackDone done)
    {
        var index = _awaiting.Keys.Order().FirstOrDefault(i => _steps[i].Target == done.Target && StepAttackName(_steps[i]) == done.Attack, -1);
        if (index < 0) return;
        if (--_awaiting[index] > 0) return;
        _awaiting.Remove(index);
        Persist(new TimelineStepAttempted(_run, _clock.Now, Id, index), e => _attempted = _attempted.Add(e.Step));
    }

    private static string StepAttackName(TimelineStep step) => step.Action switch
    {
        TimelineAction.RogueDevice => Device.AttackNames.RogueDevice,
        TimelineAction.DowngradeNone => Device.AttackNames.DowngradeNone,
        _ => Device.AttackNames.RogueGds,
    };

    // An algorithm migration: the domain's registrar certifies the new suite only, its members generate keys of it from their next renewal on.
    private void MigrateDomain(TimelineStep step)
    {
        var algorithm = step.Algorithm!.Value;
        var targets = new List<(EntityId, object)> { (Registrar.RegistrarSettings.EntityIdOf(step.Domain!), new MigrateSignatureSuite(algorithm, "timeline")) };
        targets.AddRange(step.Members.Select(m => (m, (object)new MigrateKeyAlgorithm(algorithm, "timeline"))));
        foreach (var (entity, command) in targets)
        {
            Work.Begin("timeline");
            _plant.Tell(new ToEntity(entity, new Tracked(command, "timeline")), Self);
        }
    }

    // A CA replaced after a compromise names the holders of certificates under the old key: each is told when to re-enroll.
    private void OrderReenrollment(CaLifecycleDone done)
    {
        if (done.ReenrollAt is not { } at) return;
        foreach (var entity in done.Reenroll)
        {
            Work.Begin("timeline");
            _plant.Tell(new ToEntity(entity, new Tracked(new ReenrollAt(at, "timeline"), "timeline")), Self);
        }
    }

    /// <summary>The clock's wake-up for step <paramref name="Index"/>.</summary>
    public sealed record StepDue(int Index);
}
