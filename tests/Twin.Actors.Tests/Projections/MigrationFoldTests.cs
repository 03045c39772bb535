using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Projections;

/// <summary>The read model follows a CA's migration: the new certificate is current and the CA shows its new key algorithm.</summary>
public sealed class MigrationFoldTests
{
    private static readonly RunId Run = new("fold");
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_ca_that_migrated_shows_its_ml_dsa_certificate_and_algorithm()
    {
        var root = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(10));
        var oldCa = root.Issue(CertificationRequest.Create("CN=Issuing", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)), CertificateProfile.IssuingCa, Start, Start.AddYears(5));
        var newCa = root.Issue(CertificationRequest.Create("CN=Issuing", KeyGenerator.Generate(KeyAlgorithm.MlDsa65)), CertificateProfile.IssuingCa, Start.AddDays(7), Start.AddYears(5));
        var rootId = new EntityId("ca-root");
        var ca = new EntityId("ca-issuing");

        var s = PlantSnapshot.Empty;
        s = PlantReadModel.Fold(s, new RootCaCreated(Run, new SimInstant(Start), rootId, "k0", root.Certificate.GetDer()), 1);
        s = PlantReadModel.Fold(s, new SubordinateCaCertified(Run, new SimInstant(Start), ca, rootId, "k1", oldCa.GetDer(), root.Certificate.GetDer()), 2);
        var before = s.Entities["ca-issuing"].KeyAlgorithm;
        s = PlantReadModel.Fold(s, new CaRolledOver(Run, new SimInstant(Start.AddDays(7)), ca, 1, "migration", "k2", newCa.GetDer(), root.Certificate.GetDer()), 3);

        var view = s.Entities["ca-issuing"];
        Assert.Equal("EcdsaP256", before);
        Assert.Equal("MlDsa65", view.KeyAlgorithm);
        Assert.Equal(newCa.SerialNumber.Hex, view.Current!.SerialHex);
    }
}
