using Microsoft.Data.Sqlite;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// Domain members enroll over CMP (ir with a one-time secret, MAC-protected; then kur signed with the certificate they renew).
/// A run killed with SIGKILL at a chosen step of an exchange and started again on the same journal ends with the digest of an
/// uninterrupted run: the device sends its journaled PKIMessage again at its instant, the registrar answers a transaction it
/// decided without deciding again, the CA repeats what it issued, and the device recalls its secret by reference.
/// </summary>
public sealed class CmpResumeTests
{
    // Three members, certificates of 20 days renewed at ¾: ir at the start, kur on days 15, 30 and 45.
    private const string Plant = """
        name: Resumed CMP plant
        run: resumed-cmp
        seed: 4210
        start: 2030-01-01T00:00:00Z
        duration: P50D
        clock: { mode: max }
        design: { deviceLifetime: P20D, crlInterval: PT12H, crlValidity: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Cmp Root,O=Operator" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Cmp Issuing,O=Operator" }
          devices:
            - { id: "sensor-{n}", count: 3, ca: ca-issuing, subject: "CN={id},O=Operator" }
          domains:
            - name: plant
              issuingCa: ca-issuing
              members: [sensor-001, sensor-002, sensor-003]
              templates: [ { name: ldevid, profile: LDevId, lifetime: P20D } ]
        expect:
          - crlLapsed: { ca: ca-issuing, never: true }
        """;

    private static readonly Lazy<Task<(string Digest, int Events)>> Uninterrupted = new(async () =>
    {
        var folder = RepoPaths.NewScratch("cmp-resume-whole");
        var (whole, report) = await Verb.RunScenarioAsync(RepoPaths.WriteText(folder, "plant.yaml", Plant), folder);
        Assert.True(whole.ExitCode == 0, whole.All);
        return (report.GetProperty("digest").GetString()!, report.GetProperty("events").GetInt32());
    });

    // The process kills itself just before the N-th event of a kind reaches the journal (RFC 9483 §4.1.1 ir, §4.1.3 kur):
    // - dev.cmp-requested #2: the registrar handed out a one-time reference, the device's ir is not written (it asks again and gets the same reference);
    // - reg.decision #2 / #5: an ir / a kur is journaled by the device, the registrar has not decided (its CA may have issued: it repeats that certificate);
    // - dev.cert-installed #2 / #5: the registrar granted the ir (MAC) / the kur (signature), the device never installed it (the registrar answers again).
    [Theory]
    [InlineData("dev.cmp-requested.v1#2", false)]
    [InlineData("reg.decision.v1#2", true)]
    [InlineData("dev.cert-installed.v1#2", true)]
    [InlineData("reg.decision.v1#5", true)]
    [InlineData("dev.cert-installed.v1#5", true)]
    public async Task A_run_killed_mid_exchange_resumes_to_the_uninterrupted_digest(string killBefore, bool inFlight)
    {
        var folder = RepoPaths.NewScratch("cmp-resume-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant);
        var db = Path.Combine(folder, "run.db");

        var killed = await Verb.RunWithAsync(new Dictionary<string, string> { ["PLANTTRUST_KILL_BEFORE"] = killBefore }, "run", scenario, "--db", db, "--report", Path.Combine(folder, "never"));
        Assert.True(killed.ExitCode == 137, $"expected SIGKILL (137), got {killed.ExitCode}: {killed.All}");
        var journaled = await CountAsync(db);
        if (inFlight)
            Assert.True(await CountAsync(db, "dev.cmp-requested.v1") > await CountAsync(db, "dev.cert-installed.v1"), "no CMP request was in flight at the kill");

        var (resumed, report) = await Verb.RunScenarioAsync(scenario, folder);
        var (digest, events) = await Uninterrupted.Value;
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.True(report.GetProperty("events").GetInt32() > journaled, "the resumed run added nothing");
        Assert.Equal(events, report.GetProperty("events").GetInt32());
        Assert.Equal(digest, report.GetProperty("digest").GetString());
        // Nothing refused on the way: no reuse of a transactionID was held against the retransmission.
        Assert.Equal(0, await CountAsync(db, "dev.cmp-refused.v1"));
    }

    private static async Task<long> CountAsync(string db, string? manifest = null)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        await using var command = c.CreateCommand();
        command.CommandText = manifest is null ? "SELECT COUNT(*) FROM journal" : "SELECT COUNT(*) FROM journal WHERE manifest = $m";
        if (manifest is not null) command.Parameters.AddWithValue("$m", manifest);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
