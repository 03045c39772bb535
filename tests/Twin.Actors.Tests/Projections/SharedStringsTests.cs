using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Projections;

/// <summary>
/// The read model holds a view per certificate and, with the dashboard's detail, up to 200 event views per entity: a
/// ten-year run of 10,000 devices is 421,399 certificates and 1.7 million events (docs/benchmarks.md). Text repeated from
/// one view to the next is held once — each event read from the journal brings its own copies.
/// </summary>
public sealed class SharedStringsTests
{
    private static readonly RunId Run = new("fold");
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_renewal_shares_its_names_with_the_certificate_it_replaces_and_history_entries_share_the_entity_id_and_kind()
    {
        var root = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(10));
        var first = Issue(root, "CN=pump", 0);
        var second = Issue(root, "CN=pump", 20);
        var renamed = Issue(root, "CN=pump-2", 40);

        var s = PlantSnapshot.Empty;
        s = PlantReadModel.Fold(s, new RootCaCreated(Run, new SimInstant(Start), new EntityId("ca-root"), "k", root.Certificate.GetDer()), 1);
        s = PlantReadModel.Fold(s, Installed(first, 0), 2);
        s = PlantReadModel.Fold(s, Installed(second, 20), 3);
        s = PlantReadModel.Fold(s, Installed(renamed, 40), 4);

        var pump = s.Entities["dev-pump"];
        var (a, b, c) = (pump.Certificates[0], pump.Certificates[1], pump.Certificates[2]);
        Assert.Equal(["CN=pump", "CN=pump", "CN=pump-2"], pump.Certificates.Select(v => v.Subject));
        Assert.All(pump.Certificates, v => Assert.Equal(root.Certificate.Subject, v.Issuer));
        Assert.Same(a.Subject, b.Subject);
        Assert.Same(a.Issuer, b.Issuer);
        Assert.Same(b.Issuer, c.Issuer);
        Assert.Equal(3, pump.History.Count);
        Assert.All(pump.History, h => Assert.Same(pump.Id.Value, h.Entity.Value));
        Assert.All(pump.History, h => Assert.Same(pump.History[0].Kind, h.Kind));
        Assert.Equal("dev.cert-installed", pump.History[0].Kind);
        Assert.Same(pump.Id.Value, s.Holders[PlantSnapshot.HolderKey(second.Issuer, second.SerialNumber.Hex)]);
    }

    [Fact]
    public void The_holder_index_keys_a_certificate_by_the_issuer_and_serial_strings_its_view_holds()
    {
        var root = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(10));
        var first = Issue(root, "CN=pump", 0);
        var second = Issue(root, "CN=pump", 20);

        var s = PlantSnapshot.Empty;
        s = PlantReadModel.Fold(s, new RootCaCreated(Run, new SimInstant(Start), new EntityId("ca-root"), "k", root.Certificate.GetDer()), 1);
        s = PlantReadModel.Fold(s, Installed(first, 0), 2);
        s = PlantReadModel.Fold(s, Installed(second, 20), 3);

        // Looked up with freshly parsed strings, found under the view's own: the index holds no copy of its own.
        var pump = s.Entities["dev-pump"];
        foreach (var (view, certificate) in new[] { (pump.Certificates[0], first), (pump.Certificates[1], second) })
        {
            Assert.True(s.Holders.TryGetKey(PlantSnapshot.HolderKey(certificate.Issuer, certificate.SerialNumber.Hex), out var key));
            Assert.Same(view.Issuer, key.Issuer);
            Assert.Same(view.SerialHex, key.SerialHex);
        }
        Assert.Equal(3, s.Holders.Count);
        // Written as JSON (a snapshot compared or saved), a holder is named "issuer|serial", as the joined key read before.
        var json = System.Text.Json.JsonSerializer.Serialize(s.Holders);
        Assert.Contains($"\"{second.Issuer}|{second.SerialNumber.Hex}\":\"dev-pump\"", json, StringComparison.Ordinal);
        Assert.Equal(s.Holders.ToDictionary(), System.Text.Json.JsonSerializer.Deserialize<Dictionary<CertificateKey, string>>(json));
    }

    private static Certificate Issue(CertificateAuthority ca, string subject, int day) =>
        ca.Issue(CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)), CertificateProfile.LDevId, Start.AddDays(day), Start.AddDays(day + 30));

    // As from the journal: every event its own copy of the entity id.
    private static DeviceCertificateInstalled Installed(Certificate certificate, int day) =>
        new(Run, new SimInstant(Start.AddDays(day)), new EntityId(new string("dev-pump".AsSpan())), certificate.GetDer(), []);
}
