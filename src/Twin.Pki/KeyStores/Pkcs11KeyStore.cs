using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Sec;
using Twin.Pki.Keys;

namespace Twin.Pki.KeyStores;

/// <summary>Where a PKCS#11 token is and how to log in.</summary>
/// <param name="LibraryPath">The module, for example /usr/lib/softhsm/libsofthsm2.so.</param>
/// <param name="TokenLabel">The token to use.</param>
/// <param name="UserPin">The user PIN (never logged).</param>
public sealed record Pkcs11Options(string LibraryPath, string TokenLabel, string UserPin)
{
    /// <summary>When set and no token carries <see cref="TokenLabel"/>, a free slot's token is initialised with this SO PIN and the user PIN.</summary>
    public string? InitializeWithSoPin { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"Pkcs11Options({LibraryPath}, token '{TokenLabel}', PIN withheld)";
}

/// <summary>
/// Keys on a PKCS#11 token (SoftHSM2 or a real HSM), generated on the token as sensitive and non-extractable.
/// Signing runs on the token; export is refused. One logged-in session, serialised: safe from many threads.
/// </summary>
public sealed partial class Pkcs11KeyStore : IKeyStore, IDisposable
{
    private readonly Pkcs11InteropFactories _factories = new();
    private readonly IPkcs11Library _library;
    private readonly ISession _session;
    private readonly Lock _gate = new();
    private bool _disposed;

    private static readonly Lazy<bool> DlResolver = new(InstallDlResolver);

    private Pkcs11KeyStore(Pkcs11Options options)
    {
        Name = "pkcs11:" + options.TokenLabel;
        _ = DlResolver.Value;
        try
        {
            _library = _factories.Pkcs11LibraryFactory.LoadPkcs11Library(_factories, options.LibraryPath, AppType.MultiThreaded);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or IOException)
        {
            throw new PkiException($"PKCS#11: cannot load module '{options.LibraryPath}' ({e.GetType().Name}).", e);
        }
        try
        {
            var slot = FindSlot(options.TokenLabel) ?? InitializeToken(options) ?? throw new PkiException($"PKCS#11: no token labelled '{options.TokenLabel}'.");
            _session = slot.OpenSession(SessionType.ReadWrite);
            _session.Login(CKU.CKU_USER, options.UserPin);
        }
        catch (Pkcs11Exception e)
        {
            _library.Dispose();
            throw new PkiException($"PKCS#11 token '{options.TokenLabel}': {e.RV}.", e);
        }
    }

    /// <summary>Loads the module, finds (or initialises) the token and logs in.</summary>
    public static Pkcs11KeyStore Open(Pkcs11Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.LibraryPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TokenLabel);
        return new Pkcs11KeyStore(options);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public bool CanExport => false;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Labels
    {
        get
        {
            lock (_gate)
            {
                var found = FindAll(_factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY));
                return [.. found.Select(h => _session.GetAttributeValue(h, [CKA.CKA_LABEL])[0].GetValueAsString())];
            }
        }
    }

