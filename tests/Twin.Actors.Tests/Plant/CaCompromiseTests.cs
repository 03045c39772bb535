using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Encoding;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// Issuing-CA compromise end to end: the parent revokes the CA (cACompromise, RFC 5280 §5.3.1) and certifies a
/// replacement key; the POL refuses the PEAs' old chains with BadCertificateIssuerRevoked (Part 4 §7.2.2) until
/// each PEA has re-enrolled; the blast radius is counted.
/// </summary>
public sealed class CaCompromiseTests
{
    [Fact]
    public async Task A_compromised_issuing_CA_is_revoked_replaced_and_every_holder_re_enrolled_with_the_outage_counted()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "issuing-ca-compromise.yaml"));
        var spec = scenario.ToPlant();
        var outcome = await PlantRun.ToEndAsync(spec, "ca-compromise");
        var compromisedAt = spec.Start.Add(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(30));
        var reenrollAt = compromisedAt.Add(TimeSpan.FromHours(4));

        // The root revoked the CA certificate for cACompromise, and its CRL says so (checked by openssl below).
        var oldCa = Certificate.FromDer(outcome.Journal.OfType<SubordinateCaCertified>().Single(c => c.Entity.Value == "ca-modules").CertificateDer);
        var revoked = Assert.Single(outcome.Journal.OfType<CertificateRevoked>());
        Assert.Equal(("ca-root", oldCa.SerialNumber.Hex, RevocationReason.CACompromise, compromisedAt), (revoked.Entity.Value, revoked.Serial, revoked.Reason, revoked.At));
        var compromise = Assert.Single(outcome.Journal.OfType<CaCompromised>());
        Assert.Equal(["pea-001", "pea-002", "sensor-001", "sensor-002"], compromise.Affected.Select(a => a.Value).Order(StringComparer.Ordinal));
        var replacement = Certificate.FromDer(Assert.Single(outcome.Journal.OfType<CaRolledOver>()).CertificateDer);
        Assert.False(replacement.PublicKey.Equals(oldCa.PublicKey));

        // The POL: good until the compromise, BadCertificateIssuerRevoked until the re-enrollment, good after it.
        var attempts = outcome.Journal.OfType<ConnectionAttempted>().ToList();
        Assert.All(attempts.Where(a => a.At < compromisedAt), a => Assert.Equal(StatusCodes.Good, a.StatusCode));
        var between = attempts.Where(a => a.At > compromisedAt && a.At < reenrollAt).ToList();
        Assert.Equal(8, between.Count); // 4 hourly attempts on each of 2 PEAs
        Assert.All(between, a => Assert.Equal(StatusCodes.BadCertificateIssuerRevoked, a.StatusCode));
        Assert.All(attempts.Where(a => a.At > reenrollAt), a => Assert.Equal(StatusCodes.Good, a.StatusCode));

        // Every affected entity ends under the replacement key; the sensors (no OPC UA) too.
        foreach (var id in compromise.Affected)
            Assert.True(Certificate.FromDer(outcome.Snapshot.Entities[id.Value].Current!.Der.AsSpan()).IsSignedBy(replacement.PublicKey), id.Value);

        // Blast radius: 4 entities, 4 certificates replaced, each PEA link down from the first refusal (01:00) to the
        // first good attempt (05:00) after the re-enrollment at 04:30: 2 × 4 h.
        var impact = Assert.Single(outcome.Metrics.CaCompromises);
        Assert.Equal(("ca-modules", 4, 4, TimeSpan.FromHours(8), reenrollAt), (impact.Ca, impact.EntitiesAffected, impact.CertificatesReplaced, impact.Outage, impact.RecoveredAt));
        Assert.Equal(4, outcome.Metrics.BlastRadius);

        // Oracle: openssl with the root's CRL refuses a pre-compromise PEA certificate (error 23 on the CA certificate).
        var root = Certificate.FromDer(outcome.Journal.OfType<RootCaCreated>().Single().CertificateDer);
        var rootCrl = outcome.Journal.OfType<CrlPublished>().Last(p => p.Entity.Value == "ca-root").CrlDer;
        var modulesCrl = outcome.Journal.OfType<CrlPublished>().Last(p => p.Entity.Value == "ca-modules" && p.At < compromisedAt).CrlDer;
        var oldLeaf = Certificate.FromDer(outcome.Journal.OfType<DeviceCertificateInstalled>().First(i => i.Entity.Value == "pea-001").CertificateDer);
        var folder = RepoPaths.NewScratch("ca-compromise-oracle");
        var verdict = await Peer.OpenSslAsync("verify", "-attime", compromisedAt.Add(TimeSpan.FromHours(1)).Utc.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-crl_check_all", "-CAfile", RepoPaths.WriteText(folder, "root.pem", root.ToPem()),
            "-untrusted", RepoPaths.WriteText(folder, "ca.pem", oldCa.ToPem()),
            "-CRLfile", RepoPaths.WriteText(folder, "crls.pem", Twin.Pki.Encoding.Pem.Encode("X509 CRL", rootCrl) + Twin.Pki.Encoding.Pem.Encode("X509 CRL", modulesCrl)),
            RepoPaths.WriteText(folder, "leaf.pem", oldLeaf.ToPem()));
        Assert.NotEqual(0, verdict.ExitCode);
        Assert.Contains("certificate revoked", verdict.All, StringComparison.Ordinal);

        Assert.All(ExpectationCheck.Evaluate(scenario.Expectations, outcome.Journal, spec.Start, outcome.Now), r => Assert.True(r.Passed, r.ToString()));
    }
}
