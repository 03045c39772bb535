using System.Globalization;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// design.keyStorage in a running plant: CAs with their keys in a simulated HSM, a PEA server and the POL with theirs in a
/// simulated TPM. Keys are generated inside and never exported, yet the CAs issue, the devices renew, and the PEA serves real
/// secure OPC UA sessions to the POL, its RSA decryptions and signatures done by the TPM.
/// </summary>
public sealed class KeyStorageTests
{
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly EntityId Root = new("ca-root");
    private static readonly EntityId Issuing = new("ca-issuing");
    private static readonly EntityId Pea = new("pea-01");
    private static readonly EntityId Pol = new("pol");

    private static PlantSpec PolPea(KeyStoreKind authorities, KeyStoreKind devices) =>
        new(new RunId("key-storage"), Start, 1, StartRunning: true,
            [
                (Root, new CaSettings("CN=Root,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)) { KeyStorage = authorities }),
                (Issuing, new CaSettings("CN=Issuing,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1825)) { Parent = Root, KeyStorage = authorities }),
            ],
            [
                (Pea, new DeviceSettings(Issuing, "CN=pea-01,O=Operator", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(2))
                {
                    OpcUaApplicationUri = "urn:planttrust:key-storage:pea-01",
                    ServesOpcUa = true,
                    KeyStorage = devices,
                }),
                (Pol, new DeviceSettings(Issuing, "CN=pol,O=Operator", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(2))
                {
                    OpcUaApplicationUri = "urn:planttrust:key-storage:pol",
                    ProbeTargets = [Pea],
                    ProbeInterval = TimeSpan.FromHours(12),
                    KeyStorage = devices,
                }),
            ])
        {
            Mode = ClockMode.Max,
            Seed = 11,
            Until = Start.Add(TimeSpan.FromDays(5)),
        };

    [Fact]
    public async Task Tpm_PEA_and_POL_renew_and_hold_secure_OPC_UA_sessions_under_CAs_whose_keys_stay_in_an_HSM()
    {
        var folder = RepoPaths.NewScratch("key-storage-tpm");

        var outcome = await PlantRun.ToEndAsync(PolPea(KeyStoreKind.Hsm, KeyStoreKind.Tpm), "key-storage-tpm", folder: folder);

        // Every probe over five days (with renewals every ~1.5 days, each with a new TPM key) opened a secure session.
        var attempts = outcome.Events.Where(e => e.Entity == Pol && e.Kind == "pol.attempt").ToList();
        Assert.True(attempts.Count >= 8, $"only {attempts.Count} attempts");
        Assert.All(attempts, a => Assert.StartsWith("secure OPC UA session", a.Summary, StringComparison.Ordinal));
        var link = Assert.Single(outcome.Metrics.Links);
        Assert.Equal(link.Attempts, link.Good);

        var generated = outcome.Journal.OfType<DeviceKeyGenerated>().Where(k => k.Entity == Pea).ToList();
        Assert.True(generated.Count >= 3, $"{generated.Count} PEA keys: it should have renewed with a new key");
        Assert.All(generated, k => Assert.Equal(("tpm", KeyStoreKind.Tpm), (k.KeyStore, KeyRefs.KindOf(k.KeyRef))));
        Assert.All(outcome.Journal.OfType<RootCaCreated>(), r => Assert.Equal(KeyStoreKind.Hsm, KeyRefs.KindOf(r.KeyRef)));
        Assert.All(outcome.Journal.OfType<SubordinateCaCertified>(), s => Assert.Equal(KeyStoreKind.Hsm, KeyRefs.KindOf(s.KeyRef)));
        Assert.Equal(KeyStores.Tpm, outcome.Snapshot.Entities[Pea.Value].KeyStore);
        Assert.Equal(KeyStores.Hsm, outcome.Snapshot.Entities[Root.Value].KeyStore);
        Assert.Equal(KeyStores.Hsm, outcome.Snapshot.Entities[Issuing.Value].KeyStore);

        // No key in the folder in a form anything could read: no PKCS#8 files, only sealed blobs and element seeds.
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "keys"), "*.p8", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(folder, "keys"), "*.sealed", SearchOption.AllDirectories));
        var vault = new FileKeyVault(Path.Combine(folder, "keys"));
        Assert.Throws<Twin.Pki.KeyExportRefusedException>(() => vault.Export(generated[^1].KeyRef));
        Assert.Equal(generated[^1].PublicKeyInfo, vault.Load(generated[^1].KeyRef).PublicKey.SubjectPublicKeyInfo);

        await AssertOpenSslAcceptsAsync(outcome);
    }

    [Theory]
    [InlineData(KeyStoreKind.Software)]
    [InlineData(KeyStoreKind.Tpm)]
    [InlineData(KeyStoreKind.Hsm)]
    public async Task Two_max_mode_runs_with_one_seed_give_one_digest_for_each_key_store_kind(KeyStoreKind kind)
    {
        var first = await PlantRun.ToEndAsync(WithStorage(DeterminismTests.Spec(seed: 7), kind), "determinism-" + KeyRefs.Text(kind));
        var second = await PlantRun.ToEndAsync(WithStorage(DeterminismTests.Spec(seed: 7), kind), "determinism-" + KeyRefs.Text(kind));

        Assert.Equal(first.DigestLines, second.DigestLines);
        Assert.Equal(first.Digest, second.Digest);
        Assert.All(first.Journal.OfType<DeviceKeyGenerated>(), k => Assert.Equal(KeyRefs.Text(kind), k.KeyStore));
        Assert.True(first.Journal.OfType<DeviceKeyGenerated>().Count() > 4, "the devices generated no keys");
    }

    /// <summary>Every key reference the run journaled (any event's KeyRef) and did not journal as destroyed, sorted.</summary>
    internal static IReadOnlyList<string> LiveKeyRefs(IEnumerable<Twin.Actors.Protocol.ITwinEvent> journal)
    {
        var events = journal.ToList();
        var destroyed = events.OfType<KeyDestroyed>().Select(d => d.KeyRef).ToHashSet(StringComparer.Ordinal);
        return [.. events.Where(e => e is not KeyDestroyed)
            .Select(e => e.GetType().GetProperty("KeyRef")?.GetValue(e) as string)
            .OfType<string>().Distinct(StringComparer.Ordinal).Where(r => !destroyed.Contains(r)).Order(StringComparer.Ordinal)];
    }

    /// <summary>The references of the software key files under <paramref name="keys"/> (RUN/OWNER/FP16), sorted.</summary>
    internal static IReadOnlyList<string> SoftwareKeyFiles(string keys) =>
        [.. Directory.GetFiles(keys, "*.p8", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(keys, f)[..^".p8".Length].Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static PlantSpec WithStorage(PlantSpec spec, KeyStoreKind kind) => spec with
    {
        Authorities = [.. spec.Authorities.Select(a => (a.Id, a.Settings with { KeyStorage = kind }))],
        Devices = [.. spec.Devices.Select(d => (d.Id, d.Settings with { KeyStorage = kind }))],
    };

    // The oracle: openssl checks every PEA certificate against the HSM-signed chain at an instant it was valid, and every
    // CSR the TPM signed.
    private static async Task AssertOpenSslAcceptsAsync(PlantRun.Outcome outcome)
    {
        var dir = RepoPaths.NewScratch("key-storage-oracle");
        var root = RepoPaths.WriteText(dir, "root.pem", Certificate.FromDer([.. outcome.Snapshot.Entities[Root.Value].Certificates[0].Der]).ToPem());
        var issuing = RepoPaths.WriteText(dir, "issuing.pem", Certificate.FromDer([.. outcome.Snapshot.Entities[Issuing.Value].Certificates[0].Der]).ToPem());
        var certificates = outcome.Snapshot.Entities[Pea.Value].Certificates;
        Assert.True(certificates.Count >= 3, $"{certificates.Count} PEA certificates");
        foreach (var view in certificates)
        {
            var leaf = RepoPaths.WriteText(dir, $"pea-{view.SerialHex}.pem", Certificate.FromDer([.. view.Der]).ToPem());
            var at = view.NotBefore.AddHours(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var verdict = await Peer.OpenSslAsync("verify", "-attime", at, "-CAfile", root, "-untrusted", issuing, leaf);
            Assert.True(verdict.ExitCode == 0, verdict.All);
        }
        var csrs = outcome.Journal.OfType<DeviceEnrollmentRequested>().Where(r => r.Entity == Pea).ToList();
        Assert.NotEmpty(csrs);
        foreach (var (csr, i) in csrs.Select((c, i) => (c, i)))
        {
            var path = Path.Combine(dir, $"csr-{i}.der");
            await File.WriteAllBytesAsync(path, csr.CsrDer);
            var verdict = await Peer.OpenSslAsync("req", "-verify", "-noout", "-inform", "DER", "-in", path);
            Assert.True(verdict.ExitCode == 0, verdict.All);
        }
    }
}
