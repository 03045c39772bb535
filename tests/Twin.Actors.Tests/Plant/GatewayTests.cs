using System.Globalization;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// A gateway onboarded into two operator domains at once: one LDevID from each domain's registrar (CMP ir with that
/// domain's one-time secret, then kur signed with that domain's credential), two keys, two issuing CAs — and openssl
/// accepts each LDevID only under its own domain's CA.
/// </summary>
public sealed class GatewayTests
{
    private static readonly string Yaml = GatewayPlantYaml.Build("Gateway", "gateway", "P4D");

    private static string RegistrarIdOf(string domain) => Twin.Actors.Entities.Registrar.RegistrarSettings.EntityIdOf(domain).Value;

    [Fact] // RFC 9483 §4.1.1 ir, §4.1.3 kur — per domain
    public async Task A_gateway_holds_an_LDevID_in_each_of_two_domains_from_each_registrar_and_renews_both()
    {
        var spec = ScenarioLoader.Load(Yaml, "gateway.yaml").ToPlant();
        var gateway = spec.Devices.Single(d => d.Id.Value == "gateway").Settings;
        Assert.Equal("line-a", gateway.CmpDomain);
        Assert.Equal(["line-b"], gateway.GatewayDomains);

        var outcome = await PlantRun.ToEndAsync(spec, "gateway");

        var inA = outcome.Journal.OfType<DeviceCertificateInstalled>().Where(i => i.Entity.Value == "gateway").Select(i => Certificate.FromDer(i.CertificateDer)).ToList();
        var inB = outcome.Journal.OfType<GatewayCredentialInstalled>().Where(i => i.Entity.Value == "gateway").ToList();
        Assert.True(inA.Count >= 2, "first domain: enrolled and renewed");
        Assert.True(inB.Count >= 2, "second domain: enrolled and renewed");
        Assert.All(inB, i => Assert.Equal("line-b", i.Domain));
        Assert.All(inA, c => Assert.Equal("CN=Line A Issuing,O=PlantTrust", c.Issuer));
        Assert.All(inB, i => Assert.Equal("CN=Line B Issuing,O=PlantTrust", Certificate.FromDer(i.CertificateDer).Issuer));
        // Two identities: never the same key in both domains.
        var keysA = inA.Select(c => Convert.ToHexString(c.PublicKey.SubjectPublicKeyInfo)).ToHashSet();
        Assert.DoesNotContain(inB, i => keysA.Contains(Convert.ToHexString(Certificate.FromDer(i.CertificateDer).PublicKey.SubjectPublicKeyInfo)));

        // Each registrar enrolled the gateway in its own domain: ir first, then kur.
        var requests = outcome.Journal.OfType<GatewayDomainRequested>().Where(r => r.Entity.Value == "gateway").ToList();
        Assert.Equal("ir", requests[0].Body.ToLowerInvariant());
        Assert.Contains(requests.Skip(1), r => r.Body.Equals("kur", StringComparison.OrdinalIgnoreCase));
        var granted = outcome.Journal.OfType<RegistrarDecided>().Where(d => d.Verdict == RegistrarDecided.Granted)
            .GroupBy(d => d.Entity.Value).ToDictionary(g => g.Key, g => g.Select(d => d.Reason).ToList());
        Assert.Equal(inA.Count, granted[RegistrarIdOf("line-a")].Count(r => r.Contains("(holder gateway)", StringComparison.Ordinal)));
        Assert.Equal(inB.Count, granted[RegistrarIdOf("line-b")].Count(r => r.Contains("(holder gateway)", StringComparison.Ordinal)));
        Assert.DoesNotContain(granted[RegistrarIdOf("line-b")], r => r.Contains("(holder sensor)", StringComparison.Ordinal));

        // Oracle: openssl accepts the second domain's LDevID under line B's CA, and not under line A's.
        var root = Certificate.FromDer(outcome.Journal.OfType<RootCaCreated>().Single().CertificateDer);
        var cas = outcome.Journal.OfType<SubordinateCaCertified>().ToDictionary(c => c.Entity.Value, c => Certificate.FromDer(c.CertificateDer));
        var last = Certificate.FromDer(inB[^1].CertificateDer);
        var folder = RepoPaths.NewScratch("gateway-oracle");
        var at = last.NotBefore.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var rootPem = RepoPaths.WriteText(folder, "root.pem", root.ToPem());
        var leafPem = RepoPaths.WriteText(folder, "leaf.pem", last.ToPem());
        var good = await Peer.OpenSslAsync("verify", "-attime", at, "-CAfile", rootPem, "-untrusted", RepoPaths.WriteText(folder, "b.pem", cas["ca-line-b"].ToPem()), leafPem);
        Assert.True(good.ExitCode == 0, good.All);
        var wrong = await Peer.OpenSslAsync("verify", "-attime", at, "-CAfile", rootPem, "-untrusted", RepoPaths.WriteText(folder, "a.pem", cas["ca-line-a"].ToPem()), leafPem);
        Assert.NotEqual(0, wrong.ExitCode);
    }

    [Fact]
    public async Task A_gateway_stopped_mid_run_recovers_both_credentials_and_ends_as_an_uninterrupted_run()
    {
        var spec = ScenarioLoader.Load(Yaml, "gateway.yaml").ToPlant();
        var straight = await PlantRun.ToEndAsync(spec, "gateway-straight");

        var folder = RepoPaths.NewScratch("gateway-resumed");
        var database = Twin.Actors.Persistence.TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        var firstHalf = await PlantRun.ToEndAsync(spec with { Until = spec.Start.Add(TimeSpan.FromHours(30)) }, "gateway-resumed", database, folder);
        Assert.Contains(firstHalf.Journal.OfType<GatewayCredentialInstalled>(), i => i.At > spec.Start); // renewed in line B before the stop
        var resumed = await PlantRun.ToEndAsync(spec, "gateway-resumed", database, folder);

        Assert.Equal(straight.DigestLines, resumed.DigestLines);
        Assert.Equal(straight.Digest, resumed.Digest);
    }
}
