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
            return ("pkcs11:" + label, SoftHsmToken.For(_folder).Generate(label, algorithm));
        }
        catch (UnsupportedAlgorithmException e)
        {
            throw new KeyNotAvailableException($"design.keyStorage pkcs11 cannot hold a {algorithm} key for {owner.Value}: {e.Message}");
        }
    }

    private ISigningKey LoadFromToken(string keyRef) =>
        SoftHsmToken.For(_folder).Find(TokenLabel(keyRef))
        ?? throw new KeyNotAvailableException($"Key '{keyRef}' is not on the PKCS#11 token {SoftHsmToken.Describe()} (destroyed, or the token belongs to another data folder).");

    private void DestroyOnToken(string keyRef) => SoftHsmToken.For(_folder).Destroy(TokenLabel(keyRef));

    private static string TokenLabel(string keyRef)
    {
        var label = keyRef["pkcs11:".Length..];
        return label.Length == 0 ? throw new ArgumentException($"Key reference '{keyRef}' is not a valid reference.", nameof(keyRef)) : label;
    }
}

/// <summary>
/// The twin's PKCS#11 token: SoftHSM2 with a configuration the twin writes (never the user's own), its token folder under
/// KEYS/pkcs11/tokens of the first key folder in the process that asks for it, and one token "planttrust" there whose PINs
/// live owner-only beside it (as a device keeps its token's PIN). A PKCS#11 module is initialised once per process and
/// SoftHSM2 reads SOFTHSM2_CONF only then, so every run in one process uses that token; a run resumed in a new process
/// opens its own folder's token again.
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

    /// <summary>True when the module is installed.</summary>
    public static bool Available => File.Exists(Library);

    /// <summary>Where the token of this process lives (its SoftHSM2 folder), once opened; null before.</summary>
    public static string? Folder
    {
        get { lock (Gate) return _folder; }
    }

    /// <summary>The open token, opened (and on first use initialised) under <paramref name="keyFolder"/>/pkcs11 if none is open yet.</summary>
    public static Pkcs11KeyStore For(string keyFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyFolder);
        lock (Gate)
        {
            if (_store is not null) return _store;
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
            _folder = folder;
            return _store;
        }
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
