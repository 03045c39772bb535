using Twin.Actors.Clock;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Encoding;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// design.gds both ways (OPC 10000-12 §7.9 pull, §7.10 push) over real OPC UA sessions on loopback: over several renewal periods
/// every PEA server's certificate is renewed through its domain's GDS, and the POL's next session is served with the new one; the
/// issuing CA's rollover reaches the servers through the GDS's trust list; a revoked server's CRL reaches its sibling only through
/// the GDS, and from then on the sibling refuses it with BadCertificateRevoked. Two runs with one seed journal the same events (the servers' ports aside).
/// </summary>
public sealed class GdsLifecycleTests
{
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly SimInstant RolledOver = Start.Add(TimeSpan.FromHours(36));
    private static readonly SimInstant Revoked = Start.Add(TimeSpan.FromHours(84));

    // Two-day PEA and GDS certificates renewed a day ahead (every day); the CA rolls over at 36 h; the second server is revoked at 84 h.
    internal static Scenario Scenario(string mode) => ScenarioLoader.Load(GdsPlantYaml.Build($"GDS lifecycle {mode}", $"gds-lifecycle-{mode}", 11, "P4DT3H", mode,
        "{ pea: P2D, pol: P30D, gds: P2D }", peaServers: 2, tail: """
        timeline:
          - { at: P1DT12H, action: rollover, target: ca-issuing }
          - { at: P3DT12H, action: revoke, target: pea-001-s2, reason: keyCompromise }
        """), "gds-lifecycle.yaml");

