using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Actors.Trust;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Tests.Entities;

/// <summary>A CA entity under the OCSP design: its responder at the distribution point, answering from its records, down or delegated while it is cut off, and the same after a restart.</summary>
public sealed class OcspResponderTests : PersistentTestKit
{
    private static readonly RunId Run = new("ocsp");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;
    private readonly CrlDistributionPoint _distribution = new();

    public OcspResponderTests() : base("ocsp-responder")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Responder_answers_good_then_revoked_and_while_the_ca_is_cut_off_only_a_delegated_one_answers(bool delegated)
    {
        var ca = await StartCa(delegated);
        var leaf = await Issue(ca, "CN=pump");
        var issuer = await Root(ca);

        var good = Ask(leaf, issuer);
        await ca.Ask<RevocationDone>(new RevokeCertificate(leaf.SerialNumber.Hex, RevocationReason.KeyCompromise, "test"), RemainingOrDefault);
        var revoked = Ask(leaf, issuer);
        await ca.Ask<CaReachability>(new SetCaReachable(false, "test"), RemainingOrDefault);
        var cutOff = _distribution.OcspFor(CaId.Value)!.Answer(Ocsp.CreateRequest(leaf, issuer), _clock.Now.Utc);

        Assert.Equal(["http://127.0.0.1:5080/ocsp/ca-root"], leaf.OcspUrls);
        Assert.Equal(OcspCertificateStatus.Good, good.Status);
        Assert.Equal(OcspCertificateStatus.Revoked, revoked.Status);
        Assert.Equal(RevocationReason.KeyCompromise, revoked.Reason);
        // RFC 6960 §4.2.2.1: thisUpdate is the simulated instant, nextUpdate one validity later.
        Assert.Equal(T0.Utc, revoked.ThisUpdate);
        Assert.Equal(T0.Utc.AddMinutes(30), revoked.NextUpdate);
        var signer = _distribution.OcspFor(CaId.Value)!.Signer;
        Assert.Equal(delegated, !signer.Equals(issuer));
        if (delegated)
        {
            Assert.NotNull(cutOff);
            Assert.Equal(OcspCertificateStatus.Revoked, Ocsp.ReadResponse(cutOff, leaf, issuer, _clock.Now.Utc).Status);
        }
        else
        {
            Assert.Null(cutOff);
        }
    }

    [Fact]
    public async Task After_a_restart_the_delegated_responder_keeps_its_certificate_and_the_records_their_revocations()
    {
        var ca = await StartCa(delegated: true);
        var leaf = await Issue(ca, "CN=pump");
        var issuer = await Root(ca);
        await ca.Ask<RevocationDone>(new RevokeCertificate(leaf.SerialNumber.Hex, RevocationReason.CessationOfOperation, "test"), RemainingOrDefault);
        var before = _distribution.OcspFor(CaId.Value)!.Signer;

        Kill(ca);
        var revived = await StartCa(delegated: true);
        var other = await Issue(revived, "CN=valve");

        Assert.Equal(before, _distribution.OcspFor(CaId.Value)!.Signer);
        Assert.Equal(OcspCertificateStatus.Revoked, Ask(leaf, issuer).Status);
        Assert.Equal(OcspCertificateStatus.Good, Ask(other, issuer).Status);
        Assert.Equal(RevocationReason.CessationOfOperation, Ask(leaf, issuer).Reason);
    }

    private OcspStatus Ask(Certificate leaf, Certificate issuer)
    {
        var nonce = new byte[] { 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7 };
        var transport = new InProcessOcspTransport(_distribution, _clock);
        var response = transport.Send(leaf.OcspUrls[0], Ocsp.CreateRequest(leaf, issuer, nonce));
        Assert.NotNull(response);
        return Ocsp.ReadResponse(response, leaf, issuer, _clock.Now.Utc, nonce);
    }

    private async Task<IActorRef> StartCa(bool delegated)
    {
        var settings = new CaSettings("CN=OCSP Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650))
        {
            Ocsp = new OcspSettings(OcspSettings.DefaultBaseUrl, TimeSpan.FromMinutes(30)) { Delegated = delegated },
        };
        _work.BeginStart(CaId.Value);
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, settings, _clock, _vault, _work, _clockActor, Entropy.System(Run), distribution: _distribution));
        await _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));
        return ca;
    }

    private static async Task<Certificate> Root(IActorRef ca) =>
        Certificate.FromDer((await ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(10))).CertificateDer!);

    private static async Task<Certificate> Issue(IActorRef ca, string subject)
    {
        var csr = CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(new EntityId("device-x"), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), TimeSpan.FromSeconds(10));
        return Certificate.FromDer(granted.CertificateDer);
    }
}
