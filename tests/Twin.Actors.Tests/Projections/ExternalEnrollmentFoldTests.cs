using Twin.Actors.Clock;
using Twin.Actors.Entities.Enrollment;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Tests.Projections;

/// <summary>A party that enrolled from outside the twin becomes an entity of the read model, and its certificates can be revoked like any other.</summary>
public sealed class ExternalEnrollmentFoldTests
{
    private static readonly RunId Run = new("fold");
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void External_enrollments_make_an_entity_whose_renewal_supersedes_and_whose_revocation_is_shown()
    {
        var root = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(10));
        var first = root.Issue(CertificationRequest.Create("CN=pump", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)), CertificateProfile.LDevId, Start, Start.AddDays(30));
        var second = root.Issue(CertificationRequest.Create("CN=pump", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)), CertificateProfile.LDevId, Start.AddDays(20), Start.AddDays(50));
        var ca = new EntityId("ca-root");
        var pump = new EntityId("est-pump");
        var t0 = new SimInstant(Start);

        var s = PlantSnapshot.Empty;
        s = PlantReadModel.Fold(s, new RootCaCreated(Run, t0, ca, "k", root.Certificate.GetDer()), 1);
        s = PlantReadModel.Fold(s, new ExternalCertificateEnrolled(Run, t0, pump, ca, "EST", "simpleenroll", "CN=Pump,serialNumber=1", first.GetDer()), 2);
        s = PlantReadModel.Fold(s, new ExternalCertificateEnrolled(Run, new SimInstant(Start.AddDays(20)), pump, ca, "EST", "simplereenroll", "CN=pump", second.GetDer()), 3);
        s = PlantReadModel.Fold(s, new CertificateRevoked(Run, new SimInstant(Start.AddDays(21)), ca, first.SerialNumber.Hex, RevocationReason.Superseded, "test"), 4);
        s = PlantReadModel.Fold(s, new EnrollmentDecided(Run, t0, EnrollmentLogActor.LogId, "EST", "simpleenroll", "anonymous", false, "No TLS client certificate was presented."), 5);

        var view = s.Entities["est-pump"];
        Assert.Equal(EntityKinds.Device, view.Kind);
        Assert.Equal(second.SerialNumber.Hex, view.Current!.SerialHex);
        Assert.Equal(new SimInstant(Start.AddDays(20)), view.Certificates[0].SupersededAt);
        Assert.NotNull(view.Certificates[0].Revocation);
        Assert.Contains(s.RecentEvents, e => e.Kind == "enroll.decided" && e.Summary == "refused EST simpleenroll from anonymous: No TLS client certificate was presented.");
    }
}