    [Theory]
    [InlineData("pull")]
    [InlineData("push")]
    public async Task PEA_servers_renew_and_learn_rollover_and_revocation_through_the_domain_GDS(string mode)
    {
        var plant = Scenario(mode).ToPlant();
        var run = await PlantRun.ToEndAsync(plant, "gds-" + mode);
        var again = await PlantRun.ToEndAsync(plant, "gds-" + mode);
        var journal = run.Journal;

        // The GDS's own OPC UA certificate came from the domain's CA, and was renewed like every other — with a new key each day,
        // at the instants the servers renew (before them): every later delivery went through a GDS serving the renewed certificate.
        var gdsCertificates = journal.OfType<RegistrarGdsCertified>().ToList();
        Assert.Equal([.. Enumerable.Range(0, 5).Select(d => Start.Add(TimeSpan.FromDays(d)))], gdsCertificates.Select(g => g.At));
        Assert.All(gdsCertificates, g => Assert.Contains("urn:planttrust:gds-lifecycle-" + mode + ":registrar.operator:gds", System.Text.Encoding.ASCII.GetString(g.CertificateDer), StringComparison.Ordinal));
        Assert.Equal(5, gdsCertificates.Select(g => Convert.ToHexString(Certificate.FromDer(g.CertificateDer).PublicKey.SubjectPublicKeyInfo)).Distinct().Count());

        foreach (var server in new[] { "pea-001", "pea-001-s2" })
        {
            // Renewed through the GDS at 24, 48 and 72 h (the first certificate was enrolled in process); each delivery is the installed certificate.
            var delivered = journal.OfType<DeviceGdsCertificateDelivered>().Where(d => d.Entity.Value == server && d.At < Revoked).ToList();
            Assert.Equal([Start.Add(TimeSpan.FromDays(1)), Start.Add(TimeSpan.FromDays(2)), Start.Add(TimeSpan.FromDays(3))], delivered.Select(d => d.At));
            Assert.All(delivered, d => Assert.Equal(mode, d.Mode));
            Assert.All(delivered, d => Assert.Equal("registrar.operator", d.Gds.Value));
            foreach (var d in delivered)
            {
                var installed = journal.OfType<DeviceCertificateInstalled>().Single(i => i.Entity == d.Entity && i.At == d.At);
                Assert.Equal(d.Serial, Certificate.FromDer(installed.CertificateDer).SerialNumber.Hex);
                // The CA issued it for the server itself (the GDS names it as the subject of the request).
                Assert.Contains(journal.OfType<CertificateIssued>(), i => i.Subject.Value == server && Certificate.FromDer(i.CertificateDer).SerialNumber.Hex == d.Serial);
            }
        }

        // Real sessions: the POL's first attempt after each renewal is served with the certificate the GDS delivered.
        var attempts = journal.OfType<ConnectionAttempted>().Where(a => a.Entity.Value == "pol" && a.Target.Value == "pea-001").ToList();
        foreach (var d in journal.OfType<DeviceGdsCertificateDelivered>().Where(d => d.Entity.Value == "pea-001"))
        {
            var next = attempts.First(a => a.At >= d.At);
            Assert.Equal(0u, next.StatusCode);
            Assert.EndsWith("server certificate " + d.Serial, next.Reason, StringComparison.Ordinal);
        }
        Assert.All(attempts, a => Assert.Equal(0u, a.StatusCode));

        // Rollover: the trust list the GDS delivered after it names the new CA key, and every later certificate verifies under it.
        var rolled = journal.OfType<CaRolledOver>().Single();
        var newCa = Certificate.FromDer(journal.OfType<DeviceGdsTrustListInstalled>().First(t => t.Entity.Value == "pea-001" && t.At >= RolledOver).CaCertificates.Single());
        var firstCa = Certificate.FromDer(journal.OfType<DeviceGdsTrustListInstalled>().First(t => t.Entity.Value == "pea-001").CaCertificates.Single());
        Assert.NotEqual(firstCa.PublicKey, newCa.PublicKey);
        Assert.True(rolled.At == RolledOver);
        foreach (var d in journal.OfType<DeviceGdsCertificateDelivered>().Where(d => d.At > RolledOver))
        {
            var certificate = Certificate.FromDer(journal.OfType<DeviceCertificateInstalled>().Single(i => i.Entity == d.Entity && i.At == d.At).CertificateDer);
            Assert.True(certificate.IsSignedBy(newCa.PublicKey), $"{d.Entity}'s certificate of {d.At} is not signed by the rolled-over key");
        }
        // openssl: the GDS's certificates after the rollover chain to the new CA key at their instant; the one before, to the old one.
        var root = Certificate.FromDer(journal.OfType<RootCaCreated>().Single().CertificateDer);
        foreach (var g in gdsCertificates.Skip(1))
            Assert.Equal("OK", await OpenSslVerdictAsync(root, g.At > RolledOver ? newCa : firstCa, Certificate.FromDer(g.CertificateDer), g.At.Add(TimeSpan.FromMinutes(1))));

        // Revocation: pea-001 learns it from a trust list the GDS delivered — push at once, pull at its next daily fetch — and refuses its sibling from then on.
        var revokedSerial = journal.OfType<CertificateRevoked>().Single().Serial;
        var news = journal.OfType<DeviceGdsTrustListInstalled>().First(t => t.Entity.Value == "pea-001" && t.At >= Revoked
            && t.Crls.Any(c => CertificateRevocationList.FromDer(c).Entries.Any(e => e.Serial.Hex == revokedSerial)));
        Assert.Equal(mode == "push" ? Revoked : Start.Add(TimeSpan.FromDays(4)), news.At);
        var toSibling = journal.OfType<PeaSiblingAttempted>().Where(a => a.Entity.Value == "pea-001" && a.Target.Value == "pea-001-s2").ToList();
        Assert.All(toSibling.Where(a => a.At > news.At), a => Assert.Equal(StatusCodes.BadCertificateRevoked, a.StatusCode));
        Assert.Contains(toSibling, a => a.At > news.At);
        // Until the news arrived the sibling was accepted: its own validator, not the distribution point, decides.
        Assert.All(toSibling.Where(a => a.At < news.At), a => Assert.Equal(0u, a.StatusCode));
        if (mode == "pull") Assert.Contains(toSibling, a => a.At > Revoked && a.At < news.At);

        // Max mode: the same seed journals the same events — but for the servers' ephemeral ports, which connection attempts name.
        Assert.Equal(WithoutPorts(run), WithoutPorts(again));
        // And in the same order: GDS jobs due at one instant (a CA publication's trust list, renewals) run in a fixed order — the
        // trust list first, then renewals by server id — whichever message reached the GDS first; each server journals what they
        // delivered in the same sequence, and the GDS forwards its requests to the CA in the same sequence.
        Assert.Equal(GdsSequence(run), GdsSequence(again));
    }

