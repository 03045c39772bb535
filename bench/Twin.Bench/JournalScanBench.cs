using System.Diagnostics;
using System.Globalization;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Twin.Actors.Model;
using Twin.Actors.Persistence;

/// <summary>
/// What a restarted run pays at start to find the latest instant its journal holds (JournalPosition): the run's last rows,
/// next to the peer — the same SQLite file scanned whole, every row's payload parsed (what the start did before) — in one process,
/// alternating, so both see the same page cache.
/// Usage: dotnet run -c Release --project bench/Twin.Bench -- journal-scan FILE.db [--rounds N]
/// </summary>
internal static class JournalScanBench
{
    private const string WholeScan = "SELECT MAX(json_extract(CAST(message AS TEXT), '$.at')) FROM journal WHERE instr(persistence_id, @m) > 0";

    public static async Task RunAsync(string file, int rounds)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"journal-scan: no SQLite journal at {file}", file);
        var connection = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly }.ToString();
        var run = await RunOfAsync(connection);
        var rows = await ScalarAsync(connection, "SELECT COUNT(*) FROM journal", null);
        var bytes = new FileInfo(file).Length;
        Console.WriteLine(FormattableString.Invariant($"journal {file}: run {run.Value}, {rows:N0} rows, {bytes / 1048576.0:0.0} MiB"));
        var config = ConfigurationFactory.ParseString(TwinPersistence.Hocon(TwinDatabase.Sqlite(file)));
        var tail = new List<double>();
        var whole = new List<double>();
        long? tailAt = null, wholeAt = null;
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            tailAt = (await JournalPosition.LatestAsync(config, run))?.Utc.ToUnixTimeMilliseconds();
            tail.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            wholeAt = await ScalarAsync(connection, WholeScan, "|" + run.Value + "|");
            whole.Add(watch.Elapsed.TotalMilliseconds);
        }
        if (tailAt != wholeAt) throw new InvalidOperationException($"journal-scan: the last rows say {tailAt}, the whole journal {wholeAt}");
        var (t, w) = (Median(tail), Median(whole));
        Console.WriteLine(FormattableString.Invariant($"latest instant {DateTimeOffset.FromUnixTimeMilliseconds(wholeAt ?? 0):O} (both agree)"));
        Console.WriteLine(FormattableString.Invariant($"last rows:     median {t:0.0} ms over {rounds} rounds (min {tail.Min():0.0}, max {tail.Max():0.0})"));
        Console.WriteLine(FormattableString.Invariant($"whole journal: median {w:0.0} ms over {rounds} rounds (min {whole.Min():0.0}, max {whole.Max():0.0})"));
        Console.WriteLine(FormattableString.Invariant($"whole / last rows: {w / t:0.0}x"));
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static async Task<RunId> RunOfAsync(string connection)
    {
        await using var c = new SqliteConnection(connection);
        await c.OpenAsync();
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT persistence_id FROM journal ORDER BY ordering DESC LIMIT 1";
        var id = (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException("journal-scan: the journal is empty");
        return new RunId(id.Split('|')[1]);
    }

    private static async Task<long?> ScalarAsync(string connection, string sql, string? marker)
    {
        await using var c = new SqliteConnection(connection);
        await c.OpenAsync();
        await using var command = c.CreateCommand();
        command.CommandText = sql;
        if (marker is not null) command.Parameters.AddWithValue("@m", marker);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
