using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Plant;

/// <summary>
/// Journals the end of a run once (a run stopped twice keeps its first end) and answers
/// <see cref="RunEnded"/> to the plant supervisor, which then stops the entities.
/// </summary>
public sealed class RunEndActor : ReceivePersistentActor
{
    /// <summary>The entity id the end is journaled under.</summary>
    public static readonly EntityId RunEntity = new("run");

    private SimInstant? _ended;

    /// <summary>Ends <paramref name="run"/> at the clock's now on behalf of <paramref name="by"/>, answering <paramref name="replyTo"/>.</summary>
    public RunEndActor(RunId run, SimulationClock clock, string by, IActorRef replyTo)
    {
        PersistenceId = EntityKinds.PersistenceId("run", run, RunEntity);
        Recover<RunStopped>(e => _ended ??= e.At);
        Recover<RecoveryCompleted>(_ =>
        {
            if (_ended is { } at)
            {
                replyTo.Tell(new RunEnded(at));
                return;
            }
            Persist(new RunStopped(run, clock.Now, RunEntity, by), e => replyTo.Tell(new RunEnded(e.At)));
        });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the run's end.</summary>
    public static Props Props(RunId run, SimulationClock clock, string by, IActorRef replyTo) =>
        Akka.Actor.Props.Create(() => new RunEndActor(run, clock, by, replyTo));
}
