using System.Security.Cryptography;
using Twin.Pki.Keys;

namespace Twin.Pki.KeyStores;

/// <summary>
/// A simulated TPM or secure element: keys are generated inside and never leave it. Signing is a service
/// the element performs (and counts); export is refused. Like a TPM, it can hand out a key wrapped under its own
/// storage key (<see cref="ExportSealed"/>) for the owner to keep on disk, and load it back (<see cref="LoadSealed"/>):
/// the blob is opaque to everyone but an element with the same storage seed. Thread-safe.
/// </summary>
public sealed partial class SecureElementKeyStore : IKeyStore
{
    private readonly Dictionary<string, SealedKey> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly byte[] _storageKey;

    /// <summary>Creates an empty element with a fresh random storage seed.</summary>
    public SecureElementKeyStore(string name = "secure-element")
        : this(name, RandomNumberGenerator.GetBytes(StorageSeedLength))
    {
    }

    /// <summary>Creates an empty element whose storage key derives from <paramref name="storageSeed"/> (<see cref="StorageSeedLength"/> bytes): the element's persistent hierarchy seed.</summary>
    public SecureElementKeyStore(string name, ReadOnlySpan<byte> storageSeed)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (storageSeed.Length != StorageSeedLength)
            throw new ArgumentException($"A secure element's storage seed is {StorageSeedLength} bytes, not {storageSeed.Length}.", nameof(storageSeed));
        Name = name;
        _storageKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, storageSeed.ToArray(), 32, info: "PlantTrust secure element storage key"u8.ToArray());
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

    /// <summary>Private-key operations (signatures, decryptions) the element performed since it was created.</summary>
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

    /// <summary>Generates a key inside the element and names it by its public key (<paramref name="labelOf"/>), as a TPM names objects by their public area; returns the key and its label.</summary>
    public (ISigningKey Key, string Label) Generate(Func<PublicKey, string> labelOf, KeyAlgorithm algorithm, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(labelOf);
        var inner = KeyGenerator.Generate(algorithm, random);
        var label = labelOf(inner.PublicKey);
        ArgumentException.ThrowIfNullOrWhiteSpace(label, nameof(labelOf));
        var key = new SealedKey(this, label, inner);
        lock (_gate)
        {
            // The same key drawn again (a seeded generator replayed after a restart) is the key already held.
            if (_keys.TryGetValue(label, out var held) && held.PublicKey.Equals(key.PublicKey)) return (held, label);
            if (!_keys.TryAdd(label, key))
                throw new PolicyViolationException($"Secure element '{Name}': label '{label}' is taken.");
        }
        return (key, label);
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

}
