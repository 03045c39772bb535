using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// design.gds both ways: a run killed (SIGKILL) just before a GDS delivery reaches the journal — the pull or push already under
/// way over OPC UA — is started again on the same journal and goes on renewing through the GDS at every instant an
/// uninterrupted run does.
/// </summary>
public sealed class GdsResumeTests
{
    // One PEA with two-day certificates renewed a day ahead: a GDS renewal every day.
    private static string Plant(string mode, bool expect = true) => GdsPlantYaml.Build("Resumed GDS plant", $"resumed-gds-{mode}", 12, "P5DT1H", mode,
        "{ pea: P2D, pol: P30D }", probe: "PT12H", domain: "plant", tail: expect ? "expect:\n  - connected: { pea: pea-001 }" : "");

    // Both end with the uninterrupted run's digest: every event at the same instant, byte for byte.
    [Theory]
    [InlineData("pull")]
    [InlineData("push")]
    public async Task A_run_killed_before_a_GDS_delivery_is_journaled_goes_on_renewing_through_the_GDS(string mode)
    {
        var whole = RepoPaths.NewScratch("gds-resume-whole");
        var (uninterrupted, wholeReport) = await Verb.RunScenarioAsync(RepoPaths.WriteText(whole, "plant.yaml", Plant(mode)), whole);
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.All);
        var expected = await DeliveriesAsync(Path.Combine(whole, "run.db"));
        Assert.Equal(5, expected.Count); // days 1 to 5

        var folder = RepoPaths.NewScratch("gds-resume");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant(mode));
        var db = Path.Combine(folder, "run.db");
        await KillResume.KillBeforeAsync(scenario, folder, "dev.gds-certificate.v1#3");
        Assert.InRange((await DeliveriesAsync(db)).Count, 0, 2);

        var report = await KillResume.ResumeAsync(scenario, folder);
        Assert.Equal(expected, await DeliveriesAsync(db)); // the same instants, through the same mode
        Assert.Equal(1, await CountAsync(db, "reg.gds-certified.v1")); // the GDS kept its certificate
        Assert.True(report.GetProperty("events").GetInt32() > 0);
        Assert.Equal(wholeReport.GetProperty("digest").GetString(), report.GetProperty("digest").GetString());
    }

    // Killed after the CA signed the third renewal's request — before the GDS journaled the delivery, or before the PEA did — the
    // resumed PEA sends the very same request again: the GDS forwards it as a repeat first sent when it was journaled
    // (reg.gds-request.v1) and the CA answers with the certificate it issued then. Nothing is issued twice: every certificate the CA
    // issued, every installation and delivery, is byte for byte the uninterrupted run's, and so is the whole run (its digest).
    [Theory]
    [InlineData("reg.gds-delivered.v1#3")]
    [InlineData("dev.gds-certificate.v1#3")]
    public async Task A_pull_killed_after_the_CA_signed_resumes_with_the_certificates_of_the_uninterrupted_run(string killBefore)
    {
        var (expected, wholeDigest) = await UninterruptedPull.Value;
        var folder = RepoPaths.NewScratch("gds-resume-pull");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant("pull", expect: false));
        var db = Path.Combine(folder, "run.db");
        await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        Assert.Equal(3, await CountAsync(db, "reg.gds-request.v1")); // the third request reached the GDS before the kill
        // ... and the CA signed it (2030-01-04T00:00:00Z), as in the uninterrupted run.
        var issuedAtKill = await PayloadsAsync(db, "ca.issued.v1");
        Assert.Subset(expected["ca.issued.v1"].ToHashSet(), issuedAtKill.ToHashSet());
        Assert.Contains(issuedAtKill, p => p.Contains("\"at\":1893715200000", StringComparison.Ordinal) && p.Contains("\"subject\":\"pea-001\"", StringComparison.Ordinal));

        var report = await KillResume.ResumeAsync(scenario, folder);
        foreach (var (manifest, payloads) in expected) Assert.True(payloads.SequenceEqual(await PayloadsAsync(db, manifest)), $"{manifest} differs from the uninterrupted run's");
        Assert.Equal(2, await CountAsync(db, "reg.gds-registered.v1")); // pea-001 and the POL, each registered once
        Assert.Equal(wholeDigest, report.GetProperty("digest").GetString());
    }

    private static readonly string[] Compared = ["ca.issued.v1", "dev.cert-installed.v1", "dev.gds-certificate.v1", "reg.gds-request.v1", "reg.gds-delivered.v1", "reg.gds-certified.v1"];

    private static readonly Lazy<Task<(Dictionary<string, List<string>> Payloads, string Digest)>> UninterruptedPull = new(async () =>
    {
        var folder = RepoPaths.NewScratch("gds-resume-pull-whole");
        var (whole, report) = await Verb.RunScenarioAsync(RepoPaths.WriteText(folder, "plant.yaml", Plant("pull", expect: false)), folder);
        Assert.True(whole.ExitCode == 0, whole.All);
        var db = Path.Combine(folder, "run.db");
        var payloads = new Dictionary<string, List<string>>();
        foreach (var manifest in Compared) payloads[manifest] = await PayloadsAsync(db, manifest);
        Assert.Equal(1 + 5, payloads["dev.cert-installed.v1"].Count(p => p.Contains("\"entity\":\"pea-001\"", StringComparison.Ordinal))); // enrolled, then days 1 to 5
        return (payloads, report.GetProperty("digest").GetString()!);
    });

    // Every payload of a manifest (JSON text), sorted: what was journaled, whatever the order.
    private static async Task<List<string>> PayloadsAsync(string db, string manifest)
    {
        await using var c = Open(db);
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE manifest = $m";
        command.Parameters.AddWithValue("$m", manifest);
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) found.Add(reader[0] is byte[] bytes ? System.Text.Encoding.UTF8.GetString(bytes) : (string)reader[0]);
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    // Each GDS delivery as "instant mode" (payload JSON), in journal order.
    private static async Task<List<string>> DeliveriesAsync(string db)
    {
        await using var c = Open(db);
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE manifest = 'dev.gds-certificate.v1' ORDER BY ordering";
        var found = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var json = System.Text.Json.JsonDocument.Parse(reader[0] is byte[] bytes ? bytes : System.Text.Encoding.UTF8.GetBytes((string)reader[0]));
            found.Add($"{json.RootElement.GetProperty("at").GetInt64()} {json.RootElement.GetProperty("mode").GetString()}");
        }
        return found;
    }

    private static Task<long> CountAsync(string db, string manifest) => KillResume.CountAsync(db, manifest);

    private static Microsoft.Data.Sqlite.SqliteConnection Open(string db) => KillResume.Open(db);
}
