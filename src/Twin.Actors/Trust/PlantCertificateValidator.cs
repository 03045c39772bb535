using Twin.Actors.Clock;
using Twin.OpcUa.Security;

namespace Twin.Actors.Trust;

/// <summary>
/// Validates OPC UA peer certificates against a view of the plant's distribution point — live (what it holds at the
/// moment of the check) or the copy a relying party pulled last — at simulated now. Without an anchor every root is a
/// trust anchor; a relying party under a trust centre trusts that trust centre alone, and reaches other roots only
/// through cross-certificates.
/// </summary>
public sealed class PlantCertificateValidator : ICertificateValidator, IRejectingValidator
{
    private readonly Func<TrustView> _view;
    private readonly SimulationClock _clock;
    private readonly string? _anchor;
    private readonly Lock _gate = new();
    private (long Version, PkiCertificateValidator Validator)? _built;

    /// <summary>Validates against what <paramref name="distribution"/> holds at each check; <paramref name="anchor"/> names the only trust anchor (a trust centre), null: every root.</summary>
    public PlantCertificateValidator(CrlDistributionPoint distribution, SimulationClock clock, string? anchor = null)
        : this(distribution is null ? throw new ArgumentNullException(nameof(distribution)) : distribution.View, clock, anchor)
    {
    }

    /// <summary>Validates against whatever view <paramref name="view"/> gives at each check (a pulled copy).</summary>
    public PlantCertificateValidator(Func<TrustView> view, SimulationClock clock, string? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(clock);
        _view = view;
        _clock = clock;
        _anchor = anchor;
    }

    /// <summary>Asked first for each certificate's revocation status (the plant's OCSP responders); null: CRLs only.</summary>
    public Twin.Pki.Validation.IRevocationSource? RevocationSource { get; init; }

    /// <summary>Where refused certificates are kept, with the status code each was refused with.</summary>
    public IRejectedCertificateStore Rejected { get; } = new RejectedCertificates();

    /// <inheritdoc />
    public IRejectedCertificateStore RejectedStore => Rejected;

    /// <inheritdoc />
    public CertificateVerdict Validate(CertificateCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        // The stack passes its own clock's time; in the twin that is already simulated now.
        return Current().Validate(check with { At = check.At == default ? _clock.Now.Utc : check.At });
    }

    /// <summary>Whether <paramref name="entry"/> is a trust anchor for a relying party anchored at <paramref name="anchor"/>.</summary>
    public static bool IsAnchor(CrlDistributionPoint.Entry entry, string? anchor)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (anchor is null) return entry.IsRoot;
        // The trust centre's current key and its previous keys (after a root key update) are anchors.
        return entry.Name == anchor || entry.Name.StartsWith(anchor + "#", StringComparison.Ordinal);
    }

    // Parsing every CA certificate and CRL again on each handshake would be wasted work: rebuild only
    // when the view has changed.
    private PkiCertificateValidator Current()
    {
        var view = _view();
        lock (_gate)
        {
            if (_built is { } built && built.Version == view.Version) return built.Validator;
            var validator = new PkiCertificateValidator(Rejected) { RevocationSource = RevocationSource };
            foreach (var e in view.Entries)
            {
                if (IsAnchor(e, _anchor)) validator.AddTrusted(e.CaCertificate);
                else validator.AddIssuer(e.CaCertificate);
                if (e.Crl is { } crl) validator.AddRevocationList(crl);
            }
            foreach (var c in view.CrossCertificates) validator.AddIssuer(c.Certificate);
            _built = (view.Version, validator);
            return validator;
        }
    }
}
