using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Oiw;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Cmp;

/// <summary>
/// How a CMP message is protected (RFC 4210 §5.1.3): a MAC over a shared secret (PasswordBasedMac,
/// RFC 4210 §5.1.3.1, or PBMAC1, RFC 9481 §6.1.1) or a signature with extraCerts (RFC 9483 §3.2).
/// </summary>
public abstract class CmpProtector
{
    private protected CmpProtector() { }

    /// <summary>senderKID written into the header: the reference of a shared secret, or the protection certificate's subject key identifier.</summary>
    public abstract byte[]? SenderKid { get; }

    /// <summary>Certificates sent in extraCerts: the protection certificate first, then its chain (RFC 9483 §3.3).</summary>
    public virtual IReadOnlyList<Certificate> ExtraCerts => [];

    /// <summary>True for MAC-based protection.</summary>
    public abstract bool IsMac { get; }

    internal abstract AlgorithmIdentifier Algorithm { get; }

    internal abstract byte[] Protect(byte[] protectedPart);

    /// <summary>PasswordBasedMac as openssl sends it by default: SHA-256 as one-way function, HMAC-SHA1, 500 iterations, a fresh 16-byte salt.</summary>
    public static CmpProtector PasswordBasedMac(byte[] reference, byte[] secret, PkiRandom random, int iterations = 500, CmpMacAlgorithm mac = CmpMacAlgorithm.HmacSha1) =>
        new PbmProtector(reference, secret, Salt(random), new AlgorithmIdentifier(NistObjectIdentifiers.IdSha256), iterations, MacOid(mac));

    /// <summary>PBMAC1 (RFC 9481 §6.1.1): PBKDF2 with HMAC-SHA256, then HMAC-SHA256.</summary>
    public static CmpProtector Pbmac1(byte[] reference, byte[] secret, PkiRandom random, int iterations = 10_000) =>
        new Pbmac1Protector(reference, secret, Salt(random), iterations);

