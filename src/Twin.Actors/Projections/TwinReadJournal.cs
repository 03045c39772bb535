using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;

namespace Twin.Actors.Projections;

/// <summary>The run's read journal, obtained robustly.</summary>
public static class TwinReadJournal
{
    private const int Attempts = 12;

    /// <summary>
    /// The SQL read journal of <paramref name="system"/>. Its constructor waits a fixed five seconds
    /// for the write journal to create its tables, which a busy machine can exceed; a failed
    /// construction is not cached, so it is simply asked for again (up to a minute in all).
    /// </summary>
    public static SqlReadJournal For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            }
            catch (AggregateException e) when (attempt < Attempts && e.InnerException is AskTimeoutException)
            {
                // The write journal was still initialising: ask again.
            }
        }
    }
}
