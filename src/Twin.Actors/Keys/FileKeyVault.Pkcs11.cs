using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Twin.Actors.Model;
using Twin.Pki;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;

namespace Twin.Actors.Keys;

// design.keyStorage: pkcs11 — keys generated on a real PKCS#11 token (SoftHSM2 through Twin.Pki's Pkcs11KeyStore), sensitive and
// non-extractable; the token signs (ECDSA P-256/P-384, RSA PKCS#1 v1.5) and the twin never sees a private key. The reference is
// "pkcs11:RUN/OWNER/ID", the key's CKA_LABEL on the token.
public sealed partial class FileKeyVault
{
    private (string KeyRef, ISigningKey Key) GenerateOnToken(RunId run, EntityId owner, KeyAlgorithm algorithm)
    {
        // The token draws the key from its own randomness, so the label cannot be the public key's fingerprint ahead of time.
        var label = $"{run.Value}/{owner.Value}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        try
        {
            return ("pkcs11:" + label, Token().Generate(label, algorithm));
        }
        catch (UnsupportedAlgorithmException e)
        {
            throw new KeyNotAvailableException($"design.keyStorage pkcs11 cannot hold a {algorithm} key for {owner.Value}: {e.Message}");
        }
    }

    private ISigningKey LoadFromToken(string keyRef) =>
        Token().Find(TokenLabel(keyRef))
        ?? throw new KeyNotAvailableException($"Key '{keyRef}' is not on the PKCS#11 token {SoftHsmToken.Describe()} (destroyed, or the data folder is incomplete).");

    private void DestroyOnToken(string keyRef) => Token().Destroy(TokenLabel(keyRef));

    // The token of this vault's folder, held from first use until the vault is disposed (the run ended).
    private Twin.Pki.KeyStores.Pkcs11KeyStore Token()
    {
        lock (_tokenGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var token = SoftHsmToken.Acquire(_folder, first: !_holdsToken);
            _holdsToken = true;
            return token;
        }
    }

    /// <summary>Lets go of the PKCS#11 token (if this vault used it), so a run in another data folder may open its own; the vault is unusable afterwards.</summary>
    public void Dispose()
    {
        lock (_tokenGate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_holdsToken) SoftHsmToken.Release(_folder);
            _holdsToken = false;
        }
    }

    private static string TokenLabel(string keyRef)
    {
        var label = keyRef["pkcs11:".Length..];
        return label.Length == 0 ? throw new ArgumentException($"Key reference '{keyRef}' is not a valid reference.", nameof(keyRef)) : label;
    }
}

/// <summary>
/// The twin's PKCS#11 token: SoftHSM2 with a configuration the twin writes (never the user's own), its token folder under
/// KEYS/pkcs11/tokens of the run's key folder, and one token "planttrust" there whose PINs live owner-only beside it (as a
/// device keeps its token's PIN). SoftHSM2 reads SOFTHSM2_CONF when the module is initialised, and a process initialises it
/// for one configuration at a time: the key vaults of one folder hold the token (<see cref="Acquire"/>, <see cref="Release"/>);
/// once none does, a vault of another folder finalises the module and initialises it again under that folder's configuration
/// (a <c>serve</c> Stop/Start into another data folder). While a vault of one folder holds the token, a vault of another is
/// refused with a message naming both folders — two runs with pkcs11 keys in different folders cannot share one process.
/// </summary>
public static class SoftHsmToken
{
    /// <summary>The PKCS#11 module: SoftHSM2 as the Debian package softhsm2 installs it.</summary>
    public const string Library = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>The token's label.</summary>
    public const string TokenLabel = "planttrust";

    private static readonly Lock Gate = new();
    private static Pkcs11KeyStore? _store;
    private static string? _folder;
    private static string? _keyFolder;
    private static int _holders;

    /// <summary>True when the module is installed.</summary>
    public static bool Available => File.Exists(Library);

    /// <summary>Where the token of this process lives (its SoftHSM2 folder), once opened; null before.</summary>
    public static string? Folder
    {
        get { lock (Gate) return _folder; }
    }

    /// <summary>
    /// The token of <paramref name="keyFolder"/> (opened, and on first use initialised, under <paramref name="keyFolder"/>/pkcs11), counting
    /// one more holder when <paramref name="first"/>. Refused while vaults of another key folder hold the token open.
    /// </summary>
    public static Pkcs11KeyStore Acquire(string keyFolder, bool first)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyFolder);
        keyFolder = Path.GetFullPath(keyFolder);
        lock (Gate)
        {
            var store = Open(keyFolder);
            if (first) _holders++;
            return store;
        }
    }

    /// <summary>One holder of <paramref name="keyFolder"/>'s token let go; the token stays open (and is reused) until another folder asks.</summary>
    public static void Release(string keyFolder)
    {
        keyFolder = Path.GetFullPath(keyFolder);
        lock (Gate)
            if (string.Equals(_keyFolder, keyFolder, StringComparison.Ordinal) && _holders > 0) _holders--;
    }

    private static Pkcs11KeyStore Open(string keyFolder)
    {
        if (_store is not null && string.Equals(_keyFolder, keyFolder, StringComparison.Ordinal)) return _store;
        if (_store is not null)
        {
            if (_holders > 0)
                throw new KeyNotAvailableException($"design.keyStorage pkcs11: this process holds the SoftHSM2 token of {_folder} for a run that has not ended; "
                    + $"a run keeping its keys in {Path.Combine(keyFolder, "pkcs11")} can open its own token only after that run ended, or in another process.");
            // Nobody holds the other folder's token: finalise the module, so it reads this folder's configuration when initialised again.
            _store.Dispose();
            (_store, _folder, _keyFolder) = (null, null, null);
        }
        if (!Available)
            throw new KeyNotAvailableException($"design.keyStorage pkcs11 needs SoftHSM2, and its module {Library} is missing (install the Debian package softhsm2).");
        var folder = Path.Combine(keyFolder, "pkcs11");
        var tokens = Path.Combine(folder, "tokens");
        Directory.CreateDirectory(tokens);
        var conf = Path.Combine(folder, "softhsm2.conf");
        File.WriteAllText(conf, $"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
        // The module reads the variable from the native environment at C_Initialize; Environment.SetEnvironmentVariable does not reach it.
        if (!OperatingSystem.IsWindows() && NativeMethods.SetEnv("SOFTHSM2_CONF", conf, 1) != 0)
            throw new KeyNotAvailableException("design.keyStorage pkcs11: SOFTHSM2_CONF could not be set for the twin's token.");
        var (userPin, soPin) = Pins(folder);
        _store = Pkcs11KeyStore.Open(new Pkcs11Options(Library, TokenLabel, userPin) { InitializeWithSoPin = soPin });
        (_folder, _keyFolder) = (folder, keyFolder);
        return _store;
    }

    /// <summary>The token and where it lives, for messages (no PIN).</summary>
    public static string Describe() => $"'{TokenLabel}' ({Folder ?? "not open"})";

    // Random PINs made with the token, kept owner-only beside it; never logged.
    private static (string User, string So) Pins(string folder)
    {
        var path = Path.Combine(folder, "token.pins");
        if (!File.Exists(path))
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var file = new StreamWriter(new FileStream(path, options));
            file.Write($"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}\n{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}\n");
        }
        var lines = File.ReadAllLines(path);
        return lines.Length >= 2 && lines[0].Length > 0 && lines[1].Length > 0
            ? (lines[0], lines[1])
            : throw new KeyNotAvailableException($"design.keyStorage pkcs11: the token's PIN file {path} is damaged.");
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setenv")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);
    }
}
