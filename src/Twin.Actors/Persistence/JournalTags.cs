using Microsoft.Data.Sqlite;

namespace Twin.Actors.Persistence;

/// <summary>
/// Where a journal keeps each event's tags (the run it belongs to). The journal writes them as a column of the event row
/// (";run:NAME;"): reading a run back — replay, export, reports, the dashboard's scrubber — then walks the journal in order
/// and stops after each batch. Journals written before kept them in a separate tag table, whose read query the plugin
/// builds with a correlated aggregate over the whole tag table for every row returned — a read-back of a 264,000-event
/// run took longer than the run itself. <see cref="UpgradeSqlite"/> moves such a journal's tags into the column, once.
/// </summary>
public static class JournalTags
{
    /// <summary>The tag of run events, as the journal stores it between separators.</summary>
    public const string RunPrefix = "run:";

    /// <summary>
    /// Brings a SQLite journal written with a tag table to the tag column: adds the column and fills it from the table
    /// (the table stays, unused). Does nothing to a new file or one already upgraded. Returns the number of events updated.
    /// </summary>
    public static int UpgradeSqlite(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!HasTable(connection, "journal") || HasColumn(connection, "journal", "tags")) return 0;
        using var transaction = connection.BeginTransaction();
        using var alter = connection.CreateCommand();
        alter.Transaction = transaction;
        alter.CommandText = "ALTER TABLE journal ADD COLUMN tags NVarChar(100) NULL;";
        alter.ExecuteNonQuery();
        var updated = 0;
        if (HasTable(connection, "tags"))
        {
            using var fill = connection.CreateCommand();
            fill.Transaction = transaction;
            fill.CommandText = """
                UPDATE journal SET tags = ';' || (SELECT group_concat(t.tag, ';') FROM tags t WHERE t.ordering_id = journal.ordering) || ';'
                WHERE EXISTS (SELECT 1 FROM tags t WHERE t.ordering_id = journal.ordering);
                """;
            updated = fill.ExecuteNonQuery();
        }
        transaction.Commit();
        return updated;
    }

    /// <summary>The runs a SQLite journal holds, by name, in order — from the tag column, or from the tag table of a journal not yet upgraded.</summary>
    public static IReadOnlyList<string> RunsIn(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var runs = new SortedSet<string>(StringComparer.Ordinal);
        using var command = connection.CreateCommand();
        if (HasColumn(connection, "journal", "tags"))
        {
            command.CommandText = "SELECT DISTINCT tags FROM journal WHERE tags LIKE '%;run:%'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
                foreach (var tag in reader.GetString(0).Split(';', StringSplitOptions.RemoveEmptyEntries))
                    if (tag.StartsWith(RunPrefix, StringComparison.Ordinal)) runs.Add(tag[RunPrefix.Length..]);
        }
        if (HasTable(connection, "tags"))
        {
            command.CommandText = "SELECT DISTINCT tag FROM tags WHERE tag LIKE 'run:%'";
            using var reader = command.ExecuteReader();
            while (reader.Read()) runs.Add(reader.GetString(0)[RunPrefix.Length..]);
        }
        if (!HasTable(connection, "journal")) throw new SqliteException("the file has no journal table", 1);
        return [.. runs];
    }

    private static bool HasTable(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static bool HasColumn(SqliteConnection connection, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info($table) WHERE name = $column";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
