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
    private readonly Lock _gate = new();
    private (long Version, PkiCertificateValidator Validator)? _built;

    /// <summary>Where refused certificates are kept, with the status code each was refused with.</summary>
    public IRejectedCertificateStore Rejected { get; } = new RejectedCertificates();

    /// <inheritdoc />
    public CertificateVerdict Validate(CertificateCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        // The stack passes its own clock's time; in the twin that is already simulated now.
        return Current().Validate(check with { At = check.At == default ? clock.Now.Utc : check.At });
    }

    // Parsing every CA certificate and CRL again on each handshake would be wasted work: rebuild only
    // when the distribution point has published something new.
    private PkiCertificateValidator Current()
    {
        var (version, entries) = distribution.Snapshot();
        lock (_gate)
        {
            if (_built is { } built && built.Version == version) return built.Validator;
            var validator = new PkiCertificateValidator(Rejected);
            foreach (var e in entries)
            {
                if (e.IsRoot) validator.AddTrusted(e.CaCertificate);
                else validator.AddIssuer(e.CaCertificate);
                if (e.Crl is { } crl) validator.AddRevocationList(crl);
            }
            _built = (version, validator);
            return validator;
        }
    }
}
