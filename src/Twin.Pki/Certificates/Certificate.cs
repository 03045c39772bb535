using System.Formats.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Security.Certificates;
using Org.BouncyCastle.X509;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;

namespace Twin.Pki.Certificates;

/// <summary>An X.509 certificate, immutable, with the facts the twin shows and reasons about.</summary>
public sealed class Certificate : IEquatable<Certificate>
{
    private readonly byte[] _der;
    private readonly SignatureMemo _signature = new();

    internal Certificate(X509Certificate certificate)
    {
        Inner = certificate;
        _der = certificate.GetEncoded();
        SerialNumber = new SerialNumber(certificate.SerialNumber.ToByteArrayUnsigned());
        PublicKey = new PublicKey(KeyGenerator.AlgorithmOf(certificate.GetPublicKey()), certificate.CertificateStructure.SubjectPublicKeyInfo.GetDerEncoded());
    }

    internal X509Certificate Inner { get; }

    /// <summary>The certificate's serial number.</summary>
    public SerialNumber SerialNumber { get; }

    /// <summary>The subject distinguished name in RFC 4514-like form.</summary>
    public string Subject => Inner.SubjectDN.ToString();

    /// <summary>The issuer distinguished name in RFC 4514-like form.</summary>
    public string Issuer => Inner.IssuerDN.ToString();

    /// <summary>Start of validity.</summary>
    public DateTimeOffset NotBefore => new(Inner.NotBefore.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>End of validity.</summary>
    public DateTimeOffset NotAfter => new(Inner.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>The subject public key.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>True when the basicConstraints extension marks this certificate as a CA.</summary>
    public bool IsCa => Inner.GetBasicConstraints() >= 0;

    /// <summary>True when the certificate carries RFC 9608 noRevAvail: its issuer will never publish its revocation status.</summary>
    public bool NoRevocationAvailable => Inner.GetExtensionValue(new Org.BouncyCastle.Asn1.DerObjectIdentifier("2.5.29.56")) is not null;

    /// <summary>The OCSP responder URLs of the authorityInfoAccess extension (id-ad-ocsp, RFC 5280 §4.2.2.1), in order; empty when none.</summary>
    public IReadOnlyList<string> OcspUrls => InformationAccess.OcspUrlsOf(Inner);

    /// <summary>True when subject and issuer are equal and the signature verifies with the certificate's own key.</summary>
    public bool IsSelfSigned => Inner.SubjectDN.Equivalent(Inner.IssuerDN) && IsSignedBy(PublicKey);

    /// <summary>
    /// True when this certificate names <paramref name="candidate"/>'s subject as its issuer, compared as a path is built (RFC 5280
    /// §7.1: the same attributes in the same order, values without regard to case or repeated white space). Names only, no signature.
    /// </summary>
    public bool NamesAsIssuer(Certificate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return string.Equals(Twin.Pki.Validation.NameKey.Of(Inner.IssuerDN), Twin.Pki.Validation.NameKey.Of(candidate.Inner.SubjectDN), StringComparison.Ordinal);
    }

    /// <summary>SHA-256 over the DER, lower-case hex.</summary>
    public string Thumbprint => Convert.ToHexStringLower(global::System.Security.Cryptography.SHA256.HashData(_der));

    /// <summary>A copy of the DER encoding.</summary>
    public byte[] GetDer() => (byte[])_der.Clone();

    // The DER as held, without a copy: for encoders that embed the certificate as it is (CMP extraCerts).
    internal ReadOnlySpan<byte> Der => _der;

    /// <summary>The PEM encoding ("CERTIFICATE").</summary>
    public string ToPem() => Pem.Encode("CERTIFICATE", _der);

    /// <summary>Whether the certificate is within its validity period at <paramref name="instant"/>.</summary>
    public ValidityStatus ValidityAt(DateTimeOffset instant) =>
        instant < NotBefore ? ValidityStatus.NotYetValid : instant > NotAfter ? ValidityStatus.Expired : ValidityStatus.Valid;

    /// <summary>True when this certificate's signature verifies with <paramref name="issuerKey"/>.</summary>
    public bool IsSignedBy(PublicKey issuerKey)
    {
        ArgumentNullException.ThrowIfNull(issuerKey);
        return _signature.Check(issuerKey, _der, key =>
        {
            try
            {
                return Inner.IsSignatureValid(key.ToParameter());
            }
            catch (Exception e) when (e is CertificateException or InvalidKeyException or ArgumentException or InvalidOperationException
                or SignatureException or SecurityUtilityException or InvalidCastException)
            {
                return false;
            }
        });
    }

    /// <summary>Parses a DER-encoded certificate.</summary>
    public static Certificate FromDer(ReadOnlySpan<byte> der)
    {
        if (ParsedCertificates.Find(der) is { } known) return known;
        try
        {
            var bytes = der.ToArray();
            var structure = X509CertificateStructure.GetInstance(bytes);
            return ParsedCertificates.Remember(bytes, new Certificate(new X509Certificate(structure)));
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"X.509 certificate: malformed DER ({e.Message}).", e);
        }
    }

    // A certificate made here (issued, not parsed): remembered under its DER, so parsing those bytes later returns it.
    internal static Certificate Remembered(Certificate made) => ParsedCertificates.Remember(made._der, made);

    /// <summary>Parses the first CERTIFICATE block of a PEM text.</summary>
    public static Certificate FromPem(string pem) => FromDer(Pem.Decode(pem, "CERTIFICATE"));

    /// <summary>Parses every CERTIFICATE block of a PEM text (a chain or trust-list bundle), in order.</summary>
    public static IReadOnlyList<Certificate> FromPemBundle(string pem) => [.. Pem.DecodeAll(pem, "CERTIFICATE").Select(der => FromDer(der))];

    /// <inheritdoc />
    public bool Equals(Certificate? other) => other is not null && _der.AsSpan().SequenceEqual(other._der);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Certificate c && Equals(c);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SerialNumber, _der.Length);