    [Fact]
    public async Task Push_jobs_due_at_one_instant_run_trust_list_first_then_by_server_id()
    {
        var run = await PlantRun.ToEndAsync(Scenario("push").ToPlant(), "gds-order");
        var requests = run.Journal.OfType<RegistrarGdsSigningRequested>().ToList();
        foreach (var instant in requests.Select(r => r.At).Distinct())
        {
            var uris = requests.Where(r => r.At == instant).Select(r => r.ApplicationUri).ToList();
            Assert.Equal(uris.Order(StringComparer.Ordinal), uris);
        }
        Assert.Contains(requests.GroupBy(r => r.At), g => g.Count() == 2); // both servers renewed at one instant at least once
        // A daily CRL is published at the renewal instants: its trust-list push ran first, so each renewal finds the list installed
        // and journals no second copy — the server's trust list comes before its certificate at those instants.
        foreach (var server in new[] { "pea-001", "pea-001-s2" })
        {
            var mine = run.Journal.Where(e => e.Entity.Value == server && e is DeviceGdsTrustListInstalled or DeviceGdsCertificateDelivered).ToList();
            foreach (var delivered in mine.OfType<DeviceGdsCertificateDelivered>())
            {
                var trust = mine.OfType<DeviceGdsTrustListInstalled>().Where(t => t.At == delivered.At).ToList();
                Assert.True(trust.All(t => mine.IndexOf(t) < mine.IndexOf(delivered)), $"{server} at {delivered.At}: a trust list journaled after the certificate");
            }
        }
    }

    private static async Task<string> OpenSslVerdictAsync(Certificate root, Certificate issuing, Certificate leaf, SimInstant at)
    {
        var dir = Twin.Tests.Support.RepoPaths.NewScratch("gds-lifecycle-oracle");
        var result = await Twin.Tests.Support.Peer.OpenSslAsync("verify", "-attime", at.Utc.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-CAfile", Twin.Tests.Support.RepoPaths.WriteText(dir, "root.pem", root.ToPem()), "-untrusted", Twin.Tests.Support.RepoPaths.WriteText(dir, "issuing.pem", issuing.ToPem()),
            Twin.Tests.Support.RepoPaths.WriteText(dir, "leaf.pem", leaf.ToPem()));
        return result.ExitCode == 0 ? "OK" : result.All;
    }

    private static List<string> GdsSequence(PlantRun.Outcome outcome) =>
    [
        .. outcome.Journal.Where(e => e is DeviceGdsTrustListInstalled or DeviceGdsCertificateDelivered or DeviceCertificateInstalled or DeviceKeyGenerated)
            .Where(e => e.Entity.Value.StartsWith("pea-", StringComparison.Ordinal))
            .GroupBy(e => e.Entity.Value).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.Select(e => $"{g.Key} {e.At} {e.GetType().Name}")),
        .. outcome.Journal.OfType<RegistrarGdsSigningRequested>().Where(_ => outcome.Journal.OfType<DeviceGdsCertificateDelivered>().Any(d => d.Mode == "push"))
            .Select(r => $"{r.At} {r.ApplicationUri}"),
    ];

    private static List<string> WithoutPorts(PlantRun.Outcome outcome) =>
    [
        .. outcome.DigestLines.Where(l => !l.Contains(" pol.attempt.v1 ", StringComparison.Ordinal) && !l.Contains(" pea.sibling-attempt.v1 ", StringComparison.Ordinal)),
        .. outcome.Journal.OfType<ConnectionAttempted>().Select(a => $"{a.At} {a.Entity} {a.Target} {a.StatusCode} {a.Reason}").Order(StringComparer.Ordinal),
        .. outcome.Journal.OfType<PeaSiblingAttempted>().Select(a => $"{a.At} {a.Entity} {a.Target} {a.StatusCode} {a.Reason}").Order(StringComparer.Ordinal),
    ];
}
