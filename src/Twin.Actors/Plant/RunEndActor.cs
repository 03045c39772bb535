using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Plant;

/// <summary>
/// Knows whether the run has ended. Recovers first and tells the plant supervisor (<see cref="RunEndKnown"/>), so a run
/// stopped before a restart stays stopped: its entities are never started again. Journals the end once (a run stopped
/// twice keeps its first end) and answers <see cref="RunEnded"/>, after which the supervisor stops the entities.
/// </summary>
public sealed class RunEndActor : ReceivePersistentActor
{
    /// <summary>The entity id the end is journaled under.</summary>
    public static readonly EntityId RunEntity = new("run");

    private SimInstant? _ended;

    /// <summary>Watches the end of <paramref name="run"/> for <paramref name="supervisor"/>; an end is stamped with the clock's now.</summary>
    public RunEndActor(RunId run, SimulationClock clock, IActorRef supervisor)
    {
        PersistenceId = EntityKinds.PersistenceId("run", run, RunEntity);
        Recover<RunStopped>(e => _ended ??= e.At);
        Recover<RecoveryCompleted>(_ => supervisor.Tell(new RunEndKnown(_ended)));
        Command<EndRun>(end =>
        {
            if (_ended is { } at)
            {
                Sender.Tell(new RunEnded(at));
                return;
            }
            var replyTo = Sender;
            Persist(new RunStopped(run, clock.Now, RunEntity, end.By), e =>
            {
                _ended = e.At;
                replyTo.Tell(new RunEnded(e.At));
            });
        });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the run's end.</summary>
    public static Props Props(RunId run, SimulationClock clock, IActorRef supervisor) =>
        Akka.Actor.Props.Create(() => new RunEndActor(run, clock, supervisor));

    /// <summary>Journal the end on behalf of <paramref name="By"/> (once); answered with <see cref="RunEnded"/>.</summary>
    public sealed record EndRun(string By);

    /// <summary>What the journal says after recovery: the instant the run ended, or null while it goes on.</summary>
    public sealed record RunEndKnown(SimInstant? EndedAt);
}
