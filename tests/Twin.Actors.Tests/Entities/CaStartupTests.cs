using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>A request that reaches a CA before it exists is answered once it does, not refused.</summary>
public sealed class CaStartupTests : PersistentTestKit
{
    public CaStartupTests() : base("ca-startup") { }

    [Fact]
    public async Task A_CSR_that_arrives_before_the_root_is_signed_is_held_and_answered_once_the_CA_is_ready()
    {
        var run = new RunId("startup");
        var clockProbe = CreateTestProbe(); // the clock that never delivers on its own: the test wakes the CA
        var clock = new SimulationClock(SimInstant.Parse("2030-01-01T00:00:00Z"));
        var ca = Sys.ActorOf(CaActor.Props(run, new EntityId("ca-root"), new CaSettings("CN=Late Root", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)),
            clock, new FileKeyVault(Path.Combine(Folder, "keys")), new SimulationWork(), clockProbe, Entropy.System(run)));
        clockProbe.ExpectMsg<ScheduleAt>(s => s.Message is CaActor.Wake, TimeSpan.FromSeconds(30)); // recovery from a fresh journal: generous on a loaded machine

        var csr = CertificationRequest.Create("CN=early", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var early = ca.Ask<object>(new IssueFromCsr(new EntityId("device-001"), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), TimeSpan.FromSeconds(20));
        // Mailbox order: the CSR was handled (held) before this query is answered.
        Assert.Null((await ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(10))).CertificateDer);
        Assert.False(early.IsCompleted);

        ca.Tell(new CaActor.Wake());

        var granted = Assert.IsType<CertificateGranted>(await early);
        var root = Certificate.FromDer(granted.IssuerCertificateDer);
        Assert.True(Certificate.FromDer(granted.CertificateDer).IsSignedBy(root.PublicKey));
    }
}
