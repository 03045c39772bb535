using System.Globalization;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// design.keyStorage pkcs11 in a running plant: the CAs' and the devices' keys are generated on a SoftHSM2 token the twin sets up
/// in its key folder, as sensitive and non-extractable objects; certificates, CRLs and CSRs are signed on the token. Oracles:
/// pkcs11-tool (OpenSC) reads the token's objects, openssl checks what the token signed.
/// </summary>
[Collection(SoftHsmTokenTurns.Name)]
public sealed class Pkcs11KeyStorageTests
{
    [Fact]
    public async Task CAs_and_devices_sign_on_a_SoftHSM2_token_whose_keys_are_non_extractable_and_only_the_live_ones_remain()
    {
        Assert.True(SoftHsmToken.Available, $"SoftHSM2 is missing ({SoftHsmToken.Library}); tests/peers/apt-packages.txt lists softhsm2.");
        var run = new RunId("pkcs11-plant");
        var folder = RepoPaths.NewScratch("pkcs11-plant");

        var outcome = await PlantRun.ToEndAsync(OnToken(DeterminismTests.Spec(seed: 7)) with { Run = run }, "pkcs11-plant", folder: folder);

        var generated = outcome.Journal.OfType<DeviceKeyGenerated>().ToList();
        Assert.True(generated.Count > 4, $"only {generated.Count} device keys: the devices should have renewed with new keys");
        Assert.All(generated, k => Assert.Equal(("pkcs11", KeyStoreKind.Pkcs11), (k.KeyStore, KeyRefs.KindOf(k.KeyRef))));
        Assert.Equal(KeyStoreKind.Pkcs11, KeyRefs.KindOf(Assert.Single(outcome.Journal.OfType<RootCaCreated>()).KeyRef));
        Assert.Equal(KeyStoreKind.Pkcs11, KeyRefs.KindOf(Assert.Single(outcome.Journal.OfType<SubordinateCaCertified>()).KeyRef));
        Assert.Equal(Twin.Actors.Projections.KeyStores.Pkcs11, outcome.Snapshot.Entities["device-001"].KeyStore);
        // No key in a file the twin could read: no PKCS#8 files, no sealed blobs.
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "keys"), "*.p8", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(Path.Combine(folder, "keys"), "*.sealed", SearchOption.AllDirectories));
        var vault = new FileKeyVault(Path.Combine(folder, "keys"));
        Assert.Throws<Twin.Pki.KeyExportRefusedException>(() => vault.Export(generated[^1].KeyRef));

        // The token, read by pkcs11-tool: this run's private keys are the live ones only (two CAs, four devices; every superseded
        // device key was destroyed on the token), each sensitive and never extractable.
        var objects = await TokenPrivateKeysAsync(run);
        var destroyed = outcome.Journal.OfType<KeyDestroyed>().Select(d => d.KeyRef).ToHashSet(StringComparer.Ordinal);
        var live = generated.Select(k => k.KeyRef)
            .Append(outcome.Journal.OfType<RootCaCreated>().Single().KeyRef)
            .Append(outcome.Journal.OfType<SubordinateCaCertified>().Single().KeyRef)
            .Where(r => !destroyed.Contains(r))
            .Select(r => r["pkcs11:".Length..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, live.Count);
        Assert.Equal(live, objects.Select(o => o.Label).Order(StringComparer.Ordinal));
        Assert.All(objects, o => Assert.True(o.Access.Contains("never extractable", StringComparison.Ordinal) && o.Access.Contains("always sensitive", StringComparison.Ordinal), $"{o.Label}: {o.Access}"));

        await AssertOpenSslAcceptsAsync(outcome);
    }

    [Fact]
    public async Task Two_max_mode_runs_with_one_seed_journal_the_same_events_at_the_same_instants_but_not_the_same_bytes()
    {
        var first = await PlantRun.ToEndAsync(OnToken(DeterminismTests.Spec(seed: 7)) with { Run = new RunId("pkcs11-determinism") }, "pkcs11-determinism");
        var second = await PlantRun.ToEndAsync(OnToken(DeterminismTests.Spec(seed: 7)) with { Run = new RunId("pkcs11-determinism") }, "pkcs11-determinism");

        // Instant, entity and kind of every event agree; the payloads differ, because the token draws keys and ECDSA nonces
        // from its own randomness (docs/architecture.md, "Determinism").
        Assert.Equal(first.DigestLines.Select(WithoutPayload), second.DigestLines.Select(WithoutPayload));
        Assert.NotEqual(first.Digest, second.Digest);
        Assert.True(first.Journal.OfType<DeviceKeyGenerated>().Count() > 4, "the devices generated no keys");
    }

    private static string WithoutPayload(string line) => line[..line.LastIndexOf(' ')];

    private static PlantSpec OnToken(PlantSpec spec) => spec with
    {
        Authorities = [.. spec.Authorities.Select(a => (a.Id, a.Settings with { KeyStorage = KeyStoreKind.Pkcs11 }))],
        Devices = [.. spec.Devices.Select(d => (d.Id, d.Settings with { KeyStorage = KeyStoreKind.Pkcs11 }))],
    };

    internal sealed record TokenObject(string Label, string Access);

    // pkcs11-tool -O: "Private Key Object; EC" followed by indented "label:" and "Access:" lines.
    internal static async Task<IReadOnlyList<TokenObject>> TokenPrivateKeysAsync(RunId run)
    {
        var folder = SoftHsmToken.Folder ?? throw new InvalidOperationException("the twin opened no token");
        var pin = (await File.ReadAllLinesAsync(Path.Combine(folder, "token.pins")))[0];
        var listed = await Peer.RunAsync("pkcs11-tool", ["--module", SoftHsmToken.Library, "--token-label", SoftHsmToken.TokenLabel, "--login", "--pin", pin, "--list-objects", "--type", "privkey"],
            environment: new Dictionary<string, string> { ["SOFTHSM2_CONF"] = Path.Combine(folder, "softhsm2.conf") });
        Assert.True(listed.ExitCode == 0, listed.All);
        var objects = new List<TokenObject>();
        string? label = null;
        foreach (var line in listed.StdOut.Split('\n'))
        {
            var text = line.Trim();
            if (text.StartsWith("Private Key Object", StringComparison.Ordinal)) label = null;
            else if (text.StartsWith("label:", StringComparison.Ordinal)) label = text["label:".Length..].Trim();
            else if (text.StartsWith("Access:", StringComparison.Ordinal) && label is not null && label.StartsWith(run.Value + "/", StringComparison.Ordinal))
                objects.Add(new TokenObject(label, text["Access:".Length..].Trim()));
        }
        return objects;
    }

    // openssl checks every device certificate against the token-signed chain at an instant it was valid, and every CSR the token signed.
    private static async Task AssertOpenSslAcceptsAsync(PlantRun.Outcome outcome)
    {
        var dir = RepoPaths.NewScratch("pkcs11-oracle");
        var root = RepoPaths.WriteText(dir, "root.pem", Certificate.FromDer([.. outcome.Snapshot.Entities["ca-root"].Certificates[0].Der]).ToPem());
        var issuing = RepoPaths.WriteText(dir, "issuing.pem", Certificate.FromDer([.. outcome.Snapshot.Entities["ca-issuing"].Certificates[0].Der]).ToPem());
        var certificates = outcome.Snapshot.Entities["device-001"].Certificates;
        Assert.True(certificates.Count >= 3, $"{certificates.Count} device certificates");
        foreach (var view in certificates)
        {
            var leaf = RepoPaths.WriteText(dir, $"device-{view.SerialHex}.pem", Certificate.FromDer([.. view.Der]).ToPem());
            var at = view.NotBefore.AddMinutes(30).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var verdict = await Peer.OpenSslAsync("verify", "-attime", at, "-CAfile", root, "-untrusted", issuing, leaf);
            Assert.True(verdict.ExitCode == 0, verdict.All);
        }
        var csrs = outcome.Journal.OfType<DeviceEnrollmentRequested>().ToList();
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
