using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Revocation;

/// <summary>The responseStatus of an OCSPResponse (RFC 6960 §4.2.1); the values are the ones on the wire.</summary>
public enum OcspResponseStatus
{
    /// <summary>The response carries certificate statuses.</summary>
    Successful = 0,
    /// <summary>The request did not conform to the OCSP syntax.</summary>
    MalformedRequest = 1,
    /// <summary>The responder reached an inconsistent internal state.</summary>
    InternalError = 2,
    /// <summary>The responder cannot answer now; try again later.</summary>
    TryLater = 3,
    /// <summary>The responder requires signed requests.</summary>
    SigRequired = 5,
    /// <summary>The client may not ask this responder (for example: it is not authoritative for the issuer).</summary>
    Unauthorized = 6,
}

/// <summary>What a responder's records say of one serial number at the instant it answers.</summary>
/// <param name="Status">Good, revoked or unknown (never issued by this CA).</param>
/// <param name="RevokedAt">When it was revoked; only for revoked.</param>
/// <param name="Reason">The CRL reason; only for revoked.</param>
public sealed record OcspRecord(OcspCertificateStatus Status, DateTimeOffset? RevokedAt = null, RevocationReason? Reason = null)
{
    /// <summary>Issued and not revoked.</summary>
    public static OcspRecord Good { get; } = new(OcspCertificateStatus.Good);

    /// <summary>Not issued by this CA.</summary>
    public static OcspRecord Unknown { get; } = new(OcspCertificateStatus.Unknown);
}

/// <summary>
/// An OCSP responder for one CA key (RFC 6960): answers good / revoked (with time and reason) / unknown from a lookup
/// into the CA's records, signed by the CA key itself or by a delegated responder certificate the CA issued
/// (id-kp-OCSPSigning, RFC 6960 §4.2.2.2). A request nonce of 1 to 32 octets is echoed (RFC 8954 §2.1). Bad requests are
/// answered, never thrown: malformedRequest for what does not parse or breaks the limits, unauthorized when no CertID names
/// this CA. Thread-safe: it holds no mutable state; the lookup must be safe to call from any thread.
/// </summary>
public sealed class OcspResponder
{
    /// <summary>At most this many bytes in a request: a request for a few certificates is a few hundred.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    /// <summary>At most this many CertIDs in one request.</summary>
    public const int MaxCertificatesPerRequest = 32;

    private readonly ISigningKey _key;
    private readonly Certificate? _delegated;
    private readonly PkiRandom _random;

    /// <summary>A responder for <paramref name="issuer"/>, signing with <paramref name="key"/>: the issuer's own key, or the key of <paramref name="delegated"/>.</summary>
    public OcspResponder(Certificate issuer, ISigningKey key, Certificate? delegated = null, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(key);
        var signer = delegated ?? issuer;
        if (!signer.PublicKey.Equals(key.PublicKey))
            throw new PolicyViolationException($"OCSP responder {signer.Subject}: the key does not match the certificate.");
        if (delegated is not null)
        {
            if (!delegated.IsSignedBy(issuer.PublicKey) || !delegated.Inner.IssuerDN.Equivalent(issuer.Inner.SubjectDN))
                throw new PolicyViolationException($"OCSP responder {delegated.Subject} was not certified by {issuer.Subject} (RFC 6960 §4.2.2.2).");
            var eku = delegated.Inner.GetExtendedKeyUsage();
            if (eku is null || !eku.Contains(KeyPurposeID.id_kp_OCSPSigning))
                throw new PolicyViolationException($"OCSP responder {delegated.Subject}: its certificate lacks id-kp-OCSPSigning (RFC 6960 §4.2.2.2).");
        }
        Issuer = issuer;
        _key = key;
        _delegated = delegated;
        _random = random ?? PkiRandom.System;
    }

    /// <summary>The CA whose certificates this responder speaks for.</summary>
    public Certificate Issuer { get; }

    /// <summary>The certificate whose key signs the responses: the issuer or the delegated responder.</summary>
    public Certificate Signer => _delegated ?? Issuer;

