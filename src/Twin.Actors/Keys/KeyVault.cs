using Twin.Actors.Model;
using Twin.Pki;
using Twin.Pki.Keys;

namespace Twin.Actors.Keys;

/// <summary>
/// Where entities keep their private keys. The journal records only a key reference and the
/// public key, so an exported journal or event stream never carries private key material.
/// A key is generated inside the store its owner's design names (<see cref="KeyStoreKind"/>) and used
/// through the handle <see cref="Load"/> returns; only a software key can be exported.
/// </summary>
public interface IKeyVault
{
    /// <summary>Stores a software <paramref name="key"/> made elsewhere for <paramref name="owner"/> and returns its reference.</summary>
    string Store(RunId run, EntityId owner, KeyPair key);

    /// <summary>Generates a key for <paramref name="owner"/> inside a store of <paramref name="kind"/> from <paramref name="random"/>; returns its reference and a handle.</summary>
    (string KeyRef, ISigningKey Key) Generate(RunId run, EntityId owner, KeyStoreKind kind, KeyAlgorithm algorithm, PkiRandom random);

    /// <summary>A handle to the key behind <paramref name="keyRef"/>; fails with <see cref="KeyNotAvailableException"/> if it was destroyed or never stored.</summary>
    ISigningKey Load(string keyRef);

    /// <summary>The private key itself, for an operation that must hand it over; a TPM or HSM key is refused with <see cref="Twin.Pki.KeyExportRefusedException"/>.</summary>
    KeyPair Export(string keyRef);

    /// <summary>Destroys the key behind <paramref name="keyRef"/> (decommissioning, server-side key generation after delivery).</summary>
    void Destroy(string keyRef);
}

/// <summary>A key reference that no longer (or never) points to a key.</summary>
public sealed class KeyNotAvailableException(string message) : Exception(message);

/// <summary>
/// The run's key folder. Software keys: one PKCS#8 file per key, readable by the owner only (a device's or CA's
/// file-based key store). TPM and HSM keys: each owner has a simulated element (Twin.Pki's secure element) whose
/// storage seed and sealed key blobs live in the owner's folder; the keys are generated inside it and never leave it
/// through this API (see FileKeyVault.Sealed.cs).
/// </summary>
public sealed partial class FileKeyVault : IKeyVault, IDisposable
{
    private readonly string _folder;
    private readonly Lock _tokenGate = new();
    private bool _holdsToken;
    private bool _disposed;

    /// <summary>Keeps keys under <paramref name="folder"/>, created if missing.</summary>
    public FileKeyVault(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        _folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(_folder);
    }

    /// <inheritdoc />
    public string Store(RunId run, EntityId owner, KeyPair key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var keyRef = $"{run.Value}/{owner.Value}/{key.PublicKey.Fingerprint[..16]}";
        var path = PathOf(keyRef);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        // No fsync: the key is in the page cache before the event that names it is journaled, so
        // a crashed process loses nothing; only a power cut in between could.
        using (var file = new FileStream(path, options))
            file.Write(key.ExportPkcs8());
        return keyRef;
    }

    /// <inheritdoc />
    public (string KeyRef, ISigningKey Key) Generate(RunId run, EntityId owner, KeyStoreKind kind, KeyAlgorithm algorithm, PkiRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (kind == KeyStoreKind.Pkcs11) return GenerateOnToken(run, owner, algorithm);
        if (kind != KeyStoreKind.Software) return GenerateSealed(run, owner, kind, algorithm, random);
        var key = KeyGenerator.Generate(algorithm, random);
        return (Store(run, owner, key), key);
    }

    /// <inheritdoc />
    public ISigningKey Load(string keyRef) => KeyRefs.KindOf(keyRef) switch
    {
        KeyStoreKind.Software => LoadSoftware(keyRef),
        KeyStoreKind.Pkcs11 => LoadFromToken(keyRef),
        _ => LoadSealed(keyRef),
    };

    /// <inheritdoc />
    public KeyPair Export(string keyRef)
    {
        var kind = KeyRefs.KindOf(keyRef);
        if (kind != KeyStoreKind.Software)
            throw new KeyExportRefusedException($"Key '{keyRef}' is in a {KeyRefs.Text(kind)} key store: it was generated inside and cannot be exported.");
        return LoadSoftware(keyRef);
    }

    private KeyPair LoadSoftware(string keyRef)
    {
        var path = PathOf(keyRef);
        if (!File.Exists(path)) throw new KeyNotAvailableException($"Key '{keyRef}' is not in the key store at {_folder} (destroyed, or the data folder is incomplete).");
        return KeyPair.ImportPkcs8(File.ReadAllBytes(path));
    }

    /// <inheritdoc />
    public void Destroy(string keyRef)
    {
        switch (KeyRefs.KindOf(keyRef))
        {
            case KeyStoreKind.Pkcs11:
                DestroyOnToken(keyRef);
                return;
            case KeyStoreKind.Tpm or KeyStoreKind.Hsm:
                DestroySealed(keyRef);
                return;
        }
        var path = PathOf(keyRef);
        Shred(path);
    }

    // Overwrite before unlinking: a destroyed key should not linger in the file's old blocks.
    private static void Shred(string path)
    {
        if (!File.Exists(path)) return;
        var length = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Write(new byte[length]);
            file.Flush(flushToDisk: true);
        }
        File.Delete(path);
    }

    private string PathOf(string keyRef)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyRef);
        if (keyRef.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(keyRef))
            throw new ArgumentException($"Key reference '{keyRef}' is not a valid reference.", nameof(keyRef));
        return Path.Combine(_folder, keyRef + ".p8");
    }
}
