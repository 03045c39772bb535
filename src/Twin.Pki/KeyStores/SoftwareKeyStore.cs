using Twin.Pki.Keys;

namespace Twin.Pki.KeyStores;

/// <summary>Keys in process memory, exportable as PKCS#8 for persistence by the owner. Thread-safe.</summary>
public sealed class SoftwareKeyStore : IKeyStore
{
    private readonly Dictionary<string, KeyPair> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates an empty store.</summary>
    public SoftwareKeyStore(string name = "software")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool CanExport => true;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Labels
    {
        get { lock (_gate) return [.. _keys.Keys]; }
    }

    /// <inheritdoc />
    public ISigningKey Generate(string label, KeyAlgorithm algorithm, PkiRandom? random = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var key = KeyGenerator.Generate(algorithm, random);
        Import(label, key);
        return key;
    }

    /// <summary>Takes a key generated elsewhere (for example restored from PKCS#8).</summary>
    public void Import(string label, KeyPair key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (!_keys.TryAdd(label, key))
                throw new PolicyViolationException($"Key store '{Name}': label '{label}' is taken.");
        }
    }

    /// <inheritdoc />
    public ISigningKey? Find(string label)
    {
        lock (_gate) return _keys.GetValueOrDefault(label);
    }

    /// <inheritdoc />
    public KeyPair Export(string label)
    {
        lock (_gate)
            return _keys.TryGetValue(label, out var key) ? key : throw new PolicyViolationException($"Key store '{Name}': no key '{label}'.");
    }

    /// <inheritdoc />
    public bool Destroy(string label)
    {
        lock (_gate) return _keys.Remove(label);
    }

    /// <inheritdoc />
    public override string ToString() => $"SoftwareKeyStore({Name}, {Labels.Count} keys)";
}
