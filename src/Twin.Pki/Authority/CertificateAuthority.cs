using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Authority;

/// <summary>
/// A certification authority: its certificate and signing key. Issues certificates under the
/// profile rules, with serials unique per CA (at least 64 random bits) and validity clamped to
/// its own. Not thread-safe: one owner (an actor) drives it.
/// </summary>
public sealed partial class CertificateAuthority
{
    private readonly ISigningKey _key;
    private readonly PkiRandom _random;
    private readonly SerialSet _issuedSerials = new();

    /// <summary>Wraps an existing CA certificate and its key; the key must match the certificate.</summary>
    public CertificateAuthority(Certificate certificate, KeyPair key, PkiRandom? random = null)
        : this(certificate, (ISigningKey)key, random)
    {
    }

    /// <summary>Wraps a CA certificate whose key lives in a key store (secure element, PKCS#11 token); the key must match the certificate.</summary>
    public CertificateAuthority(Certificate certificate, ISigningKey key, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(key);
        if (!certificate.IsCa)
            throw new PolicyViolationException($"Certificate {certificate.Subject} is not a CA certificate (basicConstraints cA is not set).");
        if (!certificate.PublicKey.Equals(key.PublicKey))
            throw new PolicyViolationException($"The key does not match the public key of CA certificate {certificate.Subject}.");
        Certificate = certificate;
        _key = key;
        _random = random ?? PkiRandom.System;
    }

    /// <summary>The CA's own certificate.</summary>
    public Certificate Certificate { get; }

    /// <summary>Serials this CA has issued or been told about; never reused.</summary>
    public IReadOnlyCollection<SerialNumber> IssuedSerials => _issuedSerials;

    /// <summary>Creates a self-signed root CA certificate for <paramref name="key"/>.</summary>
    public static CertificateAuthority CreateRoot(string subject, KeyPair key, DateTimeOffset notBefore, DateTimeOffset notAfter, PkiRandom? random = null, int? pathLength = null) =>
        CreateRoot(subject, (ISigningKey)key, notBefore, notAfter, random, pathLength);

    /// <summary>Creates a self-signed root CA certificate for a key held in a key store.</summary>
    public static CertificateAuthority CreateRoot(string subject, ISigningKey key, DateTimeOffset notBefore, DateTimeOffset notAfter, PkiRandom? random = null, int? pathLength = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var rng = random ?? PkiRandom.System;
        var request = new IssuanceRequest(subject, key.PublicKey, CertificateProfile.RootCa, notBefore, notAfter) { PathLength = pathLength };
        ProfileRules.Check(request);
        var name = DistinguishedNames.Parse(subject);
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(NewSerial(rng, _ => false));
        generator.SetIssuerDN(name);
        generator.SetSubjectDN(name);
        generator.SetNotBefore(notBefore.UtcDateTime);
        generator.SetNotAfter(notAfter.UtcDateTime);
        var publicKey = key.PublicKey.ToParameter();
        generator.SetPublicKey(publicKey);
        ProfileRules.AddExtensions(generator, request, publicKey, issuer: null);
        var certificate = new Certificate(generator.Generate(Signing.Factory((ISigningKey)key, rng)));
        var ca = new CertificateAuthority(certificate, (ISigningKey)key, rng);
        ca._issuedSerials.Add(certificate.SerialNumber);
        return ca;
    }

    /// <summary>Records a serial issued earlier (for example, recovered from a journal) so it is never reused.</summary>
    public void RecordIssued(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        _issuedSerials.Add(serial);
    }

    /// <summary>Records every serial of <paramref name="serials"/> as issued earlier (a CA restored from its journal or taking over from a predecessor).</summary>
    public void RecordIssued(SerialSet serials)
    {
        ArgumentNullException.ThrowIfNull(serials);
        _issuedSerials.UnionWith(serials);
    }