    /// <summary>A reply protected like <paramref name="request"/>: the same MAC algorithms and iteration count, a fresh salt, senderKID echoed (what openssl expects).</summary>
    public static CmpProtector MacLike(CmpMessage request, byte[] secret, PkiRandom random)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(secret);
        var alg = request.Inner.Header.ProtectionAlg ?? throw new CmpException(CmpFailure.WrongIntegrity, "The request is not MAC-protected.");
        var kid = request.Header.SenderKid ?? [];
        if (alg.Algorithm.Equals(CmpObjectIdentifiers.passwordBasedMac))
        {
            var p = PbmParameter.GetInstance(alg.Parameters);
            return new PbmProtector(kid, secret, Salt(random), p.Owf, p.IterationCount.IntValueExact, p.Mac);
        }
        if (alg.Algorithm.Equals(CmpMac.Pbmac1Oid))
        {
            var p = Pbmac1Params.Parse(alg.Parameters);
            return new Pbmac1Protector(kid, secret, Salt(random), p.Iterations);
        }
        throw new CmpException(CmpFailure.WrongIntegrity, "The request is not MAC-protected.");
    }

    /// <summary>
    /// A reply protected with <paramref name="key"/>, the key a request of the same transaction verified with: the request's
    /// protectionAlg as it came (salt, one-way function or PRF, iteration count, MAC) and no derivation (RFC 4210 §5.1.3.1 recommends
    /// PBMParameter constant through a transaction); <paramref name="reference"/> is echoed as senderKID.
    /// </summary>
    public static CmpProtector MacWith(CmpMacKey key, byte[] reference)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(reference);
        return new KeyedMacProtector(key, reference);
    }

    /// <summary>Signature protection with <paramref name="key"/>; <paramref name="certificate"/> is the protection certificate, <paramref name="chain"/> its issuers; <paramref name="random"/> (software keys) makes seeded runs repeatable.</summary>
    public static CmpProtector Signature(ISigningKey key, Certificate certificate, IEnumerable<Certificate>? chain = null, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.PublicKey.Equals(key.PublicKey))
            throw new PolicyViolationException($"CMP protection: the key does not match certificate {certificate.Subject}.");
        return new SignatureProtector(key, certificate, [certificate, .. chain ?? []], random ?? PkiRandom.System);
    }

    private static byte[] Salt(PkiRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var salt = new byte[16];
        random.NextBytes(salt);
        return salt;
    }

    private static AlgorithmIdentifier MacOid(CmpMacAlgorithm mac) => mac switch
    {
        CmpMacAlgorithm.HmacSha1 => new AlgorithmIdentifier(CmpMac.HmacSha1Iana),
        CmpMacAlgorithm.HmacSha256 => new AlgorithmIdentifier(PkcsObjectIdentifiers.IdHmacWithSha256, DerNull.Instance),
        _ => throw new ArgumentOutOfRangeException(nameof(mac), mac, "Unknown MAC algorithm."),
    };

    private sealed class PbmProtector(byte[] reference, byte[] secret, byte[] salt, AlgorithmIdentifier owf, int iterations, AlgorithmIdentifier mac) : CmpProtector
    {
        private readonly PbmParameter _parameters = new(salt, owf, iterations, mac);
        public override byte[]? SenderKid => reference;
        public override bool IsMac => true;
        internal override AlgorithmIdentifier Algorithm => new(CmpObjectIdentifiers.passwordBasedMac, _parameters);
        internal override byte[] Protect(byte[] protectedPart) => CmpMac.Pbm(secret, _parameters, protectedPart);
    }

    private sealed class Pbmac1Protector(byte[] reference, byte[] secret, byte[] salt, int iterations) : CmpProtector
    {
        public override byte[]? SenderKid => reference;
        public override bool IsMac => true;
        internal override AlgorithmIdentifier Algorithm => new(CmpMac.Pbmac1Oid, Pbmac1Params.Encode(salt, iterations));
        internal override byte[] Protect(byte[] protectedPart) => CmpMac.Pbmac1(secret, new Pbmac1Params(salt, iterations, 32, HashAlgorithmName.SHA256, HashAlgorithmName.SHA256), protectedPart);
    }

    private sealed class KeyedMacProtector(CmpMacKey key, byte[] reference) : CmpProtector
    {
        public override byte[]? SenderKid => reference;
        public override bool IsMac => true;
        internal override AlgorithmIdentifier Algorithm => key.Algorithm;
        internal override byte[] Protect(byte[] protectedPart) => key.Mac(protectedPart);
    }

    private sealed class SignatureProtector(ISigningKey key, Certificate certificate, IReadOnlyList<Certificate> extra, PkiRandom random) : CmpProtector
    {
        public override byte[]? SenderKid => KeyIdentifiersOf(certificate);
        public override IReadOnlyList<Certificate> ExtraCerts => extra;
        public override bool IsMac => false;
        internal override AlgorithmIdentifier Algorithm => Signing.AlgorithmIdentifier(key.Algorithm);
        internal override byte[] Protect(byte[] protectedPart) => SignWith(key, protectedPart, random);
    }

    internal static byte[] SignWith(ISigningKey key, byte[] data, PkiRandom random) =>
        key is KeyPair pair ? Keys.Signing.Sign(pair, data, random) : key.Sign(data);

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "RFC 5280 §4.2.1.2 method 1: the key identifier is a SHA-1 of the key, not a security function.")]
    internal static byte[] KeyIdentifiersOf(Certificate certificate)
    {
        var ski = certificate.Inner.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        return ski is not null
            ? Asn1OctetString.GetInstance(Org.BouncyCastle.X509.Extension.X509ExtensionUtilities.FromExtensionValue(ski)).GetOctets()
            : SHA1.HashData(certificate.Inner.CertificateStructure.SubjectPublicKeyInfo.PublicKey.GetBytes());
    }
}

/// <summary>The MAC of PasswordBasedMac protection.</summary>
public enum CmpMacAlgorithm
{
    /// <summary>HMAC-SHA1 (openssl's default; RFC 9481 §6.2.1 still lists it).</summary>
    HmacSha1,
    /// <summary>hmacWithSHA256 (RFC 9481 §6.2.1).</summary>
    HmacSha256,
}

