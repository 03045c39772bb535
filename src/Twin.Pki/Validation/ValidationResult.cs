using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Pki.Validation;

/// <summary>The overall verdict of a path validation.</summary>
public enum ValidationStatus
{
    /// <summary>A path to a trust anchor exists and every check passed.</summary>
    Valid,
    /// <summary>Every candidate path failed a check other than revocation availability.</summary>
    Invalid,
    /// <summary>The path is otherwise valid, but a required CRL was missing, stale or unusable.</summary>
    RevocationUnknown,
}

/// <summary>Why a certificate in a path failed (or, as a warning, what could not be checked).</summary>
public enum ValidationReason
{
    /// <summary>No issuer certificate leads to a trust anchor (RFC 5280 §6.1).</summary>
    IssuerNotFound,
    /// <summary>The signature does not verify with the issuer's key (RFC 5280 §6.1.3 (a)(1)).</summary>
    SignatureInvalid,
    /// <summary>The instant is before notBefore.</summary>
    NotYetValid,
    /// <summary>The instant is after notAfter.</summary>
    Expired,
    /// <summary>An issuer certificate is not a CA: basicConstraints missing or cA false (RFC 5280 §6.1.4 (k)).</summary>
    NotACa,
    /// <summary>More CA certificates below an issuer than its pathLenConstraint allows (RFC 5280 §6.1.4 (l)).</summary>
    PathLengthExceeded,
    /// <summary>An issuer certificate's keyUsage lacks keyCertSign (RFC 5280 §6.1.4 (n)).</summary>
    KeyCertSignNotAllowed,
    /// <summary>A name lies outside the permitted or inside the excluded subtrees (RFC 5280 §6.1.3 (b), (c)).</summary>
    NameConstraintViolation,
    /// <summary>A critical extension that is not understood (RFC 5280 §4.2).</summary>
    UnrecognizedCriticalExtension,
    /// <summary>No certificate policy acceptable to the whole path while one is required (RFC 5280 §6.1.3 (f), §6.1.5 (g)).</summary>
    PolicyNotAcceptable,
    /// <summary>A policy mapping to or from anyPolicy (RFC 5280 §6.1.4 (a)).</summary>
    PolicyMappingInvalid,
    /// <summary>The end-entity certificate's keyUsage lacks a bit the policy demands (RFC 5280 §4.2.1.3).</summary>
    KeyUsageNotAllowed,
    /// <summary>The end-entity certificate's extendedKeyUsage does not allow the purpose the policy demands.</summary>
    PurposeNotAllowed,
    /// <summary>The certificate is listed on its issuer's current CRL (including certificateHold).</summary>
    Revoked,
    /// <summary>No CRL from the issuer is available.</summary>
    CrlMissing,
    /// <summary>The issuer's only CRLs are past their nextUpdate.</summary>
    CrlExpired,
    /// <summary>The issuer's only CRLs have a thisUpdate after the instant.</summary>
    CrlNotYetValid,
    /// <summary>The CRL's signature does not verify with the issuer's key or any authorised CRL signer's.</summary>
    CrlSignatureInvalid,
    /// <summary>The key that signed the CRL is not allowed to (keyUsage without cRLSign, RFC 5280 §6.3.3 (f)).</summary>
    CrlSignerNotAuthorized,
    /// <summary>The CRL or its entry carries a critical extension that is not understood (RFC 5280 §5.2, §5.3).</summary>
    CrlUnsupported,
    /// <summary>The OCSP responder the certificate names cannot be reached, and no cached answer is current (RFC 6960).</summary>
    OcspUnavailable,
    /// <summary>The OCSP answer is an error, not current, not for this certificate, without the nonce, or not signed by the issuer or its delegated responder (RFC 6960 §3.2).</summary>
    OcspResponseInvalid,
    /// <summary>The OCSP responder answered unknown: it does not know the certificate (RFC 6960 §2.2).</summary>
    OcspStatusUnknown,
}

/// <summary>The verdict for one certificate of the path.</summary>
/// <param name="Certificate">The certificate.</param>
/// <param name="Errors">What failed for this certificate; empty when it passed.</param>
/// <param name="Warnings">What could not be checked but is tolerated by the policy.</param>
/// <param name="Revocation">Its revocation state at the instant.</param>
/// <param name="RevocationReason">The CRL reason when revoked or on hold.</param>
/// <param name="IsTrustAnchor">True for the trust anchor at the top of the path.</param>
public sealed record CertificateVerdict(
    Certificate Certificate,
    IReadOnlyList<ValidationReason> Errors,
    IReadOnlyList<ValidationReason> Warnings,
    RevocationState Revocation,
    RevocationReason? RevocationReason,
    bool IsTrustAnchor);

/// <summary>Revocation state of one certificate.</summary>
public enum RevocationState
{
    /// <summary>Not checked (trust anchor, revocation off, or an earlier failure).</summary>
    NotChecked,
    /// <summary>A current CRL does not list it.</summary>
    Good,
    /// <summary>A current CRL lists it.</summary>
    Revoked,
    /// <summary>No usable current CRL (or, by OCSP, no current answer).</summary>
    Unknown,
    /// <summary>The certificate declares that no revocation status will ever be published (RFC 9608 noRevAvail).</summary>
    NotApplicable,
}

/// <summary>The structured result of a path validation: a verdict and, per certificate from the end entity up to the trust anchor, what passed and what failed.</summary>
public sealed record ValidationResult(ValidationStatus Status, IReadOnlyList<CertificateVerdict> Path)
{
    /// <summary>True when <see cref="Status"/> is <see cref="ValidationStatus.Valid"/>.</summary>
    public bool IsValid => Status == ValidationStatus.Valid;

    /// <summary>Every error in the path, end entity first.</summary>
    public IEnumerable<ValidationReason> Errors => Path.SelectMany(v => v.Errors);

    internal static bool IsRevocationUnknown(ValidationReason r) =>
        r is ValidationReason.CrlMissing or ValidationReason.CrlExpired or ValidationReason.CrlNotYetValid
            or ValidationReason.CrlSignatureInvalid or ValidationReason.CrlSignerNotAuthorized or ValidationReason.CrlUnsupported
            or ValidationReason.OcspUnavailable or ValidationReason.OcspResponseInvalid or ValidationReason.OcspStatusUnknown;

    internal static ValidationStatus StatusOf(IEnumerable<CertificateVerdict> path)
    {
        var errors = path.SelectMany(v => v.Errors).ToList();
        if (errors.Count == 0) return ValidationStatus.Valid;
        return errors.All(IsRevocationUnknown) ? ValidationStatus.RevocationUnknown : ValidationStatus.Invalid;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{Status}: " + string.Join(" <- ", Path.Reverse().Select(v => $"{v.Certificate.Subject}[{string.Join(',', v.Errors)}]"));
}
