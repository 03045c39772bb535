using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// `export` and `verify` against openssl: what the twin says of each exported certificate at an
/// instant, openssl says too when given the exported trust list and CRLs.
/// </summary>
public sealed class EvidenceTests : IClassFixture<EvidenceTests.RecordedPlant>
{
    private readonly RecordedPlant _plant;

    public EvidenceTests(RecordedPlant plant) => _plant = plant;

    /// <summary>One recorded run shared by the tests: 2-day certificates under an issuing CA, one device revoked on day 4.</summary>
    public sealed class RecordedPlant : IAsyncLifetime
    {
        public const string At = "2030-01-05T01:00:00Z";
        public const long AtEpoch = 1893805200;

        public string Folder { get; } = RepoPaths.NewScratch("evidence");

        public string Export => Path.Combine(Folder, "export");

        public string Db => Path.Combine(Folder, "run.db");

        public async Task InitializeAsync()
        {
            var file = RepoPaths.WriteText(Folder, "plant.yaml", """
                name: Evidence
                run: evidence
                seed: 5
                start: 2030-01-01T00:00:00Z
                duration: P6D
                clock: { mode: max }
                design: { deviceLifetime: P2D, renewAt: 0.75, crlInterval: P1D, crlValidity: P2D }
                topology:
                  rootCa: { id: ca-root, subject: "CN=Evidence Root" }
                  cas:
                    - { id: ca-issuing, parent: ca-root, subject: "CN=Evidence Issuing" }
                  devices:
                    - { id: "dev-{n}", count: 2, ca: ca-issuing }
                timeline:
                  - { at: P4D, action: revoke, target: dev-002 }
                """);
            var run = await Verb.RunAsync("run", file, "--db", Db);
            Assert.True(run.ExitCode == 0, run.All);
            var export = await Verb.RunAsync("export", "--db", Db, "--run", "evidence", "--at", At, "--out", Export);
            Assert.True(export.ExitCode == 0, export.All);
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    private List<JsonElement> Certificates()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_plant.Export, "manifest.json")));
        Assert.Equal(RecordedPlant.AtEpoch, manifest.RootElement.GetProperty("atEpoch").GetInt64());
        return manifest.RootElement.GetProperty("certificates").EnumerateArray().Select(c => c.Clone()).ToList();
    }

    [Fact]
    public async Task Openssl_agrees_with_the_manifest_on_every_exported_certificate()
    {
        var certificates = Certificates();
        var statuses = certificates.Select(c => c.GetProperty("status").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "Valid", "Revoked", "Expired" }, statuses);

        foreach (var c in certificates.Where(c => c.GetProperty("kind").GetString() == "device"))
        {
            var pem = Path.Combine(_plant.Export, c.GetProperty("pem").GetString()!);
            var openssl = await Peer.OpenSslAsync("verify", "-attime", RecordedPlant.AtEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-CAfile", Path.Combine(_plant.Export, "trust", "trusted.pem"), "-untrusted", Path.Combine(_plant.Export, "trust", "issuers.pem"),
                "-CRLfile", Path.Combine(_plant.Export, "trust", "crls.pem"), "-crl_check_all", pem);
            var expected = c.GetProperty("status").GetString() switch
            {
                "Valid" or "Superseded" => "OK",
                "Revoked" => "error 23",
                "Expired" => "error 10",
                var other => throw new InvalidOperationException($"unexpected status {other}"),
            };
            Assert.True(openssl.All.Contains(expected, StringComparison.Ordinal), $"{pem} is {c.GetProperty("status").GetString()} in the manifest; openssl: {openssl.All}");
        }
    }

    [Fact]
    public void The_export_holds_every_certificate_and_crl_as_pem_and_der_and_the_trust_list_in_folders()
    {
        foreach (var c in Certificates())
        {
            var der = File.ReadAllBytes(Path.Combine(_plant.Export, c.GetProperty("der").GetString()!));
            var pem = File.ReadAllText(Path.Combine(_plant.Export, c.GetProperty("pem").GetString()!));
            Assert.Equal(Convert.ToBase64String(der), string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim())));
        }
        Assert.True(File.Exists(Path.Combine(_plant.Export, "trust", "trusted", "certs", "ca-root.der")));
        Assert.True(File.Exists(Path.Combine(_plant.Export, "trust", "issuers", "certs", "ca-issuing.der")));
        Assert.True(File.Exists(Path.Combine(_plant.Export, "trust", "issuers", "crl", "ca-issuing.der")));
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_plant.Export, "manifest.json")));
        var crls = manifest.RootElement.GetProperty("crls").EnumerateArray().ToList();
        Assert.Equal(["ca-issuing", "ca-root"], crls.Where(c => c.GetProperty("latest").GetBoolean()).Select(c => c.GetProperty("ca").GetString()).Order(StringComparer.Ordinal));
        Assert.All(crls.Where(c => c.GetProperty("latest").GetBoolean()), c => Assert.True(c.GetProperty("current").GetBoolean()));
        Assert.All(crls, c => Assert.True(File.Exists(Path.Combine(_plant.Export, c.GetProperty("der").GetString()!))));
        using var events = JsonDocument.Parse(File.ReadAllText(Path.Combine(_plant.Export, "events.json")));
        Assert.All(events.RootElement.EnumerateArray(), e => Assert.True(string.CompareOrdinal(e.GetProperty("at").GetString(), RecordedPlant.At) <= 0));
        Assert.Contains(events.RootElement.EnumerateArray(), e => e.GetProperty("kind").GetString() == "ca.revoked");
    }

    [Fact]
    public async Task Verify_agrees_with_openssl_on_the_exported_certificates()
    {
        foreach (var c in Certificates().Where(c => c.GetProperty("kind").GetString() == "device"))
        {
            var pem = Path.Combine(_plant.Export, c.GetProperty("pem").GetString()!);
            var twin = await Verb.RunAsync("verify", "--cert", pem, "--trust", Path.Combine(_plant.Export, "trust", "trusted.pem"),
                "--untrusted", Path.Combine(_plant.Export, "trust", "issuers.pem"), "--crl", Path.Combine(_plant.Export, "trust", "crls.pem"), "--at", RecordedPlant.At);
            var openssl = await Peer.OpenSslAsync("verify", "-attime", RecordedPlant.AtEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "-CAfile", Path.Combine(_plant.Export, "trust", "trusted.pem"), "-untrusted", Path.Combine(_plant.Export, "trust", "issuers.pem"),
                "-CRLfile", Path.Combine(_plant.Export, "trust", "crls.pem"), "-crl_check_all", pem);
            Assert.True((twin.ExitCode == 0) == (openssl.ExitCode == 0), $"{pem}: twin {twin.All} / openssl {openssl.All}");
            if (openssl.All.Contains("error 23", StringComparison.Ordinal)) Assert.Contains(": Revoked; revoked (KeyCompromise)", twin.StdOut, StringComparison.Ordinal);
            if (openssl.All.Contains("error 10", StringComparison.Ordinal)) Assert.Contains(": Expired;", twin.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Export_refuses_an_unknown_run_naming_the_runs_the_journal_holds()
    {
        var result = await Verb.RunAsync("export", "--db", _plant.Db, "--run", "nosuch", "--at", RecordedPlant.At, "--out", Path.Combine(_plant.Folder, "x"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--run 'nosuch': the journal", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("it holds: evidence", result.StdErr, StringComparison.Ordinal);
    }
}
