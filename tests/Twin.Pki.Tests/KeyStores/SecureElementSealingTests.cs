using Twin.Pki.Keys;
using Twin.Pki.KeyStores;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.KeyStores;

/// <summary>
/// The secure element's storage hierarchy: a key leaves only as a blob sealed under the element's storage key, which
/// loads back in an element with the same seed and nowhere else; its signatures are deterministic and standard.
/// </summary>
public sealed class SecureElementSealingTests
{
    private static byte[] Seed(byte fill) => Enumerable.Repeat(fill, SecureElementKeyStore.StorageSeedLength).ToArray();

    [Fact]
    public void A_sealed_blob_loads_in_an_element_with_the_same_seed_and_signs_as_the_original()
    {
        var element = new SecureElementKeyStore("tpm", Seed(1));
        var (key, label) = element.Generate(p => p.Fingerprint[..16], KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(7, "element"));
        var blob = element.ExportSealed(label);

        var restarted = new SecureElementKeyStore("tpm", Seed(1));
        var loaded = restarted.LoadSealed(label, blob);

        Assert.Equal(key.PublicKey, loaded.PublicKey);
        Assert.Equal(key.Sign([1, 2, 3]), loaded.Sign([1, 2, 3])); // RFC 6979: same key, same message, same signature
        Assert.DoesNotContain(Convert.ToHexString(blob), Convert.ToHexString(KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(7, "element")).ExportPkcs8()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sealed_blob_does_not_load_in_another_element_under_another_label_or_altered()
    {
        var element = new SecureElementKeyStore("tpm", Seed(1));
        var (_, label) = element.Generate(p => p.Fingerprint[..16], KeyAlgorithm.EcdsaP256);
        var blob = element.ExportSealed(label);
        var altered = (byte[])blob.Clone();
        altered[^1] ^= 1;

        Assert.Throws<PolicyViolationException>(() => new SecureElementKeyStore("other", Seed(2)).LoadSealed(label, blob));
        Assert.Throws<PolicyViolationException>(() => new SecureElementKeyStore("tpm", Seed(1)).LoadSealed("another-label", blob));
        Assert.Throws<PolicyViolationException>(() => new SecureElementKeyStore("tpm", Seed(1)).LoadSealed(label, altered));
        Assert.Throws<PkiFormatException>(() => new SecureElementKeyStore("tpm", Seed(1)).LoadSealed(label, [9, 9, 9]));
    }

    [Fact]
    public async Task Element_ECDSA_signatures_are_deterministic_and_openssl_verifies_them()
    {
        var element = new SecureElementKeyStore();
        var key = element.Generate("device", KeyAlgorithm.EcdsaP256);
        var data = "to be signed"u8.ToArray();

        var signature = key.Sign(data);

        Assert.Equal(signature, key.Sign(data));
        var dir = RepoPaths.NewScratch("element-sign");
        var publicPem = RepoPaths.WriteText(dir, "pub.pem", key.PublicKey.ToPem());
        await File.WriteAllBytesAsync(Path.Combine(dir, "data"), data);
        await File.WriteAllBytesAsync(Path.Combine(dir, "sig"), signature);
        var openssl = await Peer.OpenSslAsync("dgst", "-sha256", "-verify", publicPem, "-signature", Path.Combine(dir, "sig"), Path.Combine(dir, "data"));
        Assert.True(openssl.ExitCode == 0, openssl.All);
    }

    [Fact]
    public void Drawing_the_same_key_again_returns_the_key_held_and_a_different_key_under_a_taken_label_is_refused()
    {
        var element = new SecureElementKeyStore();
        var first = element.Generate(_ => "k", KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(3, "element"));

        var again = element.Generate(_ => "k", KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(3, "element"));

        Assert.Same(first.Key, again.Key);
        Assert.Throws<PolicyViolationException>(() => element.Generate(_ => "k", KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(4, "element")));
    }
}
