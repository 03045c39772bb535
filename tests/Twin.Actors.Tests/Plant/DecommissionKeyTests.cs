using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// The keys a device stops using are destroyed, journaled first. A gateway produced by a manufacturer (IDevID key), onboarded
/// by BRSKI into one domain and by CMP into a second, renews in both with new keys: each renewal's superseded key is destroyed in
/// each domain (key.destroyed), and at its decommissioning every key it still holds — IDevID, LDevID, the second domain's key — is
/// listed in the event and gone from the store. Oracles: the key folder's files; for PKCS#11, pkcs11-tool's object list.
/// </summary>
[Collection(SoftHsmTokenTurns.Name)]
public sealed class DecommissionKeyTests
{
    private static string Yaml(string run, string keyStorage) => $$"""
        name: Decommissioning destroys keys
        run: {{run}}
        seed: 17
        start: 2030-01-01T00:00:00Z
        duration: P4D
        clock: { mode: max }
        design: { onboarding: brski, deviceLifetime: P2D, keyStorage: {{keyStorage}} }
        topology:
          rootCa: { id: ca-root, subject: "CN=Root,O=PlantTrust" }
          cas:
            - { id: ca-line-a, parent: ca-root, subject: "CN=Line A Issuing,O=PlantTrust" }
            - { id: ca-line-b, parent: ca-root, subject: "CN=Line B Issuing,O=PlantTrust" }
          manufacturers:
            - { id: maker, subject: "C=DE,O=Maker,CN=Maker CA", makes: [gateway, sensor] }
          devices:
            - { id: gateway, subject: "CN=gateway,O=PlantTrust" }
            - { id: sensor, subject: "CN=sensor,O=PlantTrust" }
          domains:
            - { name: line-a, issuingCa: ca-line-a, members: [gateway, sensor], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
            - { name: line-b, issuingCa: ca-line-b, members: [gateway], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
        timeline:
          - { at: P3DT12H, action: decommission, target: gateway }
        """;

    [Theory]
    [InlineData("software")]
    [InlineData("{ device: tpm }")]
    [InlineData("{ device: pkcs11 }")]
    public async Task A_decommissioned_gateway_leaves_no_key_and_each_rekey_destroyed_the_superseded_key_in_each_domain(string keyStorage)
    {
        var name = "decommission-keys-" + (keyStorage.Contains("tpm", StringComparison.Ordinal) ? "tpm" : keyStorage.Contains("pkcs11", StringComparison.Ordinal) ? "pkcs11" : "software");
        var folder = RepoPaths.NewScratch(name);
        var spec = ScenarioLoader.Load(Yaml(name, keyStorage), name + ".yaml").ToPlant();

        var outcome = await PlantRun.ToEndAsync(spec, name, folder: folder);
        var journal = outcome.Journal.Where(e => e.Entity.Value == "gateway").ToList();

        // Both domains renewed with new keys before the decommissioning; each superseded key was destroyed, named by its domain.
        var lineB = journal.OfType<GatewayDomainRequested>().Select(r => r.KeyRef).Distinct(StringComparer.Ordinal).ToList();
        var installedB = journal.OfType<GatewayCredentialInstalled>().ToList();
        Assert.True(installedB.Count >= 2, $"line-b: {installedB.Count} credential(s) installed");
        var destroyed = journal.OfType<KeyDestroyed>().ToList();
        var retiredB = destroyed.Where(d => d.Reason.StartsWith("superseded in domain line-b ", StringComparison.Ordinal)).Select(d => d.KeyRef).ToList();
        Assert.Equal(lineB.Where(k => k != installedB[^1].KeyRef), retiredB);
        var lineA = journal.OfType<DeviceKeyGenerated>().Select(k => k.KeyRef).ToList();
        Assert.True(lineA.Count >= 2, $"line-a: {lineA.Count} key(s)");
        Assert.Equal(lineA[..^1], destroyed.Where(d => d.Reason.StartsWith("superseded by the key of certificate ", StringComparison.Ordinal)).Select(d => d.KeyRef));

        // The decommissioning names what was left: the IDevID key, the live LDevID key, the live line-b key — and the store holds none.
        var idevid = Assert.Single(journal.OfType<DeviceIdevidInstalled>()).KeyRef;
        var decommissioned = Assert.Single(journal.OfType<DeviceDecommissioned>());
        Assert.Equal([idevid, lineA[^1], installedB[^1].KeyRef], decommissioned.DestroyedKeyRefs);
        using var vault = new FileKeyVault(Path.Combine(folder, "keys"));
        Assert.All(lineA.Concat(lineB).Append(idevid), keyRef => Assert.Throws<KeyNotAvailableException>(() => vault.Load(keyRef)));
        Assert.Empty(KeyFiles(folder, spec.Run, "gateway"));

        // The sensor, never decommissioned, keeps its IDevID key and its live key.
        var sensor = outcome.Journal.Where(e => e.Entity.Value == "sensor").ToList();
        Assert.NotNull(vault.Load(sensor.OfType<DeviceIdevidInstalled>().Single().KeyRef));
        Assert.NotNull(vault.Load(sensor.OfType<DeviceKeyGenerated>().Last().KeyRef));

        if (keyStorage.Contains("pkcs11", StringComparison.Ordinal))
        {
            // pkcs11-tool reads the token: no private key object of the gateway is left; the sensor's two are there.
            var objects = await Pkcs11KeyStorageTests.TokenPrivateKeysAsync(spec.Run);
            Assert.DoesNotContain(objects, o => o.Label.StartsWith($"{spec.Run.Value}/gateway/", StringComparison.Ordinal));
            Assert.Equal(2, objects.Count(o => o.Label.StartsWith($"{spec.Run.Value}/sensor/", StringComparison.Ordinal)));
        }
        else
        {
            Assert.Equal(2, KeyFiles(folder, spec.Run, "sensor").Length);
        }
    }

    private static string[] KeyFiles(string folder, RunId run, string owner)
    {
        var keys = Path.Combine(folder, "keys", run.Value, owner);
        return Directory.Exists(keys)
            ? [.. Directory.GetFiles(keys, "*", SearchOption.AllDirectories).Where(f => f.EndsWith(".p8", StringComparison.Ordinal) || f.EndsWith(".sealed", StringComparison.Ordinal))]
            : [];
    }
}
