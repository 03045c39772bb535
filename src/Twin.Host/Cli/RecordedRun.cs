using Akka.Actor;
using Akka.Hosting;
using Microsoft.Data.Sqlite;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;

namespace Twin.Host.Cli;

/// <summary>
/// A run recorded in a journal file, opened for reading only: an actor system with the twin's
/// serialization and read journal, and no plant. Used by export and replay.
/// </summary>
internal sealed class RecordedRun : IAsyncDisposable
{
    private readonly IHost _host;

    private RecordedRun(IHost host, RunId run)
    {
        _host = host;
        Run = run;
    }

    /// <summary>The run.</summary>
    public RunId Run { get; }

    /// <summary>The actor system that reads the journal.</summary>
    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    /// <summary>Hands every event of the run to <paramref name="visit"/> in journal order with its position (1, 2, ...), reading the journal page by page.</summary>
    public Task<long> ForEachAsync(Action<ITwinEvent, long> visit, CancellationToken token = default) => EventQuery.ForEachAsync(System, Run, visit, token);

    /// <summary>The runs a journal file holds (from its events' tags), without starting Akka.</summary>
    public static IReadOnlyList<string> RunsIn(string database)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        return JournalTags.RunsIn(connection);
    }

    /// <summary>Checks that <paramref name="database"/> is a journal holding run <paramref name="runText"/>; returns its full path and the run. Problems are <see cref="UsageException"/>s.</summary>
    public static (string Path, RunId Run) Check(string database, string runText)
    {
        var path = Path.GetFullPath(database);
        if (!File.Exists(path)) throw new UsageException($"--db '{database}': no journal file there.");
        IReadOnlyList<string> runs;
        try
        {
            runs = RunsIn(path);
        }
        catch (SqliteException e)
        {
            throw new UsageException($"--db '{database}': not a PlantTrust journal ({e.Message}).");
        }
        RunId run;
        try
        {
            run = new RunId(runText);
        }
        catch (ArgumentException)
        {
            throw new UsageException($"--run '{runText}': not a run id (a-z, 0-9, '-', '_').");
        }
        if (!runs.Contains(run.Value, StringComparer.Ordinal))
            throw new UsageException($"--run '{runText}': the journal {database} holds no such run; it holds: {(runs.Count == 0 ? "none" : string.Join(", ", runs))}.");
        try
        {
            // A journal from before the tag column is brought to it in place (only then is the file written).
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            connection.Open();
            JournalTags.UpgradeSqlite(connection);
        }
        catch (SqliteException e)
        {
            throw new UsageException($"--db '{database}': the journal keeps its run tags in the older tag table and could not be upgraded in place ({e.Message}).");
        }
        return (path, run);
    }

    /// <summary>Opens <paramref name="database"/> for reading run <paramref name="runText"/>; a missing file or an unknown run is a <see cref="UsageException"/>.</summary>
    public static async Task<RecordedRun> OpenAsync(string database, string runText, CancellationToken token = default)
    {
        var (path, run) = Check(database, runText);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAkka("planttrust-recorded", (akka, _) =>
        {
            akka.ConfigureLoggers(l => l.LogLevel = Akka.Event.LogLevel.WarningLevel);
            akka.AddTwinSerialization();
            akka.AddTwinPersistence(path);
        });
        var host = builder.Build();
        await host.StartAsync(token);
        // Nothing is read yet: the journal is read page by page by whoever uses the run (ForEachAsync).
        return new RecordedRun(host, run);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
