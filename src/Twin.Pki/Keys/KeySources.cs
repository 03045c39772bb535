using System.Collections.Concurrent;
using System.Globalization;

namespace Twin.Pki.Keys;

/// <summary>Hands out fresh key pairs. The twin asks a key source instead of calling <see cref="KeyGenerator"/>, so slow RSA generation can be hidden or cached.</summary>
public interface IKeySource
{
    /// <summary>A key pair for <paramref name="purpose"/> (a device id, "ca/issuing", ...); never the same pair twice.</summary>
    KeyPair Take(KeyAlgorithm algorithm, string purpose);
}

/// <summary>
/// System-CSPRNG keys, pre-generated on background threads so that a caller rarely waits for RSA
/// (0.1–0.25 s per 2048-bit key here). When the pool is empty the caller generates inline. Thread-safe.
/// </summary>
public sealed class PooledKeySource : IKeySource
{
    private readonly ConcurrentDictionary<KeyAlgorithm, ConcurrentQueue<KeyPair>> _pools = new();
    private readonly ConcurrentDictionary<KeyAlgorithm, int> _refilling = new();
    private readonly int _target;

    /// <summary>Keeps up to <paramref name="targetPerAlgorithm"/> keys ready for each algorithm that has been asked for (or pre-warmed).</summary>
    public PooledKeySource(int targetPerAlgorithm = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetPerAlgorithm);
        _target = targetPerAlgorithm;
    }

    /// <summary>Keys ready for <paramref name="algorithm"/>.</summary>
    public int Ready(KeyAlgorithm algorithm) => _pools.TryGetValue(algorithm, out var q) ? q.Count : 0;

    /// <summary>Fills the pool for <paramref name="algorithm"/>; completes when it holds the target number of keys.</summary>
    public Task WarmUpAsync(KeyAlgorithm algorithm, CancellationToken cancellationToken = default) =>
        Task.Run(() => Fill(algorithm, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public KeyPair Take(KeyAlgorithm algorithm, string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        var pool = _pools.GetOrAdd(algorithm, _ => new ConcurrentQueue<KeyPair>());
        var key = pool.TryDequeue(out var ready) ? ready : KeyGenerator.Generate(algorithm);
        if (pool.Count < _target && _refilling.TryAdd(algorithm, 1))
            _ = Task.Run(() =>
            {
                try { Fill(algorithm, CancellationToken.None); }
                finally { _refilling.TryRemove(algorithm, out _); }
            });
        return key;
    }

    private void Fill(KeyAlgorithm algorithm, CancellationToken cancellationToken)
    {
        var pool = _pools.GetOrAdd(algorithm, _ => new ConcurrentQueue<KeyPair>());
        while (pool.Count < _target && !cancellationToken.IsCancellationRequested)
            pool.Enqueue(KeyGenerator.Generate(algorithm));
    }

    /// <inheritdoc />
    public override string ToString() => $"PooledKeySource(system CSPRNG, target {_target})";
}

/// <summary>
/// SIMULATION ONLY: keys derived from (seed, purpose, algorithm, index), so a run repeats bit for bit and the
/// n-th key for a purpose does not depend on what other purposes asked for. With a cache folder, generated keys are
/// kept as PKCS#8 files under seed/purpose/ and read back next time, which makes seeded RSA runs fast after the first.
/// </summary>
public sealed class SeededKeySource : IKeySource
{
    private readonly long _seed;
    private readonly string? _cacheFolder;
    private readonly ConcurrentDictionary<(KeyAlgorithm, string), int> _next = new();

    /// <summary>Creates the source; <paramref name="cacheFolder"/> may be null for no disk cache.</summary>
    public SeededKeySource(long seed, string? cacheFolder = null)
    {
        _seed = seed;
        _cacheFolder = cacheFolder;
    }

    /// <inheritdoc />
    public KeyPair Take(KeyAlgorithm algorithm, string purpose)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        var index = _next.AddOrUpdate((algorithm, purpose), 0, (_, i) => i + 1);
        return Get(algorithm, purpose, index);
    }

    /// <summary>The key for (seed, purpose, algorithm, index), from the cache when present.</summary>
    public KeyPair Get(KeyAlgorithm algorithm, string purpose, int index)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(purpose);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var file = CacheFile(algorithm, purpose, index);
        if (file is not null && File.Exists(file))
        {
            var cached = KeyPair.ImportPkcs8(File.ReadAllBytes(file));
            if (cached.Algorithm == algorithm) return cached;
        }
        var stream = string.Create(CultureInfo.InvariantCulture, $"{purpose}\u0000{algorithm}\u0000{index}");
        var key = KeyGenerator.Generate(algorithm, PkiRandom.SimulationOnlySeeded(_seed, stream));
        if (file is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllBytes(temp, key.ExportPkcs8());
            File.Move(temp, file, overwrite: true);
        }
        return key;
    }

    private string? CacheFile(KeyAlgorithm algorithm, string purpose, int index)
    {
        if (_cacheFolder is null) return null;
        // Purposes are free text: hex keeps every one a distinct, legal file name.
        var safe = Convert.ToHexStringLower(global::System.Text.Encoding.UTF8.GetBytes(purpose));
        return Path.Combine(_cacheFolder, _seed.ToString(CultureInfo.InvariantCulture), safe, $"{algorithm}-{index.ToString(CultureInfo.InvariantCulture)}.p8");
    }

    /// <inheritdoc />
    public override string ToString() => $"SeededKeySource(seed {_seed}, SIMULATION ONLY{(_cacheFolder is null ? "" : ", cached")})";
}
