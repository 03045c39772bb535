using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;

namespace Twin.Actors.Persistence;

/// <summary>The one way the twin opens its read journal.</summary>
public static class TwinJournal
{
    /// <summary>How long the write journal may take to open its database (create tables, run migrations).</summary>
    public static readonly TimeSpan StartupPatience = TimeSpan.FromMinutes(2);

    private static readonly ConditionalWeakTable<ActorSystem, SqlReadJournal> Opened = new();

    /// <summary>
    /// The read journal of <paramref name="system"/>. Its constructor gives the write journal a fixed five seconds to
    /// open the database and throws when that is exceeded, which a busy machine easily does. A failed construction is
    /// not kept by Akka, so it is asked for again until <see cref="StartupPatience"/> has passed.
    /// </summary>
    public static SqlReadJournal Read(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (Opened.TryGetValue(system, out var open)) return open;
        var giveUpAt = DateTime.UtcNow + StartupPatience;
        while (true)
        {
            try
            {
                var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
                Opened.AddOrUpdate(system, journal);
                return journal;
            }
            catch (AggregateException e) when (e.InnerException is AskTimeoutException && DateTime.UtcNow < giveUpAt)
            {
                // The write journal is still opening its database: ask again.
            }
        }
    }
}
