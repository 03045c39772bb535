using Microsoft.Data.Sqlite;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>A run killed with SIGKILL and started again on the same journal ends where an uninterrupted run ends.</summary>
public sealed class ResumeTests
{
    // Devices renew (with a new key) every ~68 days, so the year holds enrollments at many instants: a kill
    // can land between a device's request and its CA's certificate, or between the certificate and its
    // installation, at the first instant and later.
    private const string Plant = """
        name: Resumed plant
        run: resumed
        seed: 8
        start: 2030-01-01T00:00:00Z
        duration: P365D
        clock: { mode: max }
        design: { deviceLifetime: P90D, crlInterval: PT6H, crlValidity: P1D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Resumed Root" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Resumed Issuing" }
          devices:
            - { id: "dev-{n}", count: 5, ca: ca-issuing }
        expect:
          - crlLapsed: { ca: ca-issuing, never: true }
        """;

    private static readonly Lazy<Task<(string Digest, int Events)>> Uninterrupted =
        new(() => KillResume.UninterruptedAsync("resume-whole", folder => RepoPaths.WriteText(folder, "plant.yaml", Plant)));

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

        await AssertResumesLikeUninterruptedAsync(scenario, folder, journaled);
    }

    // The process kills itself (SIGKILL) just before the N-th event of a kind reaches the journal:
    // - dev.enroll-requested: a device decided to enroll, nothing of it written;
    // - ca.issued: a device's request is journaled, its CA has not issued (the request is sent again, byte for byte);
    // - dev.cert-installed: the CA issued, the device never heard (the CA answers the repeated request with that certificate);
    // the later ordinals land on renewals (new key) rather than the first enrollments; crl-published mid-year.
    [Theory]
    [InlineData("dev.enroll-requested.v1#3", false)]
    [InlineData("ca.issued.v1#4", true)]
    [InlineData("dev.cert-installed.v1#2", true)]
    [InlineData("ca.issued.v1#9", true)]
    [InlineData("dev.cert-installed.v1#12", true)]
    [InlineData("ca.crl-published.v1#700", false)]
    public async Task A_run_killed_at_a_chosen_point_resumes_to_the_same_final_digest(string killBefore, bool midEnrollment)
    {
        var folder = RepoPaths.NewScratch("resume-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant);
        var db = Path.Combine(folder, "run.db");

        var journaled = await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        Assert.False(File.Exists(Path.Combine(folder, "never", "report.json")));
        var (manifest, ordinal) = (killBefore[..killBefore.IndexOf('#')], int.Parse(killBefore[(killBefore.IndexOf('#') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        // It died before that event was written (events before it may still have been in a batch that never committed).
        Assert.InRange(await CountEventsAsync(db, manifest), 0, ordinal - 1);
        if (midEnrollment)
            Assert.True(await CountEventsAsync(db, "dev.enroll-requested.v1") > await CountEventsAsync(db, "dev.cert-installed.v1"), "no enrollment was in flight at the kill");

        await AssertResumesLikeUninterruptedAsync(scenario, folder, journaled);
    }

    private static Task AssertResumesLikeUninterruptedAsync(string scenario, string folder, long journaled) =>
        KillResume.AssertResumesLikeAsync(scenario, folder, journaled, Uninterrupted.Value);

    private static Task<long> CountEventsAsync(string db, string? manifest = null) => KillResume.CountAsync(db, manifest);

    // The other process's progress can only be seen in its journal: poll it (bounded) until enough is written.
    private static async Task<long> WaitForEventsAsync(string db, System.Diagnostics.Process process, long atLeast)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (await poll.WaitForNextTickAsync(cts.Token))
        {
            if (process.HasExited) throw new InvalidOperationException($"the run exited (code {process.ExitCode}) before {atLeast} events were journaled");
            if (!File.Exists(db)) continue;
            try
            {
                var count = await CountEventsAsync(db);
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
