using Twin.Actors.Persistence;
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
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Queries;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

using static Twin.Actors.Tests.Support.DeviceStatusChecks;

namespace Twin.Actors.Tests.Entities;

/// <summary>Every persistent entity, killed and started again, comes back from its journal as it was.</summary>
public class KillAndRecoverTests : PersistentTestKit
{
    private static readonly RunId Run = new("test-run");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly EntityId DeviceId = new("device-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly CaSettings CaSettings = new("CN=Test Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650));
    private static readonly DeviceSettings DeviceSettings = new(CaId, "CN=device-001,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30));

    // Max mode stopped at T0: the clock delivers what is due now, and WhenClockIdle answers once
    // every piece of work that set off has finished — the barrier these tests wait on.
    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly Entropy _entropy = Entropy.System(Run);
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public KillAndRecoverTests() : base("kill-recover")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    /// <summary>The same tests on a PostgreSQL journal (<paramref name="postgreSql"/>).</summary>
    protected KillAndRecoverTests(string postgreSql) : base("kill-recover-pg", postgreSql)
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    /// <summary>Where the CA keeps its keys in these tests.</summary>
    protected virtual KeyStoreKind AuthorityKeys => KeyStoreKind.Software;

    /// <summary>Where the device keeps its keys in these tests.</summary>
    protected virtual KeyStoreKind DeviceKeys => KeyStoreKind.Software;

    /// <summary>The vault the entities use, for subclasses' own checks.</summary>
    protected FileKeyVault Vault => _vault;

    [Fact]
    public async Task Root_CA_recovers_its_certificate_and_key_and_never_reuses_a_serial()
    {
        var ca = StartCa();
        await Idle();
        var rootDer = (await ca.Ask<CaCertificate>(new GetCaCertificate(), RemainingOrDefault)).CertificateDer;
        Assert.NotNull(rootDer);
        var first = await Issue(ca, "CN=a");

        Kill(ca);
        var revived = StartCa();
        await Idle();

        Assert.Equal(rootDer, (await revived.Ask<CaCertificate>(new GetCaCertificate(), RemainingOrDefault)).CertificateDer);
        var second = await Issue(revived, "CN=b");
        Assert.NotEqual(first.SerialNumber, second.SerialNumber);
        // The revived CA still signs with the same key: the new certificate chains to the old root.
        Assert.True(second.IsSignedBy(Certificate.FromDer(rootDer).PublicKey));
    }

    [Fact]
    public async Task Device_recovers_with_the_same_certificate_and_does_not_enroll_again()
    {
        var ca = StartCa();
        var device = StartDevice(ca);
        await Idle();
        var before = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        var certificate = Certificate.FromDer(OnlyCertificate(before));
        var eventsBefore = await JournalCount(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId));

        Kill(device);
        var revived = StartDevice(ca);
        await Idle();

        var after = await revived.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.Equal(before.Certificate, after.Certificate);
        Assert.Equal(before.CertificatesInstalled, after.CertificatesInstalled);
        Assert.Equal(before.KeyRef, after.KeyRef);
        Assert.Equal(eventsBefore, await JournalCount(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId)));
        // The key the certificate certifies is still in the device's key store.
        Assert.Equal(certificate.PublicKey, _vault.Load(after.KeyRef!).PublicKey);
    }

    [Fact]
    public async Task Device_renews_with_a_new_key_when_simulated_time_reaches_the_renewal_instant()
    {
        var ca = StartCa();
        var device = StartDevice(ca);
        await Idle();
        var first = Certificate.FromDer(OnlyCertificate(await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault)));
        var due = DeviceState.RenewalDue(first, 0.75, TimeSpan.FromDays(1));

        _clockActor.Tell(new RunUntil(due));
        var idle = await Idle();

        Assert.Equal(due, idle.Reading.Now);
        var status = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.Equal(2, status.CertificatesInstalled);
        var renewed = Certificate.FromDer(status.Certificate!);
        Assert.NotEqual(first.PublicKey, renewed.PublicKey); // rekey on renewal is the default
        Assert.Equal(due.Utc, renewed.NotBefore);
    }

    [Fact]
    public async Task Decommissioned_device_destroys_its_keys_has_its_certificate_revoked_and_stays_retired_after_recovery()
    {
        var ca = StartCa();
        var device = StartDevice(ca);
        await Idle();
        var before = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        var certificate = Certificate.FromDer(OnlyCertificate(before));
        var keyRef = before.KeyRef!;

        _work.Begin("test");
        device.Tell(new Tracked(new DecommissionDevice("test"), "test"));
        await Idle();

        var after = await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.True(after.Decommissioned);
        Assert.Null(after.KeyRef);
        Assert.Throws<KeyNotAvailableException>(() => _vault.Load(keyRef));
        var crl = Twin.Pki.Revocation.CertificateRevocationList.FromDer((await ca.Ask<CaCrl>(new GetCurrentCrl(), RemainingOrDefault)).CrlDer!);
        var entry = crl.Find(certificate.SerialNumber);
        Assert.NotNull(entry);
        Assert.Equal(Twin.Pki.Revocation.RevocationReason.CessationOfOperation, entry.Reason);
        var events = await JournalCount(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId));

        // Past the renewal instant, and again after a restart: nothing is enrolled, nothing journaled.
        _clockActor.Tell(new RunUntil(DeviceState.RenewalDue(certificate, 0.75, TimeSpan.FromDays(1)).Add(TimeSpan.FromDays(1))));
        await Idle();
        Kill(device);
        var revived = StartDevice(ca);
        await Idle();
        _work.Begin("test");
        revived.Tell(new Tracked(new DecommissionDevice("again"), "test"));
        await Idle();

        var revivedStatus = await revived.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.True(revivedStatus.Decommissioned);
        Assert.Equal(before.Certificate, revivedStatus.Certificate);
        Assert.Equal(before.CertificatesInstalled, revivedStatus.CertificatesInstalled);
        Assert.Equal(events, await JournalCount(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId)));
    }

    private IActorRef StartCa()
    {
        _work.BeginStart(CaId.Value);
        return Sys.ActorOf(CaActor.Props(Run, CaId, CaSettings with { KeyStorage = AuthorityKeys }, _clock, _vault, _work, _clockActor, _entropy));
    }

    private IActorRef StartDevice(IActorRef ca)
    {
        _work.BeginStart(DeviceId.Value);
        return Sys.ActorOf(DeviceActor.Props(Run, DeviceId, DeviceSettings with { KeyStorage = DeviceKeys }, _clock, _clockActor, ca, _vault, _work, _entropy));
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));

    private static async Task<Certificate> Issue(IActorRef ca, string subject)
    {
        var csr = CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(DeviceId, csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(1)), TimeSpan.FromSeconds(10));
        return Certificate.FromDer(granted.CertificateDer);
    }


    private async Task<int> JournalCount(string persistenceId)
    {
        var journal = TwinJournal.Read(Sys);
        var events = await journal.CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        return events.Count;
    }
}
