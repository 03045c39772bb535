using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The verbs as a user types them: validate and run.</summary>
public sealed class CommandLineTests
{
    private const string SmallPlant = """
        name: Small plant
        run: small
        seed: 11
        start: 2030-01-01T00:00:00Z
        duration: P120D
        clock: { mode: max }
        design: { deviceLifetime: P30D, renewAt: 0.75 }
        topology:
          rootCa: { id: ca-root, subject: "CN=Small Root" }
          devices:
            - { id: "dev-{n}", count: 3 }
        """;

    [Fact]
    public async Task Validate_reports_every_problem_with_file_line_and_column_and_exits_2()
    {
        var folder = RepoPaths.NewScratch("validate");
        var good = RepoPaths.WriteText(folder, "good.yaml", SmallPlant);
        var bad = RepoPaths.WriteText(folder, "bad.yaml", "name: Bad\nstart: soon\ntopology:\n  rootCa: { id: ca-root, subject: CN=x, algorithm: Rsa1024 }\n");

        var ok = await HostProcess.RunToExitAsync(["validate", good]);
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("valid (Small plant: root CA ca-root, 3 devices", ok.StdOut, StringComparison.Ordinal);

        var (code, _, stderr) = await HostProcess.RunToExitAsync(["validate", good, bad]);
        Assert.Equal(2, code);
        Assert.Contains($"{bad}:2:8: start: 'soon' is not an ISO 8601 instant", stderr, StringComparison.Ordinal);
        Assert.Contains($"{bad}:4:52: topology.rootCa.algorithm: 'Rsa1024' is not one of", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_in_max_mode_reports_the_same_digest_for_the_same_seed_and_another_for_another()
    {
        var folder = RepoPaths.NewScratch("run");
        var file = RepoPaths.WriteText(folder, "small.yaml", SmallPlant);

        var a = await RunReport(folder, file, "a");
        var b = await RunReport(folder, file, "b");
        var c = await RunReport(folder, file, "c", "--seed", "12");

        Assert.Equal(a.GetProperty("digest").GetString(), b.GetProperty("digest").GetString());
        Assert.NotEqual(a.GetProperty("digest").GetString(), c.GetProperty("digest").GetString());
        Assert.Equal("2030-05-01T00:00:00Z", a.GetProperty("end").GetString());
        // 30-day certificates renewed at ¾ (22.5 days) over 120 days: the first plus 5 renewals each.
        Assert.All(a.GetProperty("entities").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "device"),
            d => Assert.Equal(6, d.GetProperty("certificates").GetInt32()));
    }

    [Fact]
    public async Task The_report_measures_each_POL_PEA_link_from_its_real_OPC_UA_attempts()
    {
        var folder = RepoPaths.NewScratch("run-links");
        var report = await RunReport(folder, Path.Combine(RepoPaths.Root, "scenarios", "pea-key-compromise.yaml"), "links");

        var links = report.GetProperty("metrics").GetProperty("links").EnumerateArray().ToDictionary(l => l.GetProperty("target").GetString()!);
        Assert.Equal(1.0, links["pea-001"].GetProperty("availability").GetDouble());
        // Probes every hour for four days; PEA 2 is revoked on day 2, after that day's attempt: refused from 49 h to the end.
        Assert.Equal(97, links["pea-002"].GetProperty("attempts").GetInt32());
        Assert.Equal(49, links["pea-002"].GetProperty("good").GetInt32());
        Assert.Equal("1.23:00:00", links["pea-002"].GetProperty("outageByCause").GetProperty("BadCertificateRevoked").GetString());
        Assert.Equal(1, report.GetProperty("metrics").GetProperty("revocations").GetInt32());
    }

    private static async Task<JsonElement> RunReport(string folder, string file, string name, params string[] extra)
    {
        var report = Path.Combine(folder, name);
        // Whole scenarios run here: bounded generously (Verb), not by the start-up bound of HostProcess.
        var result = await Cli.Verb.RunAsync(["run", file, "--db", Path.Combine(folder, name + ".db"), "--report", report, .. extra]);
        Assert.True(result.ExitCode == 0, result.All);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(report, "report.json")));
        return json.RootElement.Clone();
    }
}
