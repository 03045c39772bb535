using System.Text.Json;
using Twin.Actors.Scenarios;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>The published schema (scenarios/schema.json), judged by Ajv, and the loader agree on what is a valid scenario.</summary>
public sealed class SchemaOracleTests
{
    private static readonly string Schema = Path.Combine(RepoPaths.Root, "scenarios", "schema.json");

    public static TheoryData<string, string> Broken => new()
    {
        { "unknown key", "name: x\nstart: 2030-01-01T00:00:00Z\ncolour: red\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "missing start", "name: x\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "bad duration", "name: x\nstart: 2030-01-01T00:00:00Z\nduration: ten days\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "bad algorithm", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r, algorithm: Dsa1024 }\n" },
        { "bad entity id", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: Root CA, subject: CN=r }\n" },
        { "renewAt out of range", "name: x\nstart: 2030-01-01T00:00:00Z\ndesign: { renewAt: 1.5 }\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "count too large", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  devices:\n    - { id: \"d-{n}\", count: 200000 }\n" },
        { "domain with bad mode", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  domains:\n    - { name: d, issuingCa: r, mode: both }\n" },
        { "domain without issuing CA", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  domains:\n    - { name: d }\n" },
        { "domain name with capitals", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  domains:\n    - { name: Plant, issuingCa: r }\n" },
        { "upstream without secret", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  domains:\n    - { name: d, issuingCa: r, mode: ra, upstream: { url: \"http://127.0.0.1:1/\", recipient: CN=u, reference: \"1\" } }\n" },
        { "template with unknown profile", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  domains:\n    - { name: d, issuingCa: r, templates: [ { name: t, profile: RootCa } ] }\n" },
        { "unknown revocation mode", "name: x\nstart: 2030-01-01T00:00:00Z\ndesign: { revocation: crls }\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "unknown GDS mode", "name: x\nstart: 2030-01-01T00:00:00Z\ndesign: { gds: poll }\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "unknown OCSP responder", "name: x\nstart: 2030-01-01T00:00:00Z\ndesign: { revocation: ocsp, ocspResponder: self }\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "two kinds in one expectation", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\nexpect:\n  - { noOutageCausedBy: expiry, crlLapsed: { ca: r, never: true } }\n" },
        { "unknown outage cause", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\nexpect:\n  - noOutageCausedBy: weather\n" },
        { "re-enrollment delay not a duration", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  cas:\n    - { id: i, parent: r, subject: CN=i }\ntimeline:\n  - { at: P1D, action: ca-compromise, target: i, reenrollAfter: soon }\n" },
        { "CA standby name not text", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  cas:\n    - { id: i, parent: r, subject: CN=i, standby: [a, b] }\n" },
        { "trust centre without subject", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  trustCentres:\n    - { id: tc }\n  rootCa: { id: r, subject: CN=r, trustCentre: tc }\n" },
        { "partner-join without partner", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  trustCentres:\n    - { id: tc-a, subject: CN=a }\n    - { id: tc-b, subject: CN=b }\n  rootCa: { id: r, subject: CN=r }\ntimeline:\n  - { at: P1D, action: partner-join, target: tc-a }\n" },
        { "partner not an entity id", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  trustCentres:\n    - { id: tc-a, subject: CN=a }\n    - { id: tc-b, subject: CN=b }\n  rootCa: { id: r, subject: CN=r }\ntimeline:\n  - { at: P1D, action: partner-leave, target: tc-a, partner: Trust Centre B }\n" },
        { "manufacturer without makes", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  manufacturers:\n    - { id: m, subject: CN=m }\n" },
        { "onboarding by passcode", "name: x\nstart: 2030-01-01T00:00:00Z\ndesign: { onboarding: passcode }\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "tampered not a boolean", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  devices:\n    - { id: d }\n  manufacturers:\n    - { id: m, subject: CN=m, makes: [d] }\ntimeline:\n  - { at: P1D, action: firmware-update, target: d, tampered: maybe }\n" },
        { "onboarded both by and never", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  devices:\n    - { id: d }\nexpect:\n  - onboarded: { device: d, by: P1D, never: true }\n" },
        { "migrate-algorithm without domain", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  cas:\n    - { id: i, parent: r, subject: CN=i }\n  devices:\n    - { id: d }\n  domains:\n    - { name: p, issuingCa: i, members: [d] }\ntimeline:\n  - { at: P1D, action: migrate-algorithm, algorithm: ml-dsa-65 }\n" },
        { "migrate-algorithm with a target", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  cas:\n    - { id: i, parent: r, subject: CN=i }\n  devices:\n    - { id: d }\n  domains:\n    - { name: p, issuingCa: i, members: [d] }\ntimeline:\n  - { at: P1D, action: migrate-algorithm, domain: p, algorithm: ml-dsa-65, target: i }\n" },
        { "keyAlgorithm without algorithm", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  devices:\n    - { id: d }\nexpect:\n  - keyAlgorithm: { device: d, by: P1D }\n" },
        { "key storage on a token", "name: x\nstart: 2030-01-01T00:00:00Z\ndesign: { keyStorage: pkcs11 }\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "key storage for an unknown role", "name: x\nstart: 2030-01-01T00:00:00Z\ndesign: { keyStorage: { registrar: hsm } }\ntopology:\n  rootCa: { id: r, subject: CN=r }\n" },
        { "device without id", "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  devices:\n    - { subject: CN=d }\n" },
    };

    [Fact]
    public async Task Every_bundled_scenario_is_valid_for_Ajv_and_for_the_loader()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "scenarios"), "*.yaml");
        var verdicts = await AjvAsync(files);
        foreach (var file in files)
        {
            Assert.True(verdicts[file].Valid, $"{file}: {string.Join("; ", verdicts[file].Errors)}");
            ScenarioLoader.LoadFile(file);
        }
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_broken_scenario_is_invalid_for_Ajv_and_for_the_loader(string defect, string yaml)
    {
        var file = RepoPaths.WriteText(RepoPaths.NewScratch("schema"), "broken.yaml", yaml);
        var verdict = (await AjvAsync([file]))[file];
        Assert.False(verdict.Valid, $"Ajv accepted a scenario with {defect}");
        Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(file));
    }

    private static async Task<Dictionary<string, (bool Valid, List<string> Errors)>> AjvAsync(IEnumerable<string> files)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Scenarios", "Peers", "validate-schema.js");
        var result = await Peer.RunAsync("node", [script, Schema, .. files], workingDirectory: Path.Combine(RepoPaths.Root, "tests", "peers"),
            environment: new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(RepoPaths.Root, "tests", "peers", "node_modules") });
        Assert.True(result.ExitCode == 0, result.All);
        return result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .ToDictionary(
                e => e.GetProperty("file").GetString()!,
                e => (e.GetProperty("valid").GetBoolean(), e.GetProperty("errors").EnumerateArray().Select(x => x.GetString()!).ToList()));
    }
}
