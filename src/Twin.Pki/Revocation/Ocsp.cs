using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Twin.Pki.Certificates;

namespace Twin.Pki.Revocation;

/// <summary>The status an OCSP responder gives for one certificate (RFC 6960 §2.2).</summary>
public enum OcspCertificateStatus
{
    /// <summary>Not revoked.</summary>
    Good,
    /// <summary>Revoked or on hold.</summary>
    Revoked,
    /// <summary>The responder does not know the certificate.</summary>
    Unknown,
}

/// <summary>One certificate's status from a verified OCSP response.</summary>
public sealed record OcspStatus(OcspCertificateStatus Status, RevocationReason? Reason, DateTimeOffset? RevokedAt, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate);

/// <summary>Builds OCSP requests and reads responses (RFC 6960), checking who signed them.</summary>
public static class Ocsp
{
    /// <summary>A DER OCSPRequest for <paramref name="certificate"/> (SHA-1 CertID, as RFC 5019 responders expect), with an optional nonce.</summary>
    public static byte[] CreateRequest(Certificate certificate, Certificate issuer, byte[]? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(new AlgorithmIdentifier(Org.BouncyCastle.Asn1.Oiw.OiwObjectIdentifiers.IdSha1, DerNull.Instance), issuer.Inner, certificate.Inner.SerialNumber));
        if (nonce is not null)
        {
            var extensions = new X509ExtensionsGenerator();
            extensions.AddExtension(OcspObjectIdentifiers.PkixOcspNonce, false, new DerOctetString(nonce));
            generator.SetRequestExtensions(extensions.Generate());
        }
        return generator.Generate().GetEncoded();
    }

    /// <summary>
    /// Reads the status of <paramref name="certificate"/> from a DER OCSPResponse. The response must be signed by the
    /// issuer or by a responder certificate the issuer signed with the OCSPSigning purpose (RFC 6960 §4.2.2.2), and must be
    /// current at <paramref name="at"/>; otherwise a <see cref="PkiException"/> says why.
    /// </summary>
    public static OcspStatus ReadResponse(ReadOnlySpan<byte> responseDer, Certificate certificate, Certificate issuer, DateTimeOffset at) =>
        ReadResponse(responseDer, certificate, issuer, at, expectedNonce: null);

    /// <summary>
    /// As <see cref="ReadResponse(ReadOnlySpan{byte}, Certificate, Certificate, DateTimeOffset)"/>, and when
    /// <paramref name="expectedNonce"/> is given the response must echo it (RFC 8954 §2.1): a replayed answer is refused.
    /// </summary>
    public static OcspStatus ReadResponse(ReadOnlySpan<byte> responseDer, Certificate certificate, Certificate issuer, DateTimeOffset at, byte[]? expectedNonce)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        BasicOcspResp basic;
        try
        {
            var response = new OcspResp(responseDer.ToArray());
            if (response.Status != OcspRespStatus.Successful)
                throw new PolicyViolationException($"OCSP response: status {response.Status}, not successful.");
            basic = (BasicOcspResp)response.GetResponseObject();
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"OCSP response: malformed ({e.Message}).", e);
        }
        if (expectedNonce is not null && !NonceOf(basic).AsSpan().SequenceEqual(expectedNonce))
            throw new PolicyViolationException("OCSP response: the nonce of the request is not echoed (RFC 8954 §2.1).");
        if (!SignedByIssuerOrDelegate(basic, issuer, at))
            throw new PolicyViolationException($"OCSP response: not signed by {issuer.Subject} or a responder it authorised (RFC 6960 §4.2.2.2).");
        foreach (var single in basic.Responses)
        {
            var id = single.GetCertID();
            if (!id.SerialNumber.Equals(certificate.Inner.SerialNumber) || !id.MatchesIssuer(issuer.Inner)) continue;
            var thisUpdate = new DateTimeOffset(single.ThisUpdate.ToUniversalTime(), TimeSpan.Zero);
            DateTimeOffset? nextUpdate = single.NextUpdate is DateTime n ? new DateTimeOffset(n.ToUniversalTime(), TimeSpan.Zero) : null;
            if (thisUpdate > at || nextUpdate < at)
                throw new PolicyViolationException($"OCSP response for serial {certificate.SerialNumber}: not current at {at:O} (thisUpdate {thisUpdate:O}, nextUpdate {nextUpdate:O}).");
            return single.GetCertStatus() switch
            {
                null => new OcspStatus(OcspCertificateStatus.Good, null, null, thisUpdate, nextUpdate),
                RevokedStatus r => new OcspStatus(OcspCertificateStatus.Revoked, r.HasRevocationReason ? (RevocationReason)r.RevocationReason : RevocationReason.Unspecified,
                    new DateTimeOffset(r.RevocationTime.ToUniversalTime(), TimeSpan.Zero), thisUpdate, nextUpdate),
                _ => new OcspStatus(OcspCertificateStatus.Unknown, null, null, thisUpdate, nextUpdate),
            };
        }
        throw new PolicyViolationException($"OCSP response: no answer for serial {certificate.SerialNumber}.");
    }

    /// <summary>The responseStatus of a DER OCSPResponse; a <see cref="PkiFormatException"/> when it is not one.</summary>
    public static OcspResponseStatus StatusOf(ReadOnlySpan<byte> responseDer)
    {
        try
        {
            return (OcspResponseStatus)new OcspResp(responseDer.ToArray()).Status;
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"OCSP response: malformed ({e.Message}).", e);
        }
    }

    private static byte[] NonceOf(BasicOcspResp basic)
    {
        var value = basic.ResponseExtensions?.GetExtension(OcspObjectIdentifiers.PkixOcspNonce);
        return value is null ? [] : Asn1OctetString.GetInstance(value.GetParsedValue()).GetOctets();
    }

    private static bool SignedByIssuerOrDelegate(BasicOcspResp basic, Certificate issuer, DateTimeOffset at)
    {
        if (basic.Verify(issuer.Inner.GetPublicKey())) return true;
        foreach (var responder in basic.GetCerts() ?? [])
        {
            var eku = responder.GetExtendedKeyUsage();
            if (eku is null || !eku.Contains(KeyPurposeID.id_kp_OCSPSigning)) continue;
            if (responder.NotBefore.ToUniversalTime() > at.UtcDateTime || responder.NotAfter.ToUniversalTime() < at.UtcDateTime) continue;
            if (!responder.IssuerDN.Equivalent(issuer.Inner.SubjectDN) || !responder.IsSignatureValid(issuer.Inner.GetPublicKey())) continue;
            if (basic.Verify(responder.GetPublicKey())) return true;
        }
        return false;
    }
}
