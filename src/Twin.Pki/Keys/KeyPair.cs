using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Twin.Pki.Keys;

/// <summary>
/// An asymmetric key pair held in software. The private half never appears in <see cref="ToString"/>,
/// logs or exception messages; it leaves the object only through <see cref="ExportPkcs8"/>, which a
/// software key store calls to persist it.
/// </summary>
public sealed class KeyPair : ISigningKey
{
    private readonly AsymmetricKeyParameter _private;

    internal KeyPair(KeyAlgorithm algorithm, AsymmetricKeyParameter publicKey, AsymmetricKeyParameter privateKey)
    {
        Algorithm = algorithm;
        Public = publicKey;
        _private = privateKey;
        PublicKey = new PublicKey(algorithm, SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(publicKey).GetDerEncoded());
    }

    /// <summary>The algorithm of this key.</summary>
    public KeyAlgorithm Algorithm { get; }

    /// <summary>The public half, as a SubjectPublicKeyInfo.</summary>
    public PublicKey PublicKey { get; }

    internal AsymmetricKeyParameter Public { get; }

    internal AsymmetricKeyParameter Private => _private;

    /// <summary>Signs with the system CSPRNG supplying any randomness the algorithm needs.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) => Signing.Sign(this, data, PkiRandom.System);

    /// <summary>The private key as unencrypted PKCS#8 DER, for a software key store to persist. Handle as secret.</summary>
    public byte[] ExportPkcs8() => PrivateKeyInfoFactory.CreatePrivateKeyInfo(_private).GetDerEncoded();

    /// <summary>The private key as an unencrypted PKCS#8 PEM block ("PRIVATE KEY", RFC 7468 §10). Handle as secret.</summary>
    public string ExportPkcs8Pem() => Encoding.Pem.Encode("PRIVATE KEY", ExportPkcs8());

    /// <summary>Restores a key pair from a "PRIVATE KEY" PEM block (as written by openssl genpkey or <see cref="ExportPkcs8Pem"/>).</summary>
    public static KeyPair ImportPkcs8Pem(string pem) => ImportPkcs8(Encoding.Pem.Decode(pem, "PRIVATE KEY"));

    /// <summary>Restores a key pair from PKCS#8 DER written by <see cref="ExportPkcs8"/>.</summary>
    public static KeyPair ImportPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        AsymmetricKeyParameter privateKey;
        try
        {
            privateKey = PrivateKeyFactory.CreateKey(pkcs8.ToArray());
        }
        catch (Exception e) when (e is not PkiException)
        {
            // The inner exception may quote key bytes: keep only its type.
            throw new PkiFormatException($"PKCS#8 private key: not a readable key ({e.GetType().Name}).");
        }
        var info = PrivateKeyInfo.GetInstance(pkcs8.ToArray());
        var publicKey = KeyGenerator.DerivePublic(privateKey, info);
        var algorithm = KeyGenerator.AlgorithmOf(publicKey);
        return new KeyPair(algorithm, publicKey, privateKey);
    }

    /// <inheritdoc />
    public override string ToString() => $"KeyPair({Algorithm}, public {PublicKey.Fingerprint}, private key withheld)";
}

/// <summary>A public key as SubjectPublicKeyInfo DER, with its algorithm.</summary>
public sealed record PublicKey(KeyAlgorithm Algorithm, byte[] SubjectPublicKeyInfo)
{
    /// <summary>SHA-256 of the SubjectPublicKeyInfo, hex: a stable identity for the key.</summary>
    public string Fingerprint
    {
        get
        {
            // Cached against the array it was computed from, so a `with` copy never shows a stale value.
            var cached = _fingerprint;
            if (cached is not null && ReferenceEquals(cached.Source, SubjectPublicKeyInfo)) return cached.Value;
            var value = Convert.ToHexStringLower(global::System.Security.Cryptography.SHA256.HashData(SubjectPublicKeyInfo));
            _fingerprint = new Cached<string>(SubjectPublicKeyInfo, value);
            return value;
        }
    }

    private Cached<string>? _fingerprint;
    private Cached<AsymmetricKeyParameter>? _parameter;

    private sealed record Cached<T>(byte[] Source, T Value);

    /// <summary>Reads a SubjectPublicKeyInfo and recognises its algorithm.</summary>
    public static PublicKey FromSubjectPublicKeyInfo(byte[] der)
    {
        ArgumentNullException.ThrowIfNull(der);
        AsymmetricKeyParameter key;
        try
        {
            key = PublicKeyFactory.CreateKey(Org.BouncyCastle.Asn1.X509.SubjectPublicKeyInfo.GetInstance(der));
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"SubjectPublicKeyInfo: malformed ({e.Message}).", e);
        }
        return new PublicKey(KeyGenerator.AlgorithmOf(key), der);
    }

    /// <summary>The SubjectPublicKeyInfo as a "PUBLIC KEY" PEM block (RFC 7468 §13).</summary>
    public string ToPem() => Encoding.Pem.Encode("PUBLIC KEY", SubjectPublicKeyInfo);

    /// <summary>Reads a "PUBLIC KEY" PEM block.</summary>
    public static PublicKey FromPem(string pem) => FromSubjectPublicKeyInfo(Encoding.Pem.Decode(pem, "PUBLIC KEY"));

    // BouncyCastle key parameters are immutable, so one parsed instance can serve every verification.
    internal AsymmetricKeyParameter ToParameter()
    {
        var cached = _parameter;
        if (cached is not null && ReferenceEquals(cached.Source, SubjectPublicKeyInfo)) return cached.Value;
        var value = PublicKeyFactory.CreateKey(SubjectPublicKeyInfo);
        _parameter = new Cached<AsymmetricKeyParameter>(SubjectPublicKeyInfo, value);
        return value;
    }

    /// <inheritdoc />
    public bool Equals(PublicKey? other) => other is not null && Algorithm == other.Algorithm && SubjectPublicKeyInfo.AsSpan().SequenceEqual(other.SubjectPublicKeyInfo);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Algorithm, Fingerprint);

    /// <inheritdoc />
    public override string ToString() => $"PublicKey({Algorithm}, {Fingerprint[..16]})";
}
