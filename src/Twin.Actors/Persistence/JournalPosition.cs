using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Npgsql;
using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Persistence;

/// <summary>
/// The latest simulated instant a run has journaled. A restarted run's clock starts there at the earliest: its own saved
/// position is written only every few wall seconds, and a clock that resumed before the last journaled instant would let
/// entities act at an instant the journal has already left behind (a CRL published at T judged "not yet valid" at T−1h).
/// </summary>
public static class JournalPosition
{
    private const string SqlJournal = "akka.persistence.journal.sql";

    /// <summary>
    /// Reads the latest <c>at</c> of <paramref name="run"/>'s events straight from the SQL journal the actor system's
    /// <paramref name="config"/> names; null when the run has journaled nothing or the journal is not the SQL plugin.
    /// </summary>
    public static async Task<SimInstant?> LatestAsync(Config config, RunId run, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Connect(config) is not { } sql) return null;
        var (connection, postgres) = sql;
        // Every event of the run carries its instant as "at" (milliseconds since the epoch) in its JSON payload, and its
        // persistence id names the run between bars (EntityKinds.PersistenceId). Only the run's last rows are parsed, newest first
        // along the journal's ordering key: max mode writes everything of one instant before it moves on (the clock waits for
        // the work, persists included), so the last rows belong to the last instant, and most of them carry it as "at" (the
        // rest, observations stamped with the PEA's source timestamp, carry earlier ones). Parsing every row of a long run
        // cost seconds at each start (docs/benchmarks.md).
        var marker = "|" + run.Value + "|";
        long? latest = await ScalarAsync(connection, postgres ? LatestPostgres : LatestSqlite, marker, cancellation).ConfigureAwait(false);
        return latest is { } ms ? new SimInstant(DateTimeOffset.FromUnixTimeMilliseconds(ms)) : null;
    }

    /// <summary>
    /// The journal offset (ordering) of <paramref name="run"/>'s newest event, as a projection following the run's tag
    /// sees it; null when the run has journaled nothing or the journal is not the SQL plugin. The query walks the journal
    /// backward from its newest row and stops at the first of the run's, so it costs little on a long journal.
    /// </summary>
    public static async Task<long?> HighestOffsetAsync(Config config, RunId run, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Connect(config) is not { } sql) return null;
        var (connection, postgres) = sql;
        var tag = ";" + RunTagger.TagFor(run) + ";";
        return await ScalarAsync(connection, postgres ? HighestPostgres : HighestSqlite, tag, cancellation).ConfigureAwait(false);
    }

    private const string HighestSqlite = "SELECT ordering FROM journal WHERE instr(tags, @m) > 0 ORDER BY ordering DESC LIMIT 1";

    private const string HighestPostgres = "SELECT ordering FROM journal WHERE strpos(tags, @m) > 0 ORDER BY ordering DESC LIMIT 1";

    // The latest instant among the run's last 1,000 rows.
    private const string LatestSqlite =
        "SELECT MAX(at) FROM (SELECT json_extract(CAST(message AS TEXT), '$.at') AS at FROM journal WHERE instr(persistence_id, @m) > 0 ORDER BY ordering DESC LIMIT 1000)";

    private const string LatestPostgres =
        "SELECT MAX(at) FROM (SELECT (convert_from(message, 'UTF8')::jsonb ->> 'at')::bigint AS at FROM journal WHERE strpos(persistence_id, @m) > 0 ORDER BY ordering DESC LIMIT 1000) AS tail";

    /// <summary>A connection (not yet open) to the SQL journal <paramref name="config"/> names, and whether it is PostgreSQL; null for another journal.</summary>
    internal static (System.Data.Common.DbConnection Connection, bool Postgres)? Connect(Config config)
    {
        if (config.GetString("akka.persistence.journal.plugin") != SqlJournal) return null;
        var connection = config.GetString(SqlJournal + ".connection-string");
        var provider = config.GetString(SqlJournal + ".provider-name") ?? "";
        if (string.IsNullOrEmpty(connection)) return null;
        return provider.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase)
            ? (new NpgsqlConnection(connection), true)
            : (new SqliteConnection(connection), false);
    }

    private static async Task<long?> ScalarAsync(System.Data.Common.DbConnection connection, string sql, string marker, CancellationToken cancellation)
    {
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellation).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.AddParameter("@m", marker);
                var value = await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false);
                return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (IsMissingTable(e))
            {
                return null; // a fresh database: the journal plugin has not created its table yet
            }
        }
    }

    internal static bool IsMissingTable(Exception e) =>
        e is SqliteException { SqliteErrorCode: 1 } s && s.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase)
        || e is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable };
}
