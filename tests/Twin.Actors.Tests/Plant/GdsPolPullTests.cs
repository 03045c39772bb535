using System.Globalization;
using Twin.Actors.Clock;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// design.gds: pull manages the POL too (OPC 10000-12 §7.9: an OPC UA client is a GDS client like a server): it registers as a
/// Client, pulls each renewed application instance certificate for a key from its own key store and the trust list on a grid,
/// and its sessions to the PEA go on with the certificate the GDS delivered.
/// </summary>
public sealed class GdsPolPullTests
{
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");

    // Two-day POL certificates renewed a day ahead; the PEA's last the whole run.
    private static Scenario Scenario() =>
        ScenarioLoader.Load(GdsPlantYaml.Build("GDS-managed POL", "gds-pol", 13, "P3DT2H", "pull", "{ pea: P30D, pol: P2D }"), "gds-pol.yaml");

    [Fact]
    public async Task The_POL_pulls_its_certificate_and_trust_list_through_the_domain_GDS_and_keeps_reaching_the_PEA()
    {
        var run = await PlantRun.ToEndAsync(Scenario().ToPlant(), "gds-pol");
        var journal = run.Journal;

        // Renewed through the GDS at 24 h and 48 h and 72 h; the first certificate was enrolled in process, the only in-process request.
        var delivered = journal.OfType<DeviceGdsCertificateDelivered>().Where(d => d.Entity.Value == "pol").ToList();
        Assert.Equal([Start.Add(TimeSpan.FromDays(1)), Start.Add(TimeSpan.FromDays(2)), Start.Add(TimeSpan.FromDays(3))], delivered.Select(d => d.At));
        Assert.All(delivered, d => Assert.Equal("pull", d.Mode));
        Assert.Single(journal.OfType<DeviceEnrollmentRequested>(), r => r.Entity.Value == "pol");
        var root = Certificate.FromDer(journal.OfType<RootCaCreated>().Single().CertificateDer);
        var issuing = Certificate.FromDer(journal.OfType<SubordinateCaCertified>().Single().CertificateDer);
        foreach (var d in delivered)
        {
            var installed = journal.OfType<DeviceCertificateInstalled>().Single(i => i.Entity.Value == "pol" && i.At == d.At);
            var certificate = Certificate.FromDer(installed.CertificateDer);
            Assert.Equal(d.Serial, certificate.SerialNumber.Hex);
            // A key from the POL's own store (journaled with it), the CA issued it for the POL, and openssl verifies it at its instant.
            var key = journal.OfType<DeviceKeyGenerated>().Single(k => k.Entity.Value == "pol" && k.At == d.At);
            Assert.Equal(key.PublicKeyInfo, certificate.PublicKey.SubjectPublicKeyInfo);
            Assert.Contains(journal.OfType<CertificateIssued>(), i => i.Subject.Value == "pol" && i.At == d.At && Certificate.FromDer(i.CertificateDer).SerialNumber.Hex == d.Serial);
            Assert.Equal("OK", await OpenSslVerdictAsync(root, issuing, certificate, d.At.Add(TimeSpan.FromMinutes(1))));
        }

        // The GDS registered it as a Client without discovery URLs, once, and journaled each delivery to it.
        var registered = Assert.Single(journal.OfType<RegistrarGdsApplicationRegistered>(), r => r.ApplicationUri == "urn:planttrust:gds-pol:pol");
        Assert.Equal("Client", registered.ApplicationType);
        Assert.Empty(registered.DiscoveryUrls);
        Assert.Equal(delivered.Select(d => d.Serial), journal.OfType<RegistrarGdsCertificateDelivered>().Where(x => x.ApplicationId == registered.ApplicationId)
            .Select(x => Certificate.FromDer(x.CertificateDer).SerialNumber.Hex));

        // Its trust list came from the GDS too: the issuing CA's certificate and CRL.
        var trust = journal.OfType<DeviceGdsTrustListInstalled>().Where(t => t.Entity.Value == "pol").ToList();
        Assert.NotEmpty(trust);
        Assert.All(trust, t => Assert.Equal(issuing.GetDer(), Assert.Single(t.CaCertificates)));

        // The PEA accepted the POL under every certificate: each probe after a delivery succeeded.
        var attempts = journal.OfType<ConnectionAttempted>().Where(a => a.Entity.Value == "pol" && a.Target.Value == "pea-001").ToList();
        Assert.All(attempts, a => Assert.Equal(0u, a.StatusCode));
        foreach (var d in delivered) Assert.Contains(attempts, a => a.At == d.At);
    }

    private static async Task<string> OpenSslVerdictAsync(Certificate root, Certificate issuing, Certificate leaf, SimInstant at)
    {
        var dir = RepoPaths.NewScratch("gds-pol-oracle");
        var result = await Peer.OpenSslAsync("verify", "-attime", at.Utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "-CAfile", RepoPaths.WriteText(dir, "root.pem", root.ToPem()), "-untrusted", RepoPaths.WriteText(dir, "issuing.pem", issuing.ToPem()),
            RepoPaths.WriteText(dir, "leaf.pem", leaf.ToPem()));
        return result.ExitCode == 0 ? "OK" : result.All;
    }
}
