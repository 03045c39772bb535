using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
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
    /// issued under the OcspSigner profile (RFC 6960 §4.2.2.2). A request nonce is echoed (RFC 8954).
    /// </summary>
    public byte[] RespondOcsp(ReadOnlySpan<byte> requestDer, DateTimeOffset producedAt, TimeSpan validity, Certificate? responderCertificate = null, ISigningKey? responderKey = null)
    {
        if ((responderCertificate is null) != (responderKey is null))
            throw new ArgumentException("A delegated OCSP responder needs both its certificate and its key.", nameof(responderKey));
        if (responderCertificate is not null && !responderCertificate.PublicKey.Equals(responderKey!.PublicKey))
            throw new PolicyViolationException($"OCSP responder {responderCertificate.Subject}: the key does not match the certificate.");
        if (responderCertificate is not null && !responderCertificate.IsSignedBy(Certificate.PublicKey))
            throw new PolicyViolationException($"OCSP responder {responderCertificate.Subject} was not certified by {Certificate.Subject} (RFC 6960 §4.2.2.2).");
        OcspReq request;
        try
        {
            request = new OcspReq(requestDer.ToArray());
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"OCSP request: malformed DER ({e.Message}).", e);
        }
        var signerCert = responderCertificate ?? Certificate;
        var generator = new BasicOcspRespGenerator(new RespID(signerCert.Inner.SubjectDN));
        var thisUpdate = TruncateToSeconds(producedAt).UtcDateTime;
        var nextUpdate = TruncateToSeconds(producedAt + validity).UtcDateTime;
        foreach (var one in request.GetRequestList())
        {
            var id = one.GetCertID();
            CertificateStatus? status;
            if (!id.MatchesIssuer(Certificate.Inner))
                status = new UnknownStatus();
            else
            {
                var serial = SerialOf(id.SerialNumber);
                status = serial is null || !_issuedSerials.Contains(serial) ? new UnknownStatus()
                    : _revoked.TryGetValue(serial, out var record) ? new RevokedStatus(TruncateToSeconds(record.At).UtcDateTime, (int)record.Reason)
                    : CertificateStatus.Good;
            }
            generator.AddResponse(id, status, thisUpdate, nextUpdate, null);
        }
        var nonce = request.RequestExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
        if (nonce is not null)
            generator.SetResponseExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, X509Extension> { [OcspObjectIdentifiers.PkixOcspNonce] = nonce }));
        var key = responderKey ?? _key;
        var chain = responderCertificate is null ? Array.Empty<Org.BouncyCastle.X509.X509Certificate>() : [responderCertificate.Inner];
        var basic = generator.Generate(Signing.Factory(key, _random), chain, thisUpdate);
        return new OCSPRespGenerator().Generate(OCSPRespGenerator.Successful, basic).GetEncoded();
    }

    private static SerialNumber? SerialOf(Org.BouncyCastle.Math.BigInteger serial) =>
        serial.SignValue > 0 ? new SerialNumber(serial.ToByteArrayUnsigned()) : null;
}
