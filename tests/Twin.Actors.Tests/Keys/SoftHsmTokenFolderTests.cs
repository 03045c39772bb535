using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Tests.Plant;
using Twin.Actors.Tests.Support;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Keys;

/// <summary>
/// A PKCS#11 module serves one configuration per process at a time. A run in one data folder holds its token while its key vault is
/// open; a vault of another folder is refused then, with both folders named, and gets its own token (its own softhsm2.conf, its own
/// token folder) once the first vault is disposed — as after a <c>serve</c> Stop and a Start into another data folder. Oracle:
/// pkcs11-tool, reading each folder's token through that folder's configuration.
/// </summary>
[Collection(SoftHsmTokenTurns.Name)]
public sealed class SoftHsmTokenFolderTests
{
    private static readonly RunId Run = new("token-folders");

    [Fact]
    public async Task A_vault_of_another_folder_is_refused_while_the_first_holds_the_token_and_opens_its_own_token_after()
    {
        Assert.True(SoftHsmToken.Available, $"SoftHSM2 is missing ({SoftHsmToken.Library}); tests/peers/apt-packages.txt lists softhsm2.");
        var first = Path.Combine(RepoPaths.NewScratch("token-folder-a"), "keys");
        var second = Path.Combine(RepoPaths.NewScratch("token-folder-b"), "keys");
        string firstKey;
        using (var vault = new FileKeyVault(first))
        {
            firstKey = vault.Generate(Run, new EntityId("device-a"), KeyStoreKind.Pkcs11, KeyAlgorithm.EcdsaP256, PkiRandom.System).KeyRef;

            using var other = new FileKeyVault(second);
            var refused = Assert.Throws<KeyNotAvailableException>(() => other.Generate(Run, new EntityId("device-b"), KeyStoreKind.Pkcs11, KeyAlgorithm.EcdsaP256, PkiRandom.System));
            Assert.Contains(Path.Combine(first, "pkcs11"), refused.Message, StringComparison.Ordinal);
            Assert.Contains(Path.Combine(second, "pkcs11"), refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(File.ReadAllText(Path.Combine(first, "pkcs11", "token.pins")).Split('\n')[0], refused.Message, StringComparison.Ordinal);
        }

        string secondKey;
        using (var vault = new FileKeyVault(second))
        {
            secondKey = vault.Generate(Run, new EntityId("device-b"), KeyStoreKind.Pkcs11, KeyAlgorithm.EcdsaP256, PkiRandom.System).KeyRef;
            Assert.Equal(Path.Combine(second, "pkcs11"), SoftHsmToken.Folder);
            Assert.NotNull(vault.Load(secondKey));
            Assert.Throws<KeyNotAvailableException>(() => vault.Load(firstKey)); // the first folder's key is on the first folder's token only
        }

        Assert.Equal([firstKey["pkcs11:".Length..]], await LabelsOnTokenAsync(Path.Combine(first, "pkcs11")));
        Assert.Equal([secondKey["pkcs11:".Length..]], await LabelsOnTokenAsync(Path.Combine(second, "pkcs11")));

        // Back to the first folder (a resumed run): its token and key are there again.
        using (var vault = new FileKeyVault(first))
            Assert.NotNull(vault.Load(firstKey));
    }

    // pkcs11-tool with the folder's own configuration and user PIN: the labels of the private keys of this test's run.
    private static async Task<IReadOnlyList<string>> LabelsOnTokenAsync(string folder)
    {
        var pin = (await File.ReadAllLinesAsync(Path.Combine(folder, "token.pins")))[0];
        var listed = await Peer.RunAsync("pkcs11-tool", ["--module", SoftHsmToken.Library, "--token-label", SoftHsmToken.TokenLabel, "--login", "--pin", pin, "--list-objects", "--type", "privkey"],
            environment: new Dictionary<string, string> { ["SOFTHSM2_CONF"] = Path.Combine(folder, "softhsm2.conf") });
        Assert.True(listed.ExitCode == 0, listed.All);
        return [.. listed.StdOut.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("label:", StringComparison.Ordinal))
            .Select(l => l["label:".Length..].Trim()).Where(l => l.StartsWith(Run.Value + "/", StringComparison.Ordinal))];
    }
}