internal static class CmpMac
{
    internal static readonly DerObjectIdentifier Pbmac1Oid = new("1.2.840.113549.1.5.14");
    internal static readonly DerObjectIdentifier Pbkdf2Oid = new("1.2.840.113549.1.5.12");
    internal static readonly DerObjectIdentifier HmacSha1Iana = new("1.3.6.1.5.5.8.1.2");
    internal const int MaxIterations = 1_000_000;

    // RFC 4210 §5.1.3.1: BASEKEY = OWF(password || salt), iterated iterationCount times; MAC keyed with it.
    internal static byte[] Pbm(byte[] secret, PbmParameter p, byte[] data)
    {
        var (key, mac) = PbmKey(secret, p);
        try { return mac(key, data); }
        finally { CryptographicOperations.ZeroMemory(key); }
    }

    // The BASEKEY and the MAC it keys (RFC 4210 §5.1.3.1).
    internal static (byte[] Key, Func<byte[], byte[], byte[]> Mac) PbmKey(byte[] secret, PbmParameter p)
    {
        var iterations = p.IterationCount.IntValueExact;
        if (iterations is < 1 or > MaxIterations)
            throw new CmpException(CmpFailure.BadAlg, $"PasswordBasedMac: iterationCount {iterations} is outside 1..{MaxIterations}.");
        var owf = OneWayFunction(p.Owf.Algorithm, "PasswordBasedMac owf");
        var mac = HmacOf(p.Mac.Algorithm, "PasswordBasedMac mac");
        // The iterations hash a digest-sized value again and again: BouncyCastle's managed digest, reused, costs less than half
        // of a one-shot platform hash per iteration (that is a native call each); the BASEKEY is the same.
        var key = new byte[owf.GetDigestSize()];
        var salt = p.Salt.GetOctets();
        owf.BlockUpdate(secret, 0, secret.Length);
        owf.BlockUpdate(salt, 0, salt.Length);
        owf.DoFinal(key, 0);
        for (var i = 1; i < iterations; i++)
        {
            owf.BlockUpdate(key, 0, key.Length);
            owf.DoFinal(key, 0);
        }
        return (key, mac);
    }

    internal static byte[] Pbmac1(byte[] secret, Pbmac1Params p, byte[] data)
    {
        var (key, mac) = Pbmac1Key(secret, p);
        try { return mac(key, data); }
        finally { CryptographicOperations.ZeroMemory(key); }
    }

