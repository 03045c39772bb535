using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Protocol.Queries;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// Decommissioning is journaled first, naming every key the device holds (IDevID, LDevID, a further domain's key), and only then
/// does the store forget them. A device killed after the event and before the destruction recovers into a store that still holds
/// the keys: it destroys exactly the listed ones at recovery, journals nothing more and stays retired. Each case runs for the file,
/// TPM and HSM stores.
/// </summary>
public sealed class DecommissionResumeTests : MaxClockTestKit
{
    private static readonly RunId Run = new("decommission-resume");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly EntityId DeviceId = new("gateway-001");
    private static readonly EntityId BystanderId = new("sensor-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly DeviceSettings Settings = new(CaId, "CN=gateway-001,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30));

    public DecommissionResumeTests() : base("decommission-resume", Run, T0) { }

    [Theory]
    [InlineData(KeyStoreKind.Software)]
    [InlineData(KeyStoreKind.Tpm)]
    [InlineData(KeyStoreKind.Hsm)]
    public async Task A_device_killed_after_its_decommissioning_was_journaled_destroys_every_listed_key_at_recovery(KeyStoreKind kind)
    {
        Work.BeginStart(CaId.Value);
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, new CaSettings("CN=Decommission Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Clock, Vault, Work, ClockActor, Entropy));
        await Idle();
        var (idevidRef, idevidKey) = Generate(kind, DeviceId, 0);
        var (ldevidRef, ldevidKey) = Generate(kind, DeviceId, 1);
        var (domainRef, domainKey) = Generate(kind, DeviceId, 2);
        var (bystanderRef, _) = Generate(kind, BystanderId, 0);
        var ldevid = await IssueAsync(ca, ldevidKey);
        var idevid = await IssueAsync(ca, idevidKey);
        var listed = new List<string> { idevidRef, ldevidRef, domainRef };
        // What the kill left: the decommissioning journaled with its list, every key still in the store.
        List<object> journal =
        [
            new DeviceIdevidInstalled(Run, T0, DeviceId, new EntityId("maker"), idevidRef, idevid.CertificateDer, idevid.IssuerCertificateDer, Stolen: false),
            new DeviceKeyGenerated(Run, T0, DeviceId, ldevidRef, "EcdsaP256", ldevidKey.PublicKey.SubjectPublicKeyInfo, KeyRefs.Text(kind)),
            new DeviceCertificateInstalled(Run, T0, DeviceId, ldevid.CertificateDer, ldevid.IssuerCertificateDer),
            new GatewayDomainRequested(Run, T0, DeviceId, "line-b", domainRef, domainKey.PublicKey.SubjectPublicKeyInfo, "ir", [0x30, 0x00]),
            new DeviceDecommissioned(Run, T0.Add(TimeSpan.FromHours(1)), DeviceId, "timeline", listed, Certificate.FromDer(ldevid.CertificateDer).SerialNumber.Hex),
        ];
        Sys.ActorOf(Props.Create(() => new JournalWriter(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId), journal, TestActor)));
        ExpectMsg<JournalWriter.Written>();
        Assert.Equal(3, KeyFiles(DeviceId).Length);

        Work.BeginStart(DeviceId.Value);
        var device = Sys.ActorOf(DeviceActor.Props(Run, DeviceId, Settings with { KeyStorage = kind }, Clock, ClockActor, ca, Vault, Work, Entropy));
        ClockActor.Tell(new RunUntil(T0.Add(TimeSpan.FromDays(40)))); // past renewal and expiry: a retired device does nothing
        await Idle();

        Assert.Empty(KeyFiles(DeviceId));
        Assert.All(listed, keyRef => Assert.Throws<KeyNotAvailableException>(() => Vault.Load(keyRef)));
        Assert.NotNull(Vault.Load(bystanderRef)); // another device's key is not touched
        var status = await device.Ask<DeviceStatus>(new GetDeviceStatus(), TimeSpan.FromSeconds(30));
        Assert.True(status.Decommissioned);
        Assert.Null(status.KeyRef);
        Assert.Equal(journal.Count, (await JournalOf(DeviceId)).Count);
    }

    private (string KeyRef, ISigningKey Key) Generate(KeyStoreKind kind, EntityId owner, int n) =>
        Vault.Generate(Run, owner, kind, KeyAlgorithm.EcdsaP256, Entropy.For(owner, "test-key", n));


    private static async Task<CertificateGranted> IssueAsync(IActorRef ca, ISigningKey key)
    {
        var csr = CertificationRequest.Create(Settings.Subject, key);
        return await ca.Ask<CertificateGranted>(new IssueFromCsr(DeviceId, csr.GetDer(), CertificateProfile.LDevId, Settings.CertificateLifetime), TimeSpan.FromSeconds(30));
    }

    // PKCS#8 files and sealed blobs of an owner (a secure element's storage seed is not a key).
    private string[] KeyFiles(EntityId owner)
    {
        var folder = Path.Combine(Folder, "keys", Run.Value, owner.Value);
        return Directory.Exists(folder)
            ? [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".p8", StringComparison.Ordinal) || f.EndsWith(".sealed", StringComparison.Ordinal))]
            : [];
    }

    private async Task<IReadOnlyList<object>> JournalOf(EntityId device)
    {
        var events = await TwinJournal.Read(Sys).CurrentEventsByPersistenceId(EntityKinds.PersistenceId(EntityKinds.Device, Run, device), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        return [.. events.Select(e => e.Event)];
    }
}
