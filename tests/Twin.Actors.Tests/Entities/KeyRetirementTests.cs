using Akka.Actor;
using Akka.Persistence;
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
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A device destroys the key a renewal superseded once the certificate for its new key is installed, journaled as key.destroyed
/// before the store forgets it; a device killed between the install and the destruction finishes the job at recovery and never
/// touches the live key. Each case runs for every key store kind.
/// </summary>
public sealed class KeyRetirementTests : MaxClockTestKit
{
    private static readonly RunId Run = new("key-retirement");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly EntityId DeviceId = new("device-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly DeviceSettings Settings = new(CaId, "CN=device-001,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30));

    public KeyRetirementTests() : base("key-retirement", Run, T0) { }

    [Theory]
    [InlineData(KeyStoreKind.Software)]
    [InlineData(KeyStoreKind.Tpm)]
    [InlineData(KeyStoreKind.Hsm)]
    public async Task Each_renewal_destroys_the_superseded_key_and_the_device_signs_with_the_new_one(KeyStoreKind kind)
    {
        var ca = StartCa();
        var device = StartDevice(ca, Settings with { KeyStorage = kind });
        await Idle();
        var used = new List<string> { (await StatusOf(device)).KeyRef! };
        for (var renewal = 0; renewal < 3; renewal++)
        {
            var current = Certificate.FromDer((await StatusOf(device)).Certificate!);
            ClockActor.Tell(new RunUntil(DeviceState.RenewalDue(current, 0.75, TimeSpan.FromDays(1))));
            await Idle();
            used.Add((await StatusOf(device)).KeyRef!);
        }

        var status = await StatusOf(device);
        Assert.Equal(4, status.CertificatesInstalled);
        Assert.Equal(4, used.Distinct(StringComparer.Ordinal).Count());
        foreach (var old in used[..^1]) Assert.Throws<KeyNotAvailableException>(() => Vault.Load(old));
        // The key folder holds the live key and nothing else (a TPM or HSM also keeps its storage seed, which is no key).
        Assert.Equal([KeyFileOf(status.KeyRef!)], KeyFiles(DeviceId));
        // Journaled: one key.destroyed per superseded key, naming it and the certificate that superseded it.
        var destroyed = (await JournalOf(DeviceId)).OfType<KeyDestroyed>().ToList();
        Assert.Equal(used[..^1], destroyed.Select(d => d.KeyRef));
        Assert.All(destroyed, d => Assert.StartsWith("superseded by the key of certificate ", d.Reason, StringComparison.Ordinal));
        await AssertOpenSslVerifiesASignatureOfAsync(status.KeyRef!, Certificate.FromDer(status.Certificate!));

        // A restart neither destroys more nor journals anything again, and the live key is still there.
        var events = (await JournalOf(DeviceId)).Count;
        Kill(device);
        var revived = StartDevice(ca, Settings with { KeyStorage = kind });
        await Idle();
        Assert.Equal(events, (await JournalOf(DeviceId)).Count);
        Assert.Equal(Certificate.FromDer(status.Certificate!).PublicKey, Vault.Load((await StatusOf(revived)).KeyRef!).PublicKey);
    }

    [Theory]
    [InlineData(KeyStoreKind.Software, false)]
    [InlineData(KeyStoreKind.Tpm, false)]
    [InlineData(KeyStoreKind.Software, true)]
    [InlineData(KeyStoreKind.Hsm, true)]
    public async Task A_device_killed_between_install_and_destruction_destroys_only_the_superseded_key_at_recovery(KeyStoreKind kind, bool destructionJournaled)
    {
        // The journal a kill leaves: the new key's certificate installed, and the old key's destruction either not journaled yet or
        // journaled while the store had not forgotten the key yet. Both keys are in the store.
        var ca = StartCa();
        await Idle();
        var (oldRef, oldKey) = Vault.Generate(Run, DeviceId, kind, KeyAlgorithm.EcdsaP256, Entropy.For(DeviceId, "test-key", 0));
        var (liveRef, liveKey) = Vault.Generate(Run, DeviceId, kind, KeyAlgorithm.EcdsaP256, Entropy.For(DeviceId, "test-key", 1));
        var oldGranted = await IssueAsync(ca, oldKey);
        var liveGranted = await IssueAsync(ca, liveKey);
        List<object> journal =
        [
            new DeviceKeyGenerated(Run, T0, DeviceId, oldRef, "EcdsaP256", oldKey.PublicKey.SubjectPublicKeyInfo, KeyRefs.Text(kind)),
            new DeviceCertificateInstalled(Run, T0, DeviceId, oldGranted.CertificateDer, oldGranted.IssuerCertificateDer),
            new DeviceKeyGenerated(Run, T0, DeviceId, liveRef, "EcdsaP256", liveKey.PublicKey.SubjectPublicKeyInfo, KeyRefs.Text(kind)),
            new DeviceCertificateInstalled(Run, T0, DeviceId, liveGranted.CertificateDer, liveGranted.IssuerCertificateDer),
        ];
        if (destructionJournaled) journal.Add(new KeyDestroyed(Run, T0, DeviceId, oldRef, "superseded by the key of certificate " + Certificate.FromDer(liveGranted.CertificateDer).SerialNumber.Hex));
        Sys.ActorOf(Akka.Actor.Props.Create(() => new JournalWriter(EntityKinds.PersistenceId(EntityKinds.Device, Run, DeviceId), journal, TestActor)));
        ExpectMsg<JournalWriter.Written>();

        // Keep the live key at renewal: the renewal's request is then signed by the very key that must have survived.
        var device = StartDevice(ca, Settings with { KeyStorage = kind, RekeyOnRenewal = false });
        await Idle();

        Assert.Throws<KeyNotAvailableException>(() => Vault.Load(oldRef));
        Assert.Equal(liveKey.PublicKey, Vault.Load(liveRef).PublicKey);
        Assert.Equal([KeyFileOf(liveRef)], KeyFiles(DeviceId));
        var destroyed = (await JournalOf(DeviceId)).OfType<KeyDestroyed>().ToList();
        Assert.Equal(oldRef, Assert.Single(destroyed).KeyRef); // journaled once, whoever journaled it

        var live = Certificate.FromDer(liveGranted.CertificateDer);
        ClockActor.Tell(new RunUntil(DeviceState.RenewalDue(live, 0.75, TimeSpan.FromDays(1))));
        await Idle();
        var status = await StatusOf(device);
        Assert.Equal(3, status.CertificatesInstalled);
        Assert.Equal(live.PublicKey, Certificate.FromDer(status.Certificate!).PublicKey);
        var request = (await JournalOf(DeviceId)).OfType<DeviceEnrollmentRequested>().Last();
        var csr = Path.Combine(RepoPaths.NewScratch("key-retirement-csr"), "renewal.der");
        await File.WriteAllBytesAsync(csr, request.CsrDer);
        var verdict = await Peer.OpenSslAsync("req", "-verify", "-noout", "-inform", "DER", "-in", csr);
        Assert.True(verdict.ExitCode == 0, verdict.All);
    }

    private IActorRef StartCa()
    {
        Work.BeginStart(CaId.Value);
        return Sys.ActorOf(CaActor.Props(Run, CaId, new CaSettings("CN=Retirement Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Clock, Vault, Work, ClockActor, Entropy));
    }

    private IActorRef StartDevice(IActorRef ca, DeviceSettings settings)
    {
        Work.BeginStart(DeviceId.Value);
        return Sys.ActorOf(DeviceActor.Props(Run, DeviceId, settings, Clock, ClockActor, ca, Vault, Work, Entropy));
    }


    private static Task<DeviceStatus> StatusOf(IActorRef device) => device.Ask<DeviceStatus>(new GetDeviceStatus(), TimeSpan.FromSeconds(30));

    private static async Task<CertificateGranted> IssueAsync(IActorRef ca, ISigningKey key)
    {
        var csr = CertificationRequest.Create(Settings.Subject, key);
        return await ca.Ask<CertificateGranted>(new IssueFromCsr(DeviceId, csr.GetDer(), CertificateProfile.LDevId, Settings.CertificateLifetime), TimeSpan.FromSeconds(30));
    }

    // Key files of an owner: PKCS#8 files and sealed blobs (a secure element's storage seed is not a key).
    private string[] KeyFiles(EntityId owner)
    {
        var folder = Path.Combine(Folder, "keys", Run.Value, owner.Value);
        return [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".p8", StringComparison.Ordinal) || f.EndsWith(".sealed", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Path.Combine(Folder, "keys"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    private static string KeyFileOf(string keyRef) => KeyRefs.KindOf(keyRef) switch
    {
        KeyStoreKind.Software => keyRef + ".p8",
        var kind => $"{Path.GetDirectoryName(keyRef[(keyRef.IndexOf(':', StringComparison.Ordinal) + 1)..])!.Replace('\\', '/')}/{KeyRefs.Text(kind)}/{Path.GetFileName(keyRef)}.sealed",
    };

    private async Task<IReadOnlyList<object>> JournalOf(EntityId device)
    {
        var events = await TwinJournal.Read(Sys).CurrentEventsByPersistenceId(EntityKinds.PersistenceId(EntityKinds.Device, Run, device), 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        return [.. events.Select(e => e.Event)];
    }

    // The oracle: openssl checks a signature the live key makes in its store against the public key of the certificate in use.
    private async Task AssertOpenSslVerifiesASignatureOfAsync(string keyRef, Certificate certificate)
    {
        var dir = RepoPaths.NewScratch("key-retirement-sign");
        var data = Path.Combine(dir, "data.bin");
        await File.WriteAllBytesAsync(data, "signed by the live key"u8.ToArray());
        await File.WriteAllBytesAsync(Path.Combine(dir, "data.sig"), Vault.Load(keyRef).Sign("signed by the live key"u8));
        var cert = RepoPaths.WriteText(dir, "cert.pem", certificate.ToPem());
        var pub = await Peer.OpenSslAsync("x509", "-in", cert, "-pubkey", "-noout", "-out", Path.Combine(dir, "pub.pem"));
        Assert.True(pub.ExitCode == 0, pub.All);
        var verdict = await Peer.OpenSslAsync("dgst", "-sha256", "-verify", Path.Combine(dir, "pub.pem"), "-signature", Path.Combine(dir, "data.sig"), data);
        Assert.True(verdict.ExitCode == 0 && verdict.All.Contains("Verified OK", StringComparison.Ordinal), verdict.All);
    }
}