    // The PBKDF2 output and the MAC it keys (RFC 9481 §6.1.1).
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "HMAC-SHA1 only when the peer's message names it (RFC 9481 §6.2.1); replies mirror the request.")]
    internal static (byte[] Key, Func<byte[], byte[], byte[]> Mac) Pbmac1Key(byte[] secret, Pbmac1Params p)
    {
        if (p.Iterations is < 1 or > MaxIterations)
            throw new CmpException(CmpFailure.BadAlg, $"PBMAC1: iterationCount {p.Iterations} is outside 1..{MaxIterations}.");
        var key = Rfc2898DeriveBytes.Pbkdf2(secret, p.Salt, p.Iterations, p.Prf, p.KeyLength);
        Func<byte[], byte[], byte[]> mac = p.Mac == HashAlgorithmName.SHA512 ? HMACSHA512.HashData
            : p.Mac == HashAlgorithmName.SHA384 ? HMACSHA384.HashData
            : p.Mac == HashAlgorithmName.SHA1 ? HMACSHA1.HashData
            : HMACSHA256.HashData;
        return (key, mac);
    }

    internal static HashAlgorithmName HashOfHmac(DerObjectIdentifier oid, string where) => oid.Id switch
    {
        "1.3.6.1.5.5.8.1.2" or "1.2.840.113549.2.7" => HashAlgorithmName.SHA1,
        "1.2.840.113549.2.9" => HashAlgorithmName.SHA256,
        "1.2.840.113549.2.10" => HashAlgorithmName.SHA384,
        "1.2.840.113549.2.11" => HashAlgorithmName.SHA512,
        _ => throw new CmpException(CmpFailure.BadAlg, $"{where}: MAC algorithm {oid.Id} is not supported."),
    };

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "HMAC-SHA1 only when the peer's message names it (openssl's default); replies mirror the request.")]
    private static Func<byte[], byte[], byte[]> HmacOf(DerObjectIdentifier oid, string where)
    {
        var h = HashOfHmac(oid, where);
        return h == HashAlgorithmName.SHA1 ? HMACSHA1.HashData
            : h == HashAlgorithmName.SHA256 ? HMACSHA256.HashData
            : h == HashAlgorithmName.SHA384 ? HMACSHA384.HashData
            : HMACSHA512.HashData;
    }

    // SHA-1 as one-way function only when the peer's message names it; replies mirror the request.
    private static Org.BouncyCastle.Crypto.IDigest OneWayFunction(DerObjectIdentifier oid, string where) => oid.Id switch
    {
        "1.3.14.3.2.26" => new Org.BouncyCastle.Crypto.Digests.Sha1Digest(),
        "2.16.840.1.101.3.4.2.1" => new Org.BouncyCastle.Crypto.Digests.Sha256Digest(),
        "2.16.840.1.101.3.4.2.2" => new Org.BouncyCastle.Crypto.Digests.Sha384Digest(),
        "2.16.840.1.101.3.4.2.3" => new Org.BouncyCastle.Crypto.Digests.Sha512Digest(),
        _ => throw new CmpException(CmpFailure.BadAlg, $"{where}: one-way function {oid.Id} is not supported."),
    };

    internal static readonly DerObjectIdentifier Sha1Oid = OiwObjectIdentifiers.IdSha1;
}

/// <summary>RFC 8018 §A.5 PBMAC1-params with PBKDF2-params (RFC 9481 §6.1.1).</summary>
internal sealed record Pbmac1Params(byte[] Salt, int Iterations, int KeyLength, HashAlgorithmName Prf, HashAlgorithmName Mac)
{
    internal static Pbmac1Params Parse(Asn1Encodable? parameters)
    {
        try
        {
            var seq = Asn1Sequence.GetInstance(parameters);
            var kdf = AlgorithmIdentifier.GetInstance(seq[0]);
            var scheme = AlgorithmIdentifier.GetInstance(seq[1]);
            if (!kdf.Algorithm.Equals(CmpMac.Pbkdf2Oid))
                throw new CmpException(CmpFailure.BadAlg, $"PBMAC1: key derivation {kdf.Algorithm.Id} is not PBKDF2.");
            var p = Pbkdf2Params.GetInstance(kdf.Parameters);
            var prf = p.Prf is null ? HashAlgorithmName.SHA1 : CmpMac.HashOfHmac(p.Prf.Algorithm, "PBMAC1 prf");
            var mac = CmpMac.HashOfHmac(scheme.Algorithm, "PBMAC1 messageAuthScheme");
            var length = p.KeyLength is { } kl ? kl.IntValueExact : (mac == HashAlgorithmName.SHA1 ? 20 : mac == HashAlgorithmName.SHA384 ? 48 : mac == HashAlgorithmName.SHA512 ? 64 : 32);
            if (length is < 16 or > 64) throw new CmpException(CmpFailure.BadAlg, $"PBMAC1: keyLength {length} is outside 16..64.");
            return new Pbmac1Params(p.GetSalt(), p.IterationCount.IntValueExact, length, prf, mac);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IndexOutOfRangeException or ArithmeticException)
        {
            throw new CmpException(CmpFailure.BadDataFormat, $"PBMAC1: malformed parameters ({e.Message}).", e);
        }
    }

    internal static Asn1Encodable Encode(byte[] salt, int iterations)
    {
        var hmac256 = new AlgorithmIdentifier(PkcsObjectIdentifiers.IdHmacWithSha256, DerNull.Instance);
        var kdf = new AlgorithmIdentifier(CmpMac.Pbkdf2Oid, new Pbkdf2Params(salt, iterations, 32, hmac256));
        return new DerSequence(kdf, hmac256);
    }
}
