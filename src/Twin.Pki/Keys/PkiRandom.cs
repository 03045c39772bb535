using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Prng;
using Org.BouncyCastle.Security;

namespace Twin.Pki.Keys;

/// <summary>
/// The randomness behind keys, serials and signatures. <see cref="System"/> is the operating
/// system's CSPRNG; <see cref="SimulationOnlySeeded"/> is deterministic and exists only so that a
/// simulation run can be repeated bit for bit — its keys are not secret to anyone who knows the seed.
/// </summary>
public sealed class PkiRandom
{
    private PkiRandom(SecureRandom random, bool isSeeded)
    {
        Random = random;
        IsSimulationOnly = isSeeded;
    }

    /// <summary>The operating system's CSPRNG: the default everywhere outside seeded simulation runs.</summary>
    public static PkiRandom System { get; } = new(new SecureRandom(), isSeeded: false);

    /// <summary>True when keys drawn from this source are reproducible from a seed and must never protect anything real.</summary>
    public bool IsSimulationOnly { get; }

    internal SecureRandom Random { get; }

    /// <summary>
    /// A deterministic source for simulation runs: the same seed and stream name give the same
    /// sequence of keys and serials. SIMULATION ONLY — the keys are predictable.
    /// </summary>
    public static PkiRandom SimulationOnlySeeded(long seed, string stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var generator = new DigestRandomGenerator(new Sha256Digest());
        generator.AddSeedMaterial(seed);
        generator.AddSeedMaterial(global::System.Text.Encoding.UTF8.GetBytes(stream));
        return new PkiRandom(new SecureRandom(generator), isSeeded: true);
    }

    /// <summary>Fills <paramref name="buffer"/> with random bytes from this source.</summary>
    public void NextBytes(Span<byte> buffer) => Random.NextBytes(buffer);

    /// <inheritdoc />
    public override string ToString() => IsSimulationOnly ? "PkiRandom(seeded, simulation only)" : "PkiRandom(system CSPRNG)";
}
