using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>Expectations decide the exit code of `run`, and the report gives the instant each was decided.</summary>
public sealed class ExpectationTests
{
    // One PEA probed every hour; its key is compromised at 06:00 and revoked at once.
    private const string Plant = """
        name: Expectations
        run: expectations
        seed: 21
        start: 2030-01-01T00:00:00Z
        duration: PT12H
        clock: { mode: max }
        topology:
          rootCa: { id: ca-root, subject: "CN=Expectations Root" }
          peas:
            - { id: "pea-{n}", count: 1 }
          pol: { id: pol, probe: PT1H }
        timeline:
          - { at: PT6H, action: revoke, target: pea-001 }
        """;

    [Fact]
    public async Task Run_exits_0_when_every_expectation_holds_and_reports_when_each_was_decided()
    {
        var folder = RepoPaths.NewScratch("expect-pass");
        var file = RepoPaths.WriteText(folder, "plant.yaml", Plant + """

            expect:
              - refused: { pea: pea-001, status: BadCertificateRevoked, by: PT7H }
              - connected: { pea: pea-001, until: PT6H }
              - exposureWindow: { max: PT1H }
              - noOutageCausedBy: expiry
              - availability: { min: 0.5 }
            """);

        var (result, report) = await Verb.RunScenarioAsync(file, folder);

        Assert.True(result.ExitCode == 0, result.All);
        var e = report.GetProperty("expectations").EnumerateArray().ToList();
        Assert.All(e, x => Assert.True(x.GetProperty("passed").GetBoolean(), x.GetProperty("detail").GetString()));
        // The revocation happens at 06:00 after that hour's probe; the next probe, at 07:00, is refused.
        Assert.Equal("2030-01-01T07:00:00Z", e[0].GetProperty("decidedAt").GetString());
        Assert.Equal("2030-01-01T06:00:00Z", e[1].GetProperty("decidedAt").GetString());
        Assert.Equal("2030-01-01T07:00:00Z", e[2].GetProperty("decidedAt").GetString());
        Assert.Equal("2030-01-01T12:00:00Z", e[3].GetProperty("decidedAt").GetString());
        var window = report.GetProperty("metrics").GetProperty("exposureWindows")[0];
        Assert.Equal("pea-001", window.GetProperty("target").GetString());
        Assert.Equal("01:00:00", window.GetProperty("window").GetString());
        Assert.Equal(1, window.GetProperty("blastRadius").GetInt32());
        Assert.Contains("| pass | POL refused by pea-001 with BadCertificateRevoked by PT7H | 2030-01-01T07:00:00Z |", await File.ReadAllTextAsync(Path.Combine(folder, "report", "report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_exits_1_when_an_expectation_fails_and_decides_it_when_it_broke()
    {
        var folder = RepoPaths.NewScratch("expect-fail");
        var file = RepoPaths.WriteText(folder, "plant.yaml", Plant + """

            expect:
              - refused: { pea: pea-001, status: BadCertificateRevoked, by: PT3H }
              - connected: { pea: pea-001 }
              - exposureWindow: { pea: pea-001, max: PT0S }
              - noOutageCausedBy: revocation
            """);

        var (result, report) = await Verb.RunScenarioAsync(file, folder);

        Assert.True(result.ExitCode == 1, result.All);
        var e = report.GetProperty("expectations").EnumerateArray().ToList();
        Assert.All(e, x => Assert.False(x.GetProperty("passed").GetBoolean()));
        Assert.Equal("2030-01-01T03:00:00Z", e[0].GetProperty("decidedAt").GetString()); // the deadline passed without a refusal
        Assert.Equal("2030-01-01T07:00:00Z", e[1].GetProperty("decidedAt").GetString()); // the first refused attempt
        Assert.Equal("2030-01-01T06:00:00Z", e[2].GetProperty("decidedAt").GetString()); // a zero window is exceeded at the compromise
        Assert.Equal("2030-01-01T07:00:00Z", e[3].GetProperty("decidedAt").GetString());
        Assert.Contains("Expectations: 0 passed, 4 failed.", result.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("design: { revocation: ocsp, ocspResponder: self }", "design.ocspResponder: 'self' is not one of ca")]
    [InlineData("design: { revocation: ocsp, ocspValidity: PT10S }", "design.ocspValidity: PT10S is shorter than PT1M")]
    [InlineData("design: { keyStorage: pkcs11 }", "design.keyStorage: 'pkcs11' cannot hold every key")]
    [InlineData("design: { onboarding: passcode }", "design.onboarding: 'passcode' is not supported by the twin yet")]
    [InlineData("design: { distribution: gds }", "design.distribution: 'gds' is not one of pull, push")]
    [InlineData("expect:\n  - refused: { pea: pea-009, status: BadCertificateRevoked, by: P1D }", "expect[0].refused.pea: 'pea-009' is not a PEA of this scenario")]
    [InlineData("expect:\n  - noOutageCausedBy: sunspots", "expect[0].noOutageCausedBy: 'sunspots' is not one of expiry, revocation, crl, trust, other, any")]
    public async Task Run_exits_2_on_a_knob_the_twin_cannot_run_or_a_broken_expectation_and_says_where(string section, string message)
    {
        var folder = RepoPaths.NewScratch("expect-bad");
        var file = RepoPaths.WriteText(folder, "plant.yaml", Plant + "\n" + section + "\n");

        var result = await Verb.RunAsync("run", file, "--db", Path.Combine(folder, "run.db"));

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(System.Text.RegularExpressions.Regex.Escape(file) + @":1[45]:\d+: " + System.Text.RegularExpressions.Regex.Escape(message), result.StdErr);
        Assert.False(File.Exists(Path.Combine(folder, "run.db")), "a refused scenario must not start a journal");
    }
}
