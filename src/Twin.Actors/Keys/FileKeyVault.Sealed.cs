using System.Collections.Concurrent;
using Twin.Actors.Model;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;

namespace Twin.Actors.Keys;

// TPM and HSM keys. Each owner has one element per kind: its storage seed (the chip's persistent hierarchy seed) in
// RUN/OWNER/KIND/storage.seed and one sealed blob per key in RUN/OWNER/KIND/LABEL.sealed, both owner-only files. The
// blobs are AES-GCM under the element's storage key: the key folder holds them, but nothing in the twin reads a key
// out of them; the element loads them back after a restart and signs or decrypts on request.
public sealed partial class FileKeyVault
{
    private const string SeedFile = "storage.seed";
    private readonly ConcurrentDictionary<string, Lazy<SecureElementKeyStore>> _elements = new(StringComparer.Ordinal);

    private (string KeyRef, ISigningKey Key) GenerateSealed(RunId run, EntityId owner, KeyStoreKind kind, KeyAlgorithm algorithm, PkiRandom random)
    {
        var location = $"{run.Value}/{owner.Value}";
        var element = ElementAt(kind, location);
        var (key, label) = element.Generate(publicKey => publicKey.Fingerprint[..16], algorithm, random);
        var keyRef = $"{KeyRefs.Text(kind)}:{location}/{label}";
        var (folder, _) = Locate(keyRef);
        // No fsync, as for software keys: the blob is in the page cache before the event that names it is journaled.
        WriteOwnerOnly(Path.Combine(folder, label + ".sealed"), element.ExportSealed(label));
        return (keyRef, key);
    }

    private ISigningKey LoadSealed(string keyRef)
    {
        var (folder, label) = Locate(keyRef);
        var element = ElementAt(KeyRefs.KindOf(keyRef), LocationOf(keyRef));
        if (element.Find(label) is { } loaded) return loaded;
        var blob = Path.Combine(folder, label + ".sealed");
        if (!File.Exists(blob)) throw new KeyNotAvailableException($"Key '{keyRef}' is not in its {KeyRefs.Text(KeyRefs.KindOf(keyRef))} key store at {folder} (destroyed, or the data folder is incomplete).");
        return element.LoadSealed(label, File.ReadAllBytes(blob));
    }

    private void DestroySealed(string keyRef)
    {
        var (folder, label) = Locate(keyRef);
        ElementAt(KeyRefs.KindOf(keyRef), LocationOf(keyRef)).Destroy(label);
        Shred(Path.Combine(folder, label + ".sealed"));
    }

    private SecureElementKeyStore ElementAt(KeyStoreKind kind, string location)
    {
        var folder = FolderOf(kind, location);
        return _elements.GetOrAdd(folder, f => new Lazy<SecureElementKeyStore>(() => OpenElement(kind, location, f))).Value;
    }

    private static SecureElementKeyStore OpenElement(KeyStoreKind kind, string location, string folder)
    {
        Directory.CreateDirectory(folder);
        var seedPath = Path.Combine(folder, SeedFile);
        if (!File.Exists(seedPath))
            WriteOwnerOnly(seedPath, System.Security.Cryptography.RandomNumberGenerator.GetBytes(SecureElementKeyStore.StorageSeedLength));
        var seed = File.ReadAllBytes(seedPath);
        if (seed.Length != SecureElementKeyStore.StorageSeedLength)
            throw new KeyNotAvailableException($"The {KeyRefs.Text(kind)} storage seed at {seedPath} is damaged ({seed.Length} bytes): the keys sealed under it cannot be loaded.");
        return new SecureElementKeyStore($"{KeyRefs.Text(kind)}:{location}", seed);
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        file.Write(content);
    }

    private static string LocationOf(string keyRef)
    {
        var path = keyRef[(keyRef.IndexOf(':', StringComparison.Ordinal) + 1)..];
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? throw new ArgumentException($"Key reference '{keyRef}' is not a valid reference.", nameof(keyRef)) : path[..slash];
    }

    private (string Folder, string Label) Locate(string keyRef)
    {
        var path = keyRef[(keyRef.IndexOf(':', StringComparison.Ordinal) + 1)..];
        if (path.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(path) || path.LastIndexOf('/') <= 0)
            throw new ArgumentException($"Key reference '{keyRef}' is not a valid reference.", nameof(keyRef));
        var slash = path.LastIndexOf('/');
        return (FolderOf(KeyRefs.KindOf(keyRef), path[..slash]), path[(slash + 1)..]);
    }

    private string FolderOf(KeyStoreKind kind, string location) => Path.Combine(_folder, location, KeyRefs.Text(kind));
}
