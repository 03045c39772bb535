using Twin.Pki.Keys;

namespace Twin.Pki.KeyStores;

/// <summary>
/// A simulated TPM or secure element: keys are generated inside and never leave it. Signing is a service
/// the element performs (and counts); export is refused. Thread-safe.
/// </summary>
public sealed class SecureElementKeyStore : IKeyStore
{
    private readonly Dictionary<string, SealedKey> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Creates an empty element.</summary>
    public SecureElementKeyStore(string name = "secure-element")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool CanExport => false;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Labels
    {
        get { lock (_gate) return [.. _keys.Keys]; }
    }

    /// <summary>Signatures made by the element since it was created.</summary>
    public long SignatureCount => Interlocked.Read(ref _signatures);

    private long _signatures;

    /// <inheritdoc />
    public ISigningKey Generate(string label, KeyAlgorithm algorithm, PkiRandom? random = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var key = new SealedKey(this, label, KeyGenerator.Generate(algorithm, random));
        lock (_gate)
        {
            if (!_keys.TryAdd(label, key))
                throw new PolicyViolationException($"Secure element '{Name}': label '{label}' is taken.");
        }
        return key;
    }

    /// <inheritdoc />
    public ISigningKey? Find(string label)
    {
        lock (_gate) return _keys.GetValueOrDefault(label);
    }

    /// <inheritdoc />
    public KeyPair Export(string label) =>
        throw new KeyExportRefusedException($"Secure element '{Name}': key '{label}' is not exportable.");

    /// <inheritdoc />
    public bool Destroy(string label)
    {
        lock (_gate)
        {
            if (!_keys.Remove(label, out var key)) return false;
            key.Destroyed = true;
            return true;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"SecureElementKeyStore({Name}, {Labels.Count} keys, non-exportable)";

    // Not a KeyPair, so no cast reaches ExportPkcs8.
    private sealed class SealedKey(SecureElementKeyStore owner, string label, KeyPair inner) : ISigningKey
    {
        internal volatile bool Destroyed;

        public KeyAlgorithm Algorithm => inner.Algorithm;

        public PublicKey PublicKey => inner.PublicKey;

        public byte[] Sign(ReadOnlySpan<byte> data)
        {
            if (Destroyed) throw new PolicyViolationException($"Secure element '{owner.Name}': key '{label}' was destroyed.");
            Interlocked.Increment(ref owner._signatures);
            return inner.Sign(data);
        }

        public override string ToString() => $"SealedKey({owner.Name}/{label}, {Algorithm}, non-exportable)";
    }
}
