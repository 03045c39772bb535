using Twin.Actors.Persistence;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Tests.Entities;

/// <summary>A CA that changed its key, killed and started again, still signs with the new key and keeps its previous key's CRLs going.</summary>
public sealed class CaKeyChangeRecoveryTests : PersistentTestKit
{
    private static readonly RunId Run = new("key-change");
    private static readonly EntityId RootId = new("ca-root");
    private static readonly EntityId IssuingId = new("ca-issuing");
    private static readonly EntityId Holder = new("device-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly Entropy _entropy = Entropy.System(Run);
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public CaKeyChangeRecoveryTests() : base("ca-key-change")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact]
    public async Task A_rolled_over_CA_recovers_both_keys_revokes_each_certificate_on_its_own_key_CRL_and_never_reuses_a_serial()
    {
        var root = Start(RootId, new CaSettings("CN=Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), parent: null);
        var issuing = Start(IssuingId, new CaSettings("CN=Issuing,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1825)) { Parent = RootId }, root);
        await Idle();
        var oldCa = await CaCertificateOf(issuing);
        var before = await Issue(issuing, "CN=before");

        var done = await issuing.Ask<CaLifecycleDone>(new RollOverCa("test"), TimeSpan.FromSeconds(30));
        Assert.Equal("rollover", done.Cause);
        await Idle();
        var newCa = await CaCertificateOf(issuing);
        Assert.Equal(oldCa.Subject, newCa.Subject);
        Assert.True(newCa.IsSignedBy((await CaCertificateOf(root)).PublicKey));
        var after = await Issue(issuing, "CN=after");
        Assert.True(after.IsSignedBy(newCa.PublicKey));

        Kill(issuing);
        var revived = Start(IssuingId, new CaSettings("CN=Issuing,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1825)) { Parent = RootId }, root);
        await Idle();

        Assert.Equal(newCa.GetDer(), (await CaCertificateOf(revived)).GetDer());
        var third = await Issue(revived, "CN=third");
        Assert.True(third.IsSignedBy(newCa.PublicKey));
        Assert.Equal(3, new[] { before.SerialNumber, after.SerialNumber, third.SerialNumber }.Distinct().Count());

        // The certificate from the previous key is revoked on that key's CRL; the new key's CRL does not list it.
        await revived.Ask<RevocationDone>(new RevokeCertificate(before.SerialNumber.Hex, RevocationReason.KeyCompromise, "test"), TimeSpan.FromSeconds(10));
        await revived.Ask<RevocationDone>(new RevokeCertificate(after.SerialNumber.Hex, RevocationReason.Superseded, "test"), TimeSpan.FromSeconds(10));
        var events = await Journal(IssuingId);
        var previousCrl = CertificateRevocationList.FromDer(events.OfType<PreviousKeyCrlPublished>().Last().CrlDer);
        var currentCrl = CertificateRevocationList.FromDer(events.OfType<CrlPublished>().Last().CrlDer);
        Assert.True(previousCrl.IsSignedBy(oldCa.PublicKey));
        Assert.True(currentCrl.IsSignedBy(newCa.PublicKey));
        Assert.NotNull(previousCrl.Find(before.SerialNumber));
        Assert.Null(previousCrl.Find(after.SerialNumber));
        Assert.NotNull(currentCrl.Find(after.SerialNumber));
        Assert.Null(currentCrl.Find(before.SerialNumber));
    }

    private IActorRef Start(EntityId id, CaSettings settings, IActorRef? parent)
    {
        _work.BeginStart(id.Value);
        return Sys.ActorOf(CaActor.Props(Run, id, settings, _clock, _vault, _work, _clockActor, _entropy, parent));
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));

    private static async Task<Certificate> CaCertificateOf(IActorRef ca) =>
        Certificate.FromDer((await ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(10))).CertificateDer!);

    private static async Task<Certificate> Issue(IActorRef ca, string subject)
    {
        var csr = CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(Holder, csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), TimeSpan.FromSeconds(10));
        return Certificate.FromDer(granted.CertificateDer);
    }


    private async Task<IReadOnlyList<object>> Journal(EntityId id)
    {
        var journal = TwinJournal.Read(Sys);
        var events = await journal.CurrentEventsByPersistenceId(EntityKinds.PersistenceId(EntityKinds.CertificationAuthority, Run, id), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        return events.Select(e => e.Event).ToList();
    }
}
