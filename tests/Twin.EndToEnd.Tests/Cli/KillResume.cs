using System.Text.Json;
using Microsoft.Data.Sqlite;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// What every kill-and-resume test does: run a scenario uninterrupted, run it again until it kills itself (SIGKILL) just before the
/// N-th event of a kind reaches the journal, start it again on the same journal, and read the journal between the steps.
/// </summary>
internal static class KillResume
{
    /// <summary>`run SCENARIO` uninterrupted in a fresh scratch folder named after <paramref name="scratch"/>: exit 0, then its digest and event count.</summary>
    public static Task<(string Digest, int Events)> UninterruptedAsync(string scenario, string scratch) => UninterruptedAsync(scratch, _ => scenario);

    /// <summary>As the other overload, with the scenario file that <paramref name="scenarioIn"/> gives for the scratch folder (a plant written into it).</summary>
    public static async Task<(string Digest, int Events)> UninterruptedAsync(string scratch, Func<string, string> scenarioIn)
    {
        ArgumentNullException.ThrowIfNull(scenarioIn);
        var folder = RepoPaths.NewScratch(scratch);
        var (whole, report) = await Verb.RunScenarioAsync(scenarioIn(folder), folder);
        Assert.True(whole.ExitCode == 0, whole.All);
        return (report.GetProperty("digest").GetString()!, report.GetProperty("events").GetInt32());
    }

    /// <summary>
    /// `run SCENARIO --db FOLDER/run.db` with PLANTTRUST_KILL_BEFORE=<paramref name="killBefore"/> ("manifest#N"): the process must die
    /// by SIGKILL (137); returns how many events the journal then holds.
    /// </summary>
    public static async Task<long> KillBeforeAsync(string scenario, string folder, string killBefore)
    {
        var db = Path.Combine(folder, "run.db");
        var killed = await Verb.RunWithAsync(new Dictionary<string, string> { ["PLANTTRUST_KILL_BEFORE"] = killBefore }, "run", scenario, "--db", db, "--report", Path.Combine(folder, "never"));
        Assert.True(killed.ExitCode == 137, $"expected SIGKILL (137), got {killed.ExitCode}: {killed.All}");
        return await CountAsync(db);
    }

    /// <summary>Starts the killed run again on its journal in <paramref name="folder"/>: exit 0; returns its report.</summary>
    public static async Task<JsonElement> ResumeAsync(string scenario, string folder)
    {
        var (resumed, report) = await Verb.RunScenarioAsync(scenario, folder);
        Assert.True(resumed.ExitCode == 0, resumed.All);
        return report;
    }

    /// <summary>
    /// Resumes the run killed with <paramref name="journaled"/> events in its journal: it adds to them and ends with the event count and
    /// digest of <paramref name="uninterrupted"/>.
    /// </summary>
    public static async Task AssertResumesLikeAsync(string scenario, string folder, long journaled, Task<(string Digest, int Events)> uninterrupted)
    {
        var report = await ResumeAsync(scenario, folder);
        var (digest, events) = await uninterrupted;
        Assert.True(report.GetProperty("events").GetInt32() > journaled, "the resumed run added nothing");
        Assert.Equal(events, report.GetProperty("events").GetInt32());
        Assert.Equal(digest, report.GetProperty("digest").GetString());
    }

    /// <summary>How many events the journal holds, of <paramref name="manifest"/> if given.</summary>
    public static async Task<long> CountAsync(string db, string? manifest = null)
    {
        await using var c = Open(db);
        await using var command = c.CreateCommand();
        command.CommandText = manifest is null ? "SELECT COUNT(*) FROM journal" : "SELECT COUNT(*) FROM journal WHERE manifest = $m";
        if (manifest is not null) command.Parameters.AddWithValue("$m", manifest);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The run's SQLite journal, read-only and unpooled (the file is deleted with its scratch folder).</summary>
    public static SqliteConnection Open(string db)
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        return c;
    }
}