    /// <summary>
    /// Answers <paramref name="requestDer"/> at <paramref name="at"/> (thisUpdate and producedAt) with responses current for
    /// <paramref name="validity"/> (nextUpdate). <paramref name="lookup"/> gives the records' word on each serial.
    /// </summary>
    public byte[] Respond(ReadOnlySpan<byte> requestDer, DateTimeOffset at, TimeSpan validity, Func<SerialNumber, OcspRecord> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validity, TimeSpan.Zero);
        if (requestDer.Length == 0 || requestDer.Length > MaxRequestBytes) return Error(OcspResponseStatus.MalformedRequest);
        Req[] requests;
        X509Extension? nonce;
        try
        {
            var request = new OcspReq(requestDer.ToArray());
            requests = request.GetRequestList();
            nonce = request.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
            foreach (var one in requests) _ = one.GetCertID().SerialNumber;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Error(OcspResponseStatus.MalformedRequest);
        }
        if (requests.Length is 0 or > MaxCertificatesPerRequest) return Error(OcspResponseStatus.MalformedRequest);
        // RFC 8954 §2.1: a nonce longer than 32 octets (or empty) is refused as malformed.
        if (nonce is not null && NonceOctets(nonce) is not { Length: >= 1 and <= 32 }) return Error(OcspResponseStatus.MalformedRequest);

        var ids = requests.Select(r => r.GetCertID()).ToList();
        var ours = ids.Select(id => SafeMatches(id)).ToList();
        // Not authoritative for any CertID asked about: RFC 6960 §2.3 unauthorized.
        if (!ours.Contains(true)) return Error(OcspResponseStatus.Unauthorized);

        var thisUpdate = Seconds(at);
        var nextUpdate = Seconds(at + validity);
        var generator = new BasicOcspRespGenerator(new RespID(Signer.Inner.SubjectDN));
        for (var i = 0; i < ids.Count; i++)
        {
            var record = ours[i] && SerialOf(ids[i].SerialNumber) is { } serial ? lookup(serial) : OcspRecord.Unknown;
            CertificateStatus? status = record.Status switch
            {
                OcspCertificateStatus.Good => CertificateStatus.Good,
                OcspCertificateStatus.Revoked => new RevokedStatus(Seconds(record.RevokedAt ?? at), (int)(record.Reason ?? RevocationReason.Unspecified)),
                _ => new UnknownStatus(),
            };
            generator.AddResponse(ids[i], status, thisUpdate, nextUpdate, null);
        }
        if (nonce is not null)
            generator.SetResponseExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension> { [OcspObjectIdentifiers.PkixOcspNonce] = nonce }));
        // RFC 6960 §4.2.2.2: a delegated responder includes its certificate so the client can check the delegation.
        var chain = _delegated is null ? Array.Empty<Org.BouncyCastle.X509.X509Certificate>() : [_delegated.Inner];
        var basic = generator.Generate(Signing.Factory(_key, _random), chain, thisUpdate);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    /// <summary>An OCSPResponse with only a status and no body (RFC 6960 §4.2.1): malformedRequest, tryLater, unauthorized, ...</summary>
    public static byte[] Error(OcspResponseStatus status)
    {
        if (status == OcspResponseStatus.Successful)
            throw new ArgumentException("A successful OCSP response carries certificate statuses; use Respond.", nameof(status));
        return new OcspResponse(new Org.BouncyCastle.Asn1.Ocsp.OcspResponseStatus((int)status), null).GetEncoded();
    }

    private bool SafeMatches(CertificateID id)
    {
        try
        {
            return id.MatchesIssuer(Issuer.Inner);
        }
        catch (OcspException)
        {
            return false; // a hash algorithm we do not know: not a CertID we can be authoritative for
        }
    }

    private static byte[]? NonceOctets(X509Extension nonce)
    {
        try
        {
            // openssl and RFC 8954 wrap the nonce in an OCTET STRING inside extnValue.
            return Asn1OctetString.GetInstance(nonce.GetParsedValue()).GetOctets();
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            return null;
        }
    }

    private static SerialNumber? SerialOf(Org.BouncyCastle.Math.BigInteger serial) =>
        serial.SignValue > 0 ? new SerialNumber(serial.ToByteArrayUnsigned()) : null;

    private static DateTime Seconds(DateTimeOffset t) =>
        new DateTimeOffset(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).UtcDateTime;
}
