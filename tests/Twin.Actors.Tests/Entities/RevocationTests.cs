using System.Globalization;
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
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>A CA entity revokes, publishes CRLs on its schedule, and keeps both across a restart — as openssl sees it.</summary>
public sealed class RevocationTests : PersistentTestKit
{
    private static readonly RunId Run = new("revocation");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly CaSettings Settings = new("CN=Revoking Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650))
    {
        CrlInterval = TimeSpan.FromDays(1),
        CrlValidity = TimeSpan.FromDays(2),
    };

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public RevocationTests() : base("revocation")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact]
    public async Task A_revoked_certificate_is_on_the_next_CRL_and_openssl_refuses_it_with_that_CRL()
    {
        var ca = await StartCa();
        var good = await Issue(ca, "CN=good");
        var bad = await Issue(ca, "CN=stolen");

        var done = await ca.Ask<RevocationDone>(new RevokeCertificate(bad.SerialNumber.Hex, RevocationReason.KeyCompromise, "test"), RemainingOrDefault);

        Assert.Equal(2, done.CrlNumber); // the first CRL came with the root; the revocation forced the second
        var crl = await CurrentCrl(ca);
        Assert.Equal(RevocationReason.KeyCompromise, crl.Find(bad.SerialNumber)!.Reason);
        Assert.Null(crl.Find(good.SerialNumber));
        var root = await Root(ca);
        Assert.Equal("certificate revoked", await OpenSslVerdict(root, bad, crl, T0.Add(TimeSpan.FromHours(1))));
        Assert.Equal("OK", await OpenSslVerdict(root, good, crl, T0.Add(TimeSpan.FromHours(1))));
    }

    [Fact]
    public async Task CRLs_follow_the_schedule_and_after_a_restart_the_numbers_go_on_and_the_revocation_stays()
    {
        var ca = await StartCa();
        var bad = await Issue(ca, "CN=stolen");
        await ca.Ask<RevocationDone>(new RevokeCertificate(bad.SerialNumber.Hex, RevocationReason.KeyCompromise, "test"), RemainingOrDefault);

        _clockActor.Tell(new RunUntil(T0.Add(TimeSpan.FromDays(3))));
        await Idle();
        var scheduled = await CurrentCrl(ca);
        Assert.Equal(5, scheduled.CrlNumber); // root's, revocation's, then days 1, 2, 3
        Assert.Equal(T0.Add(TimeSpan.FromDays(3)).Utc, scheduled.ThisUpdate);

        Kill(ca);
        var revived = await StartCa();
        _clockActor.Tell(new RunUntil(T0.Add(TimeSpan.FromDays(4))));
        await Idle();

        var next = await CurrentCrl(revived);
        Assert.Equal(6, next.CrlNumber);
        Assert.NotNull(next.Find(bad.SerialNumber));
        var refused = await revived.Ask<RevocationRefused>(new RevokeCertificate(bad.SerialNumber.Hex, RevocationReason.Superseded, "test"), RemainingOrDefault);
        Assert.Contains("already revoked", refused.Reason, StringComparison.Ordinal);
    }

    private async Task<IActorRef> StartCa()
    {
        _work.BeginStart(CaId.Value);
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, Settings, _clock, _vault, _work, _clockActor, Entropy.System(Run)));
        await Idle();
        return ca;
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));

    private static async Task<Certificate> Root(IActorRef ca) =>
        Certificate.FromDer((await ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(10))).CertificateDer!);

    private static async Task<CertificateRevocationList> CurrentCrl(IActorRef ca) =>
        CertificateRevocationList.FromDer((await ca.Ask<CaCrl>(new GetCurrentCrl(), TimeSpan.FromSeconds(10))).CrlDer!);

    private static async Task<Certificate> Issue(IActorRef ca, string subject)
    {
        var csr = CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(new EntityId("device-x"), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), TimeSpan.FromSeconds(10));
        return Certificate.FromDer(granted.CertificateDer);
    }

    private static async Task<string> OpenSslVerdict(Certificate root, Certificate leaf, CertificateRevocationList crl, SimInstant at)
    {
        var dir = RepoPaths.NewScratch("crl-oracle");
        var result = await Peer.OpenSslAsync("verify", "-crl_check", "-attime", at.Utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "-CAfile", RepoPaths.WriteText(dir, "root.pem", root.ToPem()),
            "-CRLfile", RepoPaths.WriteText(dir, "crl.pem", crl.ToPem()),
            RepoPaths.WriteText(dir, "leaf.pem", leaf.ToPem()));
        return result.ExitCode == 0 ? "OK" : result.All.Contains("certificate revoked", StringComparison.Ordinal) ? "certificate revoked" : result.All;
    }
}
