using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Keys;

/// <summary>Key sources: background pre-generation from the CSPRNG, and seeded simulation keys cached on disk.</summary>
public sealed class KeySourceTests
{
    [Fact]
    public async Task Pooled_source_hands_out_pregenerated_distinct_keys()
    {
        var source = new PooledKeySource(targetPerAlgorithm: 3);

        await source.WarmUpAsync(KeyAlgorithm.EcdsaP256);
        var ready = source.Ready(KeyAlgorithm.EcdsaP256);
        var keys = Enumerable.Range(0, 5).Select(i => source.Take(KeyAlgorithm.EcdsaP256, "dev-" + i)).ToList();

        Assert.Equal(3, ready);
        Assert.Equal(5, keys.Select(k => k.PublicKey.Fingerprint).Distinct().Count());
    }

    [Fact]
    public void Seeded_source_repeats_per_seed_purpose_and_index_and_separates_purposes()
    {
        var a = new SeededKeySource(42);
        var b = new SeededKeySource(42);

        var a1 = a.Take(KeyAlgorithm.EcdsaP256, "pea-1");
        var a2 = a.Take(KeyAlgorithm.EcdsaP256, "pea-1");
        _ = b.Take(KeyAlgorithm.EcdsaP256, "pea-2"); // other purposes do not shift the sequence
        var b1 = b.Take(KeyAlgorithm.EcdsaP256, "pea-1");

        Assert.Equal(a1.PublicKey, b1.PublicKey);
        Assert.NotEqual(a1.PublicKey, a2.PublicKey);
        Assert.NotEqual(a1.PublicKey, new SeededKeySource(43).Take(KeyAlgorithm.EcdsaP256, "pea-1").PublicKey);
        Assert.Contains("SIMULATION ONLY", a.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Seeded_rsa_keys_are_cached_on_disk_by_seed_purpose_and_index()
    {
        var folder = RepoPaths.NewScratch("pki-keycache");
        var first = new SeededKeySource(7, folder).Get(KeyAlgorithm.Rsa2048, "ca/issuing", 0);
        var files = Directory.GetFiles(folder, "*.p8", SearchOption.AllDirectories);

        var second = new SeededKeySource(7, folder).Get(KeyAlgorithm.Rsa2048, "ca/issuing", 0);
        var uncached = new SeededKeySource(7).Get(KeyAlgorithm.Rsa2048, "ca/issuing", 0);

        Assert.Single(files);
        Assert.Contains(Path.Combine("7", Convert.ToHexStringLower("ca/issuing"u8)), files[0], StringComparison.Ordinal);
        Assert.Equal(first.PublicKey, second.PublicKey);
        Assert.Equal(first.PublicKey, uncached.PublicKey);
    }
}