    /// <summary>Issues a certificate for a PKCS#10 request after checking its proof of possession; <paramref name="random"/> overrides the CA's randomness for this one certificate.</summary>
    public Certificate Issue(CertificationRequest csr, CertificateProfile profile, DateTimeOffset notBefore, DateTimeOffset notAfter, Func<IssuanceRequest, IssuanceRequest>? customize = null, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(csr);
        if (!csr.IsSignatureValid) throw NoProofOfPossession(csr);
        return Issue(RequestFor(csr, profile, notBefore, notAfter, customize), random);
    }

    /// <summary>Issues a certificate for <paramref name="request"/>. Nothing is consumed when a rule fails. <paramref name="random"/> overrides the CA's randomness for this one certificate.</summary>
    public Certificate Issue(IssuanceRequest request, PkiRandom? random = null) => SignOrRelease(Prepare(request, random));

    // The names the requester asked for are the starting point; the customize step (the RA's policy) may change them.
    private static IssuanceRequest RequestFor(CertificationRequest csr, CertificateProfile profile, DateTimeOffset notBefore, DateTimeOffset notAfter, Func<IssuanceRequest, IssuanceRequest>? customize)
    {
        var request = new IssuanceRequest(csr.Subject, csr.PublicKey, profile, notBefore, notAfter)
        {
            UriNames = csr.RequestedUris,
            DnsNames = csr.RequestedDnsNames,
            IpAddresses = csr.RequestedIpAddresses,
        };
        return customize is null ? request : customize(request);
    }

    private static PolicyViolationException NoProofOfPossession(CertificationRequest csr) =>
        new($"PKCS#10 request for '{csr.Subject}': the signature does not verify with the enclosed public key (no proof of possession).");

    private Certificate Sign(IssuanceRequest clamped, Org.BouncyCastle.Asn1.X509.X509Name subject, PkiRandom rng) => SignOrRelease(Reserve(clamped, subject, rng));

    // A signature that fails (a key store that refuses, a token gone) leaves no serial taken.
    private Certificate SignOrRelease(PreparedCertificate prepared)
    {
        try
        {
            return Sign(prepared);
        }
        catch
        {
            Release(prepared);
            throw;
        }
    }

    /// <summary>
    /// When true the CA signs CA certificates its own pathLenConstraint forbids: only for attack scenarios that model a
    /// careless or compromised CA, so that relying parties can be shown rejecting the result. Off by default.
    /// </summary>
    public bool AllowMisissuance { get; set; }

    // RFC 5280 §4.2.1.9: a relying party would reject what a CA certifies beyond its pathLenConstraint; refuse up front.
    private void CheckOwnPathLength(IssuanceRequest request)
    {
        if (AllowMisissuance || !ProfileRules.IsCa(request.Profile)) return;
        var own = Certificate.Inner.GetBasicConstraints();
        if (own == 0)
            throw new PolicyViolationException($"CA {Certificate.Subject}: pathLen 0 forbids certifying another CA ('{request.Subject}') (RFC 5280 §4.2.1.9).");
        if (own is > 0 and < int.MaxValue && request.PathLength >= own)
            throw new PolicyViolationException($"CA {Certificate.Subject}: requested pathLen {request.PathLength} for '{request.Subject}' must be below its own {own} (RFC 5280 §4.2.1.9).");
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);

    // RFC 5280 §4.1.2.2: positive, at most 20 octets. 127 random bits: well above the 64 the CA/B and the issue ask for.
    private static BigInteger NewSerial(PkiRandom random, Func<SerialNumber, bool> taken)
    {
        Span<byte> bytes = stackalloc byte[16];
        while (true)
        {
            random.NextBytes(bytes);
            bytes[0] &= 0x7F;
            if (bytes[0] == 0) bytes[0] = 0x40; // keep 16 significant octets, so every serial shows the same length
            var serial = new BigInteger(1, bytes.ToArray());
            if (!taken(new SerialNumber(serial.ToByteArrayUnsigned()))) return serial;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"CertificateAuthority({Certificate.Subject}, key withheld)";
}
