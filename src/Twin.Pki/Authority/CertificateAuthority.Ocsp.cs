using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Authority;

/// <summary>OCSP responses (RFC 6960) from this CA's revocation records.</summary>
public sealed partial class CertificateAuthority
{
    /// <summary>
    /// Answers an OCSP request (DER) for certificates of this CA: good, revoked (with reason and time) or unknown
    /// (not issued here). Signed by the CA itself or, when given, by a delegated responder whose certificate this CA
    /// issued under the OcspSigner profile (RFC 6960 §4.2.2.2). A request nonce is echoed (RFC 8954). A request that
    /// does not parse is answered malformedRequest; one that names no certificate of this CA, unauthorized.
    /// </summary>
    public byte[] RespondOcsp(ReadOnlySpan<byte> requestDer, DateTimeOffset producedAt, TimeSpan validity, Certificate? responderCertificate = null, ISigningKey? responderKey = null)
    {
        if ((responderCertificate is null) != (responderKey is null))
            throw new ArgumentException("A delegated OCSP responder needs both its certificate and its key.", nameof(responderKey));
        return CreateOcspResponder(responderCertificate, responderKey).Respond(requestDer, producedAt, validity, OcspRecordOf);
    }

    /// <summary>
    /// A responder for this CA key that signs with the CA key itself, or with <paramref name="delegatedKey"/> of
    /// <paramref name="delegated"/> (an OcspSigner certificate this CA issued). It answers from any lookup, so a caller
    /// can serve it from a snapshot of the records on other threads.
    /// </summary>
    public OcspResponder CreateOcspResponder(Certificate? delegated = null, ISigningKey? delegatedKey = null)
    {
        if ((delegated is null) != (delegatedKey is null))
            throw new ArgumentException("A delegated OCSP responder needs both its certificate and its key.", nameof(delegatedKey));
        return new OcspResponder(Certificate, delegatedKey ?? _key, delegated, PkiRandom.System);
    }

    /// <summary>What this CA's records say of <paramref name="serial"/> now: unknown when it was never issued here.</summary>
    public OcspRecord OcspRecordOf(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (!_issuedSerials.Contains(serial)) return OcspRecord.Unknown;
        return _revoked.TryGetValue(serial, out var record) ? new OcspRecord(OcspCertificateStatus.Revoked, record.At, record.Reason) : OcspRecord.Good;
    }
}
