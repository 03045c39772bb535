using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Queries;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>Every persistent entity, killed and started again, comes back from its journal as it was.</summary>
public sealed class KillAndRecoverTests : PersistentTestKit
{
    private static readonly RunId Run = new("test-run");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly EntityId DeviceId = new("device-001");
    private static readonly RootCaSettings CaSettings = new("CN=Test Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650));
    private static readonly DeviceSettings DeviceSettings = new(CaId, "CN=device-001,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30));

    private readonly SimulationClock _clock = new(SimInstant.Parse("2030-01-01T00:00:00Z"));
    private readonly FileKeyVault _vault;

    public KillAndRecoverTests() : base("kill-recover")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
    }

    [Fact]
    public async Task Root_CA_recovers_its_certificate_and_key_and_never_reuses_a_serial()
    {
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, CaSettings, _clock, _vault));
        var rootDer = await AwaitCaCertificate(ca);
        var first = await Issue(ca, "CN=a");

        Kill(ca);
        var revived = Sys.ActorOf(CaActor.Props(Run, CaId, CaSettings, _clock, _vault));

        Assert.Equal(rootDer, await AwaitCaCertificate(revived));
        var second = await Issue(revived, "CN=b");
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        // The revived CA still signs with the same key: the new certificate chains to the old root.
        Assert.True(second.IsSignedBy(Certificate.FromDer(rootDer).PublicKey));
    }

    [Fact]
    public async Task Device_recovers_with_the_same_certificate_and_does_not_enroll_again()
    {
        var clockProbe = CreateTestProbe();
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, CaSettings, _clock, _vault));
        await AwaitCaCertificate(ca);
        var device = Sys.ActorOf(DeviceActor.Props(Run, DeviceId, DeviceSettings, _clock, clockProbe, ca, _vault));

        // The device schedules a retry when it sends its request, then its renewal once the certificate is installed.
        var renewal = clockProbe.FishForMessage<ScheduleAt>(s => s.Due > _clock.Now.Add(TimeSpan.FromDays(1)));
        var before = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        var certificate = Certificate.FromDer(Assert.Single(before.Certificates));
        Assert.Equal(DeviceState.RenewalDue(certificate, 0.75, TimeSpan.FromDays(1)), renewal.Due);
        var eventsBefore = await JournalCount(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId));

        Kill(device);
        var revived = Sys.ActorOf(DeviceActor.Props(Run, DeviceId, DeviceSettings, _clock, clockProbe, ca, _vault));

        var rescheduled = clockProbe.ExpectMsg<ScheduleAt>();
        Assert.Equal(renewal.Due, rescheduled.Due);
        var after = await revived.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.Equal(before.Certificates, after.Certificates);
        Assert.Equal(before.KeyRef, after.KeyRef);
        Assert.Equal(eventsBefore, await JournalCount(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId)));
        // The key the certificate certifies is still in the device's key store.
        Assert.Equal(certificate.PublicKey, _vault.Load(after.KeyRef!).PublicKey);
    }

    [Fact]
    public async Task Device_renews_with_a_new_key_when_the_clock_says_renewal_is_due()
    {
        var clockProbe = CreateTestProbe();
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, CaSettings, _clock, _vault));
        await AwaitCaCertificate(ca);
        var device = Sys.ActorOf(DeviceActor.Props(Run, DeviceId, DeviceSettings, _clock, clockProbe, ca, _vault));
        var renewal = clockProbe.FishForMessage<ScheduleAt>(s => s.Due > _clock.Now.Add(TimeSpan.FromDays(1)));

        _clock.AdvanceTo(renewal.Due);
        device.Tell(renewal.Message);

        clockProbe.FishForMessage<ScheduleAt>(s => s.Due > renewal.Due.Add(TimeSpan.FromDays(1)));
        var status = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.Equal(2, status.Certificates.Count);
        var (old, renewed) = (Certificate.FromDer(status.Certificates[0]), Certificate.FromDer(status.Certificates[1]));
        Assert.NotEqual(old.PublicKey, renewed.PublicKey); // rekey on renewal is the default
        Assert.Equal(renewal.Due.Utc, renewed.NotBefore);
    }

    private async Task<byte[]> AwaitCaCertificate(IActorRef ca)
    {
        byte[]? der = null;
        await AwaitAssertAsync(async () =>
        {
            der = (await ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(3))).CertificateDer;
            Assert.NotNull(der);
        }, TimeSpan.FromSeconds(20));
        return der!;
    }

    private static async Task<Certificate> Issue(IActorRef ca, string subject)
    {
        var csr = CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(DeviceId, csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(1)), TimeSpan.FromSeconds(10));
        return Certificate.FromDer(granted.CertificateDer);
    }

    private void Kill(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        ExpectTerminated(actor);
    }

    private async Task<int> JournalCount(string persistenceId)
    {
        var journal = PersistenceQuery.Get(Sys).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var events = await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        return events.Count;
    }
}