    /// <inheritdoc />
    public ISigningKey Generate(string label, KeyAlgorithm algorithm, PkiRandom? random = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        _ = random; // the token draws its own randomness
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (FindPrivate(label) is not null)
                throw new PolicyViolationException($"Key store '{Name}': label '{label}' is taken.");
            var a = _factories.ObjectAttributeFactory;
            var id = global::System.Security.Cryptography.SHA256.HashData(global::System.Text.Encoding.UTF8.GetBytes(label))[..16];
            List<IObjectAttribute> publicTemplate = [a.Create(CKA.CKA_TOKEN, true), a.Create(CKA.CKA_LABEL, label), a.Create(CKA.CKA_ID, id), a.Create(CKA.CKA_VERIFY, true)];
            List<IObjectAttribute> privateTemplate =
            [
                a.Create(CKA.CKA_TOKEN, true), a.Create(CKA.CKA_PRIVATE, true), a.Create(CKA.CKA_LABEL, label), a.Create(CKA.CKA_ID, id),
                a.Create(CKA.CKA_SIGN, true), a.Create(CKA.CKA_SENSITIVE, true), a.Create(CKA.CKA_EXTRACTABLE, false),
            ];
            IMechanism mechanism;
            switch (algorithm)
            {
                case KeyAlgorithm.EcdsaP256 or KeyAlgorithm.EcdsaP384:
                    var curve = algorithm == KeyAlgorithm.EcdsaP256 ? SecObjectIdentifiers.SecP256r1 : SecObjectIdentifiers.SecP384r1;
                    publicTemplate.Add(a.Create(CKA.CKA_EC_PARAMS, curve.GetEncoded()));
                    mechanism = _factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
                    break;
                case KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096:
                    publicTemplate.Add(a.Create(CKA.CKA_MODULUS_BITS, (ulong)KeyGenerator.RsaBits(algorithm)));
                    publicTemplate.Add(a.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 1, 0, 1 }));
                    mechanism = _factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
                    break;
                default:
                    throw new UnsupportedAlgorithmException($"PKCS#11 store '{Name}': {algorithm} keys are not supported on the token (ECDSA P-256/P-384, RSA).");
            }
            try
            {
                _session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicHandle, out var privateHandle);
                return new Pkcs11SigningKey(this, label, algorithm, privateHandle, ReadPublicKey(publicHandle, algorithm));
            }
            catch (Pkcs11Exception e)
            {
                throw new PkiException($"PKCS#11 store '{Name}': generating '{label}' failed ({e.RV}).", e);
            }
            finally
            {
                // The attributes own the unmanaged memory the module reads during the call; their finalizers free it, so they
                // must stay reachable until the call returned (else a busy GC hands the token a freed label).
                GC.KeepAlive(publicTemplate);
                GC.KeepAlive(privateTemplate);
                GC.KeepAlive(mechanism);
                foreach (var attribute in publicTemplate.Concat(privateTemplate)) attribute.Dispose();
                mechanism.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public ISigningKey? Find(string label)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var privateHandle = FindPrivate(label);
            if (privateHandle is null) return null;
            var publicHandle = FindObject(label, CKO.CKO_PUBLIC_KEY) ?? throw new PkiException($"PKCS#11 store '{Name}': key '{label}' has no public half on the token.");
            var keyType = (CKK)_session.GetAttributeValue(publicHandle, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
            var algorithm = keyType switch
            {
                CKK.CKK_EC => CurveOf(_session.GetAttributeValue(publicHandle, [CKA.CKA_EC_PARAMS])[0].GetValueAsByteArray()),
                CKK.CKK_RSA => KeyAlgorithm.Rsa2048,
                _ => throw new UnsupportedAlgorithmException($"PKCS#11 store '{Name}': key '{label}' has unsupported type {keyType}."),
            };
            var publicKey = ReadPublicKey(publicHandle, algorithm);
            return new Pkcs11SigningKey(this, label, publicKey.Algorithm, privateHandle, publicKey);
        }
    }

    /// <inheritdoc />
    public KeyPair Export(string label) =>
        throw new KeyExportRefusedException($"PKCS#11 store '{Name}': key '{label}' is sensitive and non-extractable; it never leaves the token.");

    /// <inheritdoc />
    public bool Destroy(string label)
    {
        lock (_gate)
        {
            var privateHandle = FindPrivate(label);
            if (privateHandle is null) return false;
            _session.DestroyObject(privateHandle);
            if (FindObject(label, CKO.CKO_PUBLIC_KEY) is { } publicHandle) _session.DestroyObject(publicHandle);
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            try { _session.Logout(); } catch (Pkcs11Exception) { }
            _session.Dispose();
            _library.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Pkcs11KeyStore({Name}, non-exportable)";

    // Pkcs11Interop binds dlopen from "libdl"; glibc ≥ 2.34 ships only libdl.so.2 unless development files are installed.
    private static bool InstallDlResolver()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            global::System.Runtime.InteropServices.NativeLibrary.SetDllImportResolver(typeof(IPkcs11Library).Assembly, (name, assembly, path) =>
                name == "libdl" && global::System.Runtime.InteropServices.NativeLibrary.TryLoad("libdl.so.2", out var handle) ? handle : IntPtr.Zero);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // someone else already resolves for that assembly
        }
    }

    private static KeyAlgorithm CurveOf(byte[] ecParams)
    {
        var oid = DerObjectIdentifier.GetInstance(Asn1Object.FromByteArray(ecParams));
        if (oid.Equals(SecObjectIdentifiers.SecP256r1)) return KeyAlgorithm.EcdsaP256;
        if (oid.Equals(SecObjectIdentifiers.SecP384r1)) return KeyAlgorithm.EcdsaP384;
        throw new UnsupportedAlgorithmException($"PKCS#11: curve {oid.Id} is not supported.");
    }
}
