using Akka.Actor;
using Akka.Persistence;

namespace Twin.Actors.Tests.Support;

/// <summary>Writes a journal as a killed entity would have left it, under <c>persistenceId</c>; tells <c>done</c> <see cref="Written"/> once stored.</summary>
public sealed class JournalWriter : ReceivePersistentActor
{
    /// <summary>The events are in the journal.</summary>
    public sealed record Written;

    private sealed record Write;

    public JournalWriter(string persistenceId, IReadOnlyList<object> events, IActorRef done)
    {
        PersistenceId = persistenceId;
        var left = events.Count;
        Command<Write>(_ => PersistAll(events, _ =>
        {
            if (--left > 0) return;
            done.Tell(new Written());
            Context.Stop(Self);
        }));
        Self.Tell(new Write());
    }

    public override string PersistenceId { get; }
}
