using System.Globalization;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// Root key update with link certificates (RFC 4210 §4.4) inside a running plant: the root entity issues
/// NewWithNew, OldWithNew and NewWithOld; openssl, holding only one root, validates the other generation's chain
/// through the matching link certificate — and refuses it without.
/// </summary>
public sealed class RootKeyUpdateTests
{
    [Fact]
    public async Task Root_key_update_links_let_openssl_holding_either_root_accept_both_generations_and_the_POL_never_fails()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "root-key-update.yaml"));
        var spec = scenario.ToPlant();
        var outcome = await PlantRun.ToEndAsync(spec, "root-key-update");

        var oldRoot = Certificate.FromDer(outcome.Journal.OfType<RootCaCreated>().Single().CertificateDer);
        var update = Assert.Single(outcome.Journal.OfType<RootKeyUpdated>());
        var (newRoot, oldWithNew, newWithOld) = (Certificate.FromDer(update.NewWithNewDer), Certificate.FromDer(update.OldWithNewDer), Certificate.FromDer(update.NewWithOldDer));
        Assert.True(newRoot.IsSelfSigned);
        Assert.True(newWithOld.IsSignedBy(oldRoot.PublicKey) && newWithOld.PublicKey.Equals(newRoot.PublicKey));
        Assert.True(oldWithNew.IsSignedBy(newRoot.PublicKey) && oldWithNew.PublicKey.Equals(oldRoot.PublicKey));

        // The entity view exposes both link certificates.
        var view = outcome.Snapshot.Entities["ca-root"];
        Assert.Equal(["OldWithNew", "NewWithOld"], view.LinkCertificates.Select(l => l.Kind));
        Assert.Equal(update.NewWithOldDer, view.LinkCertificates[1].Certificate.Der.ToArray());
        Assert.Equal(newRoot.SerialNumber.Hex, view.Current!.SerialHex);

        // The issuing CA's new key is certified by the new root key; the devices renewed under it.
        var issuingOld = Certificate.FromDer(outcome.Journal.OfType<SubordinateCaCertified>().Single().CertificateDer);
        var issuingNew = Certificate.FromDer(Assert.Single(outcome.Journal.OfType<CaRolledOver>()).CertificateDer);
        Assert.True(issuingOld.IsSignedBy(oldRoot.PublicKey));
        Assert.True(issuingNew.IsSignedBy(newRoot.PublicKey));
        var installs = outcome.Journal.OfType<DeviceCertificateInstalled>().Where(i => i.Entity.Value == "pea-001").ToList();
        var oldLeaf = Certificate.FromDer(installs.First().CertificateDer);
        var newLeaf = Certificate.FromDer(installs.Last().CertificateDer);
        Assert.True(newLeaf.IsSignedBy(issuingNew.PublicKey));

        // Oracle (openssl, no revocation checks): at an instant where both leaves are valid.
        var at = newLeaf.NotBefore.AddHours(1);
        var folder = RepoPaths.NewScratch("root-key-update-oracle");
        Assert.True((await VerifyAsync(folder, at, oldRoot, [newWithOld, issuingNew], newLeaf)).ExitCode == 0, "old root + NewWithOld accepts the new generation");
        Assert.True((await VerifyAsync(folder, at, newRoot, [oldWithNew, issuingOld], oldLeaf)).ExitCode == 0, "new root + OldWithNew accepts the old generation");
        Assert.NotEqual(0, (await VerifyAsync(folder, at, oldRoot, [issuingNew], newLeaf)).ExitCode);
        Assert.NotEqual(0, (await VerifyAsync(folder, at, newRoot, [issuingOld], oldLeaf)).ExitCode);

        // In the plant both roots are trust anchors while the old one has certificates in service: no outage.
        Assert.Equal(1.0, outcome.Metrics.Availability);
        Assert.All(ExpectationCheck.Evaluate(scenario.Expectations, outcome.Journal, spec.Start, outcome.Now), r => Assert.True(r.Passed, r.ToString()));
    }

    private static Task<Peer.Result> VerifyAsync(string folder, DateTimeOffset at, Certificate anchor, Certificate[] untrusted, Certificate leaf)
    {
        var tag = Guid.NewGuid().ToString("N");
        return Peer.OpenSslAsync("verify", "-attime", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "-CAfile", RepoPaths.WriteText(folder, tag + "-anchor.pem", anchor.ToPem()),
            "-untrusted", RepoPaths.WriteText(folder, tag + "-untrusted.pem", string.Concat(untrusted.Select(c => c.ToPem()))),
            RepoPaths.WriteText(folder, tag + "-leaf.pem", leaf.ToPem()));
    }
}
