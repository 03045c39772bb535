using Twin.Actors.Clock;
using Twin.OpcUa.Security;

namespace Twin.Actors.Trust;

/// <summary>
/// Validates OPC UA peer certificates against what the plant's CRL distribution point holds at
/// the moment of the check: roots as trust anchors, other CAs as issuers, their latest CRLs — and
/// at simulated now, whatever instant the caller passes.
/// </summary>
public sealed class PlantCertificateValidator(CrlDistributionPoint distribution, SimulationClock clock) : ICertificateValidator
{
    /// <summary>Where refused certificates are kept, with the status code each was refused with.</summary>
    public IRejectedCertificateStore Rejected { get; } = new RejectedCertificates();

    /// <inheritdoc />
    public CertificateVerdict Validate(CertificateCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        var published = distribution.Snapshot();
        var validator = new PkiCertificateValidator(Rejected);
        foreach (var e in published)
        {
            if (e.IsRoot) validator.AddTrusted(e.CaCertificate);
            else validator.AddIssuer(e.CaCertificate);
            if (e.Crl is { } crl) validator.AddRevocationList(crl);
        }
        // The stack passes its own clock's time; in the twin that is already simulated now.
        return validator.Validate(check with { At = check.At == default ? clock.Now.Utc : check.At });
    }
}
