using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Pki.Validation;

/// <summary>
/// Where path validation learns whether a certificate is revoked, beside the CRLs it was given. A source may answer for a
/// certificate (OCSP for one that names a responder) or decline with null, and then the CRLs decide. Certificates with
/// RFC 9608 noRevAvail (short-lived) are never put to a source. Implementations must be thread-safe.
/// </summary>
public interface IRevocationSource
{
    /// <summary>The status of <paramref name="certificate"/> (issued by <paramref name="issuer"/>) at <paramref name="at"/>, or null to leave it to the CRLs.</summary>
    RevocationAnswer? Check(Certificate certificate, Certificate issuer, DateTimeOffset at);
}

/// <summary>A revocation source's word on one certificate.</summary>
/// <param name="State">Good, revoked or unknown.</param>
/// <param name="Reason">The revocation reason when revoked.</param>
/// <param name="Problem">Why the state is unknown (responder unreachable, bad response, status unknown).</param>
/// <param name="Detail">What happened, for a person reading the verdict.</param>
public sealed record RevocationAnswer(RevocationState State, RevocationReason? Reason = null, ValidationReason? Problem = null, string? Detail = null);
