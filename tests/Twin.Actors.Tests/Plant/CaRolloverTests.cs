using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Encoding;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// Issuing-CA rollover without an outage (RFC 4210 §4.4 for the CA's own key change): the parent certifies a new
/// key under the same name, new issuance moves to it, the old key keeps publishing CRLs until its last
/// certificate is replaced, and the POL's real OPC UA sessions with the PEAs never fail on the way.
/// </summary>
public sealed class CaRolloverTests
{
    [Fact]
    public async Task Issuing_CA_rollover_keeps_every_POL_PEA_session_up_and_moves_every_device_to_the_new_key()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "issuing-ca-rollover.yaml"));
        var spec = scenario.ToPlant();
        var data = RepoPaths.NewScratch("ca-rollover");
        var outcome = await PlantRun.ToEndAsync(spec, "ca-rollover", folder: data);
        var rolledAt = spec.Start.Add(TimeSpan.FromDays(2));

        var rolled = Assert.Single(outcome.Journal.OfType<CaRolledOver>());
        Assert.Equal(rolledAt, rolled.At);
        var oldCa = Certificate.FromDer(outcome.Journal.OfType<SubordinateCaCertified>().Single(c => c.Entity.Value == "ca-issuing").CertificateDer);
        var newCa = Certificate.FromDer(rolled.CertificateDer);
        Assert.Equal(oldCa.Subject, newCa.Subject);
        Assert.False(oldCa.PublicKey.Equals(newCa.PublicKey));
        // The overlap: the old CA certificate is still valid when the last device leaves it.
        Assert.True(oldCa.NotAfter > spec.Until!.Value.Utc);

        // Availability measured from real sessions: every attempt on every link good, before, during and after.
        Assert.Equal(1.0, outcome.Metrics.Availability);
        Assert.All(outcome.Metrics.Links, l => Assert.Equal(l.Attempts, l.Good));
        Assert.Equal(TimeSpan.Zero, outcome.Metrics.Outage);
        Assert.Equal(2, outcome.Metrics.Links.Count);
        Assert.Equal(0, outcome.Metrics.CrlLapses);
        Assert.Contains(outcome.Journal.OfType<ConnectionAttempted>(), a => a.At > rolledAt.Add(TimeSpan.FromDays(4)));

        // Every device ends under the new key; whatever was issued after the rollover is signed by it.
        foreach (var id in new[] { "pea-001", "pea-002", "pol" })
            Assert.True(Certificate.FromDer(outcome.Snapshot.Entities[id].Current!.Der.AsSpan()).IsSignedBy(newCa.PublicKey), id);
        foreach (var issued in outcome.Journal.OfType<CertificateIssued>().Where(i => i.Entity.Value == "ca-issuing"))
            Assert.True(Certificate.FromDer(issued.CertificateDer).IsSignedBy(issued.At >= rolledAt ? newCa.PublicKey : oldCa.PublicKey), issued.ToString());

        // The old key published CRLs through the overlap and closed once its last certificate was replaced (renewals on day 6).
        var previousCrls = outcome.Journal.OfType<PreviousKeyCrlPublished>().ToList();
        Assert.Contains(previousCrls, p => p.At > rolledAt);
        var closed = Assert.Single(outcome.Journal.OfType<PreviousKeyClosed>());
        Assert.True(closed.At > spec.Start.Add(TimeSpan.FromDays(6)), closed.ToString());
        Assert.All(previousCrls, p => Assert.True(p.At < closed.At));

        // Closed, the old key is destroyed: journaled with the closing, gone from the key store. Across the plant (rollover, PEA
        // and POL renewals with new keys) the key folder holds exactly the keys journaled and not destroyed.
        var oldKeyRef = outcome.Journal.OfType<SubordinateCaCertified>().Single(c => c.Entity.Value == "ca-issuing").KeyRef;
        var destroyed = Assert.Single(outcome.Journal.OfType<KeyDestroyed>(), d => d.Entity.Value == "ca-issuing");
        Assert.Equal((oldKeyRef, closed.At), (destroyed.KeyRef, destroyed.At));
        var vault = new Twin.Actors.Keys.FileKeyVault(Path.Combine(data, "keys"));
        Assert.Throws<Twin.Actors.Keys.KeyNotAvailableException>(() => vault.Load(oldKeyRef));
        Assert.True(outcome.Journal.OfType<KeyDestroyed>().Count(d => d.Entity.Value != "ca-issuing") >= 3, "the renewing PEAs and the POL destroyed no superseded key");
        Assert.Equal(KeyStorageTests.LiveKeyRefs(outcome.Journal), KeyStorageTests.SoftwareKeyFiles(Path.Combine(data, "keys")));

        // Oracle: during the overlap openssl accepts a certificate of each key, each with its own key's CRL, and
        // refuses the old key's certificate when only the new key's CRL is at hand (a CRL is judged by its signer).
        var root = Certificate.FromDer(outcome.Journal.OfType<RootCaCreated>().Single().CertificateDer);
        var oldLeaf = FirstIssued(outcome, i => i.At < rolledAt);
        var newLeaf = FirstIssued(outcome, i => i.At >= rolledAt);
        var at = new Twin.Actors.Clock.SimInstant(newLeaf.NotBefore.AddHours(1)); // the renewals on day 6; the old certificates are valid to day 8
        Assert.True(oldLeaf.NotAfter > at.Utc);
        var oldCrl = outcome.Journal.OfType<PreviousKeyCrlPublished>().Last(p => p.At <= at).CrlDer;
        var newCrl = outcome.Journal.OfType<CrlPublished>().Last(p => p.Entity.Value == "ca-issuing" && p.At <= at).CrlDer;
        var folder = RepoPaths.NewScratch("ca-rollover-oracle");
        var old = await VerifyAsync(folder, at, root, oldCa, oldCrl, oldLeaf);
        Assert.True(old.ExitCode == 0, "old key's certificate with its CRL: " + old.All);
        var fresh = await VerifyAsync(folder, at, root, newCa, newCrl, newLeaf);
        Assert.True(fresh.ExitCode == 0, "new key's certificate with its CRL: " + fresh.All);
        var mixed = await VerifyAsync(folder, at, root, oldCa, newCrl, oldLeaf);
        Assert.NotEqual(0, mixed.ExitCode);

        Assert.All(ExpectationCheck.Evaluate(scenario.Expectations, outcome.Journal, spec.Start, outcome.Now), r => Assert.True(r.Passed, r.ToString()));
    }

    private static Certificate FirstIssued(PlantRun.Outcome outcome, Func<CertificateIssued, bool> when) =>
        Certificate.FromDer(outcome.Journal.OfType<CertificateIssued>().First(i => i.Entity.Value == "ca-issuing" && when(i)).CertificateDer);

    private static Task<Peer.Result> VerifyAsync(string folder, Twin.Actors.Clock.SimInstant at, Certificate root, Certificate ca, byte[] crl, Certificate leaf)
    {
        var tag = Guid.NewGuid().ToString("N");
        return Peer.OpenSslAsync("verify", "-attime", at.Utc.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-crl_check",
            "-CAfile", RepoPaths.WriteText(folder, tag + "-root.pem", root.ToPem()),
            "-untrusted", RepoPaths.WriteText(folder, tag + "-ca.pem", ca.ToPem()),
            "-CRLfile", RepoPaths.WriteText(folder, tag + "-crl.pem", Pem.Encode("X509 CRL", crl)),
            RepoPaths.WriteText(folder, tag + "-leaf.pem", leaf.ToPem()));
    }
}
