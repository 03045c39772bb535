using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence;
using Akka.Persistence.Sql.Query;

namespace Twin.Actors.Persistence;

/// <summary>The one way the twin opens its read journal.</summary>
public static class TwinJournal
{
    private static readonly ConditionalWeakTable<ActorSystem, SqlReadJournal> Opened = new();

    /// <summary>How long the write journal may take to open its database (create tables, run migrations).</summary>
    public static readonly TimeSpan StartupPatience = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The read journal of <paramref name="system"/>. Its constructor gives the write journal only five seconds to
    /// open the database and fails the whole host when that is exceeded, which a busy machine easily does; so the
    /// write journal is asked first, with a patient timeout, and the constructor then finds it ready. The question is
    /// an empty replay (no events, only the highest sequence number of a probe id): the journal answers it only once its
    /// database is open.
    /// </summary>
    public static SqlReadJournal Read(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (Opened.TryGetValue(system, out var open)) return open;
        var writeJournal = Akka.Persistence.Persistence.Instance.Apply(system).JournalFor(null);
        var answer = writeJournal.Ask<object>((IActorRef replyTo) => new ReplayMessages(0, 0, 0, "twin-journal-probe", replyTo), StartupPatience)
            .GetAwaiter().GetResult();
        if (answer is ReplayMessagesFailure failure)
            throw new InvalidOperationException($"the journal could not be opened: {failure.Cause.Message}", failure.Cause);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        Opened.AddOrUpdate(system, journal);
        return journal;
    }
}
