using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Cms;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Pki.Cms;

/// <summary>The outcome of verifying CMS signed data: the signature, the signer's path at the instant, and the content.</summary>
/// <param name="SignatureValid">True when the signer's signature over the content verifies (RFC 5652 §5.6).</param>
/// <param name="Signer">The signer's certificate, when it was found in the message or the supplied certificates.</param>
/// <param name="SignerPath">The signer's path validation at the instant; null when no signer certificate was found.</param>
/// <param name="ContentType">The encapsulated content type.</param>
/// <param name="Content">The signed content (encapsulated or the detached bytes supplied).</param>
/// <param name="SigningTime">The signingTime attribute, when present.</param>
/// <param name="Problem">Why verification failed, in words; null when valid.</param>
public sealed record CmsVerification(bool SignatureValid, Certificate? Signer, ValidationResult? SignerPath, CmsContentType? ContentType, byte[]? Content, DateTimeOffset? SigningTime, string? Problem)
{
    /// <summary>True when the signature verifies and the signer's path is valid at the instant.</summary>
    public bool IsValid => SignatureValid && SignerPath?.IsValid == true;
}

/// <summary>Verifies CMS SignedData (RFC 5652) made by us or by another implementation, including the signer's chain at an instant.</summary>
public static class CmsVerifier
{
    /// <summary>
    /// Verifies <paramref name="cms"/> (DER or BER). For a detached signature pass the file as <paramref name="detachedContent"/>.
    /// The signer's certificate path is validated with <paramref name="validator"/> at <paramref name="at"/>, using the certificates
    /// in the message plus <paramref name="intermediates"/>, and <paramref name="crls"/>.
    /// </summary>
    public static CmsVerification Verify(ReadOnlySpan<byte> cms, byte[]? detachedContent, PathValidator validator, DateTimeOffset at, IEnumerable<Certificate>? intermediates = null, IEnumerable<CertificateRevocationList>? crls = null)
    {
        ArgumentNullException.ThrowIfNull(validator);
        CmsSignedData signed;
        try
        {
            signed = detachedContent is null ? new CmsSignedData(cms.ToArray()) : new CmsSignedData(new CmsProcessableByteArray(detachedContent), cms.ToArray());
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"CMS SignedData: malformed ({e.Message}).", e);
        }
        var contentType = signed.SignedContentType.Id switch
        {
            CmsSigner.VoucherOid => CmsContentType.JsonVoucher,
            var id when id == CmsObjectIdentifiers.Data.Id => CmsContentType.Data,
            _ => (CmsContentType?)null,
        };
        var content = detachedContent ?? Encapsulated(signed);
        if (content is null)
            return new CmsVerification(false, null, null, contentType, null, null, "Detached signature: the signed content was not supplied.");
        var embedded = signed.GetCertificates().EnumerateMatches(null).Select(c => new Certificate(c)).ToList();
        var pool = embedded.Concat(intermediates ?? []).ToList();
        var signers = signed.GetSignerInfos().GetSigners();
        if (signers.Count != 1)
            return new CmsVerification(false, null, null, contentType, content, null, $"Expected exactly one signer, found {signers.Count}.");
        var info = signers.First();
        var signer = pool.FirstOrDefault(c => info.SignerID.Match(c.Inner));
        var signingTime = SigningTime(info);
        if (signer is null)
            return new CmsVerification(false, null, null, contentType, content, signingTime, "The signer's certificate is neither in the message nor among the supplied certificates.");
        bool signatureValid;
        try
        {
            // Verify against the key: BouncyCastle's certificate overload also compares signingTime with the wall clock's idea of validity;
            // the path check below judges validity at the simulated instant instead.
            signatureValid = info.Verify(signer.Inner.GetPublicKey());
        }
        catch (Exception e) when (e is CmsException or Org.BouncyCastle.Security.SecurityUtilityException or InvalidOperationException)
        {
            signatureValid = false;
        }
        var path = validator.Validate(signer, at, pool, crls);
        var problem = !signatureValid ? "The signature does not verify over the content (content or signature altered)."
            : !path.IsValid ? $"The signer's certificate path is not valid at {at:O}: {path}"
            : null;
        return new CmsVerification(signatureValid, signer, path, contentType, content, signingTime, problem);
    }

    private static byte[]? Encapsulated(CmsSignedData signed)
    {
        if (signed.SignedContent is null) return null;
        using var buffer = new MemoryStream();
        signed.SignedContent.Write(buffer);
        return buffer.ToArray();
    }

    private static DateTimeOffset? SigningTime(SignerInformation info)
    {
        var attribute = info.SignedAttributes?[CmsAttributes.SigningTime];
        if (attribute is null || attribute.AttrValues.Count == 0) return null;
        var time = Time.GetInstance(attribute.AttrValues[0]);
        return new DateTimeOffset(time.ToDateTime().ToUniversalTime(), TimeSpan.Zero);
    }
}
