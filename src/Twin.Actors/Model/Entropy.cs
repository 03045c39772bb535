using Twin.Pki.Keys;

namespace Twin.Actors.Model;

/// <summary>
/// Where entities draw randomness for keys, serials and signatures. Without a seed it is the
/// system CSPRNG. With a seed (simulation only) every draw comes from its own stream, named by
/// run, entity, purpose and a counter the entity keeps in its state — so a run is repeatable,
/// and a resumed run draws exactly what an uninterrupted one would have.
/// </summary>
public sealed class Entropy
{
    private readonly long? _seed;
    private readonly RunId _run;

    private Entropy(RunId run, long? seed)
    {
        _run = run;
        _seed = seed;
    }

    /// <summary>True when draws are reproducible from the seed (keys are then not secret).</summary>
    public bool IsSeeded => _seed is not null;

    /// <summary>The system CSPRNG for every draw.</summary>
    public static Entropy System(RunId run) => new(run, null);

    /// <summary>Seeded, reproducible draws. SIMULATION ONLY.</summary>
    public static Entropy SimulationOnlySeeded(RunId run, long seed) => new(run, seed);

    /// <summary>The randomness for a draw named by <paramref name="purpose"/> and <paramref name="discriminator"/> (a digest of the request it serves, say), independent of the order draws are made in.</summary>
    public PkiRandom For(EntityId entity, string purpose, string discriminator) =>
        _seed is long seed ? PkiRandom.SimulationOnlySeeded(seed, $"{_run.Value}/{entity.Value}/{purpose}/{discriminator}") : PkiRandom.System;

    /// <summary>The randomness for draw number <paramref name="index"/> of <paramref name="purpose"/> by <paramref name="entity"/>.</summary>
    public PkiRandom For(EntityId entity, string purpose, long index) =>
        _seed is long seed ? PkiRandom.SimulationOnlySeeded(seed, $"{_run.Value}/{entity.Value}/{purpose}/{index}") : PkiRandom.System;
}
