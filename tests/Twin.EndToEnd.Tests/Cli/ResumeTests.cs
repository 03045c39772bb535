using Microsoft.Data.Sqlite;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>A run killed with SIGKILL and started again on the same journal ends where an uninterrupted run ends.</summary>
public sealed class ResumeTests
{
    // Certificates outlive the run, so after the first instant the plant only publishes CRLs. A kill
    // while a device's enrollment is in flight is not resumed exactly yet (the device asks again
    // with a new key and the CA issues twice; see docs/scenarios.md), so this run has none in flight
    // once the journal holds more than the initial enrollments.
    private const string Plant = """
        name: Resumed plant
        run: resumed
        seed: 8
        start: 2030-01-01T00:00:00Z
        duration: P365D
        clock: { mode: max }
        design: { deviceLifetime: P1000D, crlInterval: PT6H, crlValidity: P1D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Resumed Root" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Resumed Issuing" }
          devices:
            - { id: "dev-{n}", count: 5, ca: ca-issuing }
        expect:
          - crlLapsed: { ca: ca-issuing, never: true }
        """;

    [Fact]
    public async Task A_run_killed_mid_way_resumes_from_its_journal_to_the_same_final_digest()
    {
        var folder = RepoPaths.NewScratch("resume");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant);
        var db = Path.Combine(folder, "run.db"); // where RunScenarioAsync runs it again

        var victim = Verb.Start("run", scenario, "--db", db, "--report", Path.Combine(folder, "never"));
        var journaled = await WaitForEventsAsync(db, victim, atLeast: 300);
        Assert.False(victim.HasExited, "the run ended before it could be killed");
        victim.Kill(entireProcessTree: true); // SIGKILL: nothing is flushed that was not already written
        await victim.WaitForExitAsync();
        Assert.False(File.Exists(Path.Combine(folder, "never", "report.json")));

        var (resumed, resumedReport) = await Verb.RunScenarioAsync(scenario, folder);
        var (whole, wholeReport) = await Verb.RunScenarioAsync(scenario, RepoPaths.NewScratch("resume-whole"));

        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.True(whole.ExitCode == 0, whole.All);
        Assert.True(resumedReport.GetProperty("events").GetInt32() > journaled, "the resumed run added nothing");
        Assert.Equal(wholeReport.GetProperty("events").GetInt32(), resumedReport.GetProperty("events").GetInt32());
        Assert.Equal(wholeReport.GetProperty("digest").GetString(), resumedReport.GetProperty("digest").GetString());
    }

    // The other process's progress can only be seen in its journal: poll it (bounded) until enough is written.
    private static async Task<long> WaitForEventsAsync(string db, System.Diagnostics.Process process, long atLeast)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        var connection = new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        while (await poll.WaitForNextTickAsync(cts.Token))
        {
            if (process.HasExited) throw new InvalidOperationException($"the run exited (code {process.ExitCode}) before {atLeast} events were journaled");
            if (!File.Exists(db)) continue;
            try
            {
                await using var c = new SqliteConnection(connection);
                await c.OpenAsync(cts.Token);
                await using var command = c.CreateCommand();
                command.CommandText = "SELECT COUNT(*) FROM journal";
                var count = (long)(await command.ExecuteScalarAsync(cts.Token))!;
                if (count >= atLeast) return count;
            }
            catch (SqliteException)
            {
                // The table does not exist yet, or the writer holds the file for a moment: ask again.
            }
        }
        throw new TimeoutException("the journal never reached " + atLeast + " events");
    }
}
