using Twin.Actors.Model;
using Twin.Pki.Keys;

namespace Twin.Actors.Keys;

/// <summary>
/// Where entities keep their private keys. The journal records only a key reference and the
/// public key, so an exported journal or event stream never carries private key material.
/// </summary>
public interface IKeyVault
{
    /// <summary>Stores <paramref name="key"/> for <paramref name="owner"/> and returns its reference.</summary>
    string Store(RunId run, EntityId owner, KeyPair key);

    /// <summary>Loads the key behind <paramref name="keyRef"/>; fails with <see cref="KeyNotAvailableException"/> if it was destroyed or never stored.</summary>
    KeyPair Load(string keyRef);

    /// <summary>Destroys the key behind <paramref name="keyRef"/> (decommissioning, server-side key generation after delivery).</summary>
    void Destroy(string keyRef);
}

/// <summary>A key reference that no longer (or never) points to a key.</summary>
public sealed class KeyNotAvailableException(string message) : Exception(message);

/// <summary>
/// A software key store: one PKCS#8 file per key under a folder, readable by the owner only.
/// Models a device's or CA's file-based key store; hardware-backed stores come from Twin.Pki.
/// </summary>
public sealed class FileKeyVault : IKeyVault
{
    private readonly string _folder;

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
    public KeyPair Load(string keyRef)
    {
        var path = PathOf(keyRef);
        if (!File.Exists(path)) throw new KeyNotAvailableException($"Key '{keyRef}' is not in the key store at {_folder} (destroyed, or the data folder is incomplete).");
        return KeyPair.ImportPkcs8(File.ReadAllBytes(path));
    }

    /// <inheritdoc />
    public void Destroy(string keyRef)
    {
        var path = PathOf(keyRef);
        if (!File.Exists(path)) return;
        // Overwrite before unlinking: a destroyed key should not linger in the file's old blocks.
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