    /// <inheritdoc />
    public override string ToString() => $"Certificate({Subject}, serial {SerialNumber}, issuer {Issuer})";
}

/// <summary>Where an instant falls relative to a certificate's validity period.</summary>
public enum ValidityStatus
{
    /// <summary>Before notBefore.</summary>
    NotYetValid,
    /// <summary>Between notBefore and notAfter, inclusive.</summary>
    Valid,
    /// <summary>After notAfter.</summary>
    Expired,
}

/// <summary>A certificate serial number: a positive integer, shown as lower-case hex without leading zeros.</summary>
public sealed record SerialNumber
{
    /// <summary>Creates a serial from its unsigned big-endian bytes.</summary>
    public SerialNumber(byte[] unsignedBigEndian)
    {
        ArgumentNullException.ThrowIfNull(unsignedBigEndian);
        var trimmed = unsignedBigEndian.AsSpan().TrimStart((byte)0);
        if (trimmed.IsEmpty) throw new PkiFormatException("Serial number: zero is not a valid certificate serial (RFC 5280 §4.1.2.2).");
        Hex = Convert.ToHexStringLower(trimmed);
    }

    /// <summary>Lower-case hex, no leading zeros.</summary>
    public string Hex { get; }

    /// <summary>
    /// The serial of a DER certificate, read from the start of its TBSCertificate without parsing the rest (no names, no key):
    /// for folds that only need the serial. A negative serial, or an encoding that is not DER, is left to
    /// <see cref="Certificate.FromDer"/>, so for a certificate the answer is the one a full parse gives.
    /// </summary>
    public static SerialNumber OfCertificate(ReadOnlySpan<byte> der)
    {
        try
        {
            const AsnEncodingRules Der = AsnEncodingRules.DER;
            AsnDecoder.ReadSequence(der, Der, out var at, out var length, out _);
            var certificate = der.Slice(at, length);
            AsnDecoder.ReadSequence(certificate, Der, out at, out length, out _);
            var tbs = certificate.Slice(at, length);
            if (Asn1Tag.TryDecode(tbs, out var tag, out _) && tag == new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true))
            {
                AsnDecoder.ReadEncodedValue(tbs, Der, out _, out _, out var version);
                tbs = tbs[version..];
            }
            var serial = AsnDecoder.ReadIntegerBytes(tbs, Der, out _);
            if ((serial[0] & 0x80) == 0) return new SerialNumber(serial.ToArray());
        }
        catch (AsnContentException)
        {
        }
        return Certificate.FromDer(der).SerialNumber;
    }

    /// <summary>Parses a hex serial (case-insensitive, optional colons).</summary>
    public static SerialNumber Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var clean = hex.Replace(":", "", StringComparison.Ordinal).Trim();
        if (clean.Length % 2 == 1) clean = "0" + clean;
        try
        {
            return new SerialNumber(Convert.FromHexString(clean));
        }
        catch (FormatException e)
        {
            throw new PkiFormatException($"Serial number '{hex}': not hexadecimal.", e);
        }
    }

    internal Org.BouncyCastle.Math.BigInteger ToBigInteger() => new(Hex, 16);

    /// <inheritdoc />
    public override string ToString() => Hex;
}
