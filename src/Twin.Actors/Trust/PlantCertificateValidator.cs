using Twin.Actors.Clock;
using Twin.OpcUa.Security;

namespace Twin.Actors.Trust;

/// <summary>
/// Validates OPC UA peer certificates against a view of the plant's distribution point — live (what it holds at the
/// moment of the check) or the copy a relying party pulled last — at simulated now. Without an anchor every root is a
/// trust anchor; a relying party under a trust centre trusts that trust centre alone, and reaches other roots only
/// through cross-certificates.
/// </summary>
public sealed class PlantCertificateValidator : ICertificateValidator, IRejectingValidator, ITrustListStore
{
    private readonly Func<TrustView> _view;
    private readonly SimulationClock _clock;
    private readonly string? _anchor;
    private readonly Lock _gate = new();
    private (long Version, IReadOnlySet<string>? Listed, PkiCertificateValidator Validator)? _built;

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

    /// <summary>
    /// The trust-list model: the keys (SHA-256 of the SubjectPublicKeyInfo) of the CAs the relying party's checked trust-centre list
    /// names at the required level; they, and nothing else, are anchors. A null answer means no current list: no anchor at all. Null
    /// (the property): the cross-certification model, anchored as <see cref="IsAnchor"/> says.
    /// </summary>
    public Func<IReadOnlySet<string>?>? ListedAnchors { get; init; }

    /// <summary>A GDS-managed server's trust copy: what its ServerConfiguration reads and ApplyChanges replaces; null: the plant's view is read only.</summary>
    public GdsTrustCopy? Managed { get; init; }

    /// <summary>
    /// A server's sessions held across a restart: true for a client certificate to take as good once, unjudged (the session it reopens
    /// was judged at its first opening and an open session is not judged again); null: every certificate is judged.
    /// </summary>
    public Func<byte[], bool>? Held { get; set; }

    /// <summary>Where refused certificates are kept, with the status code each was refused with.</summary>
    public IRejectedCertificateStore Rejected { get; } = new RejectedCertificates();

    /// <inheritdoc />
    public IRejectedCertificateStore RejectedStore => Rejected;

    /// <inheritdoc />
    public CertificateVerdict Validate(CertificateCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (Held is { } held && check.Use == CertificateUse.ApplicationInstance && held(check.Certificate)) return CertificateVerdict.Good;
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

    private bool Anchored(CrlDistributionPoint.Entry entry, IReadOnlySet<string>? listed) => ListedAnchors is null
        ? IsAnchor(entry, _anchor)
        : listed is not null && listed.Contains(Entities.TrustCentre.AssuranceTrustList.KeyHashOf(Twin.Pki.Certificates.Certificate.FromDer(entry.CaCertificate)));

    // Parsing every CA certificate and CRL again on each handshake would be wasted work: rebuild only
    // when the view has changed.
    private PkiCertificateValidator Current()
    {
        var view = _view();
        var listed = ListedAnchors?.Invoke();
        lock (_gate)
        {
            if (_built is { } built && built.Version == view.Version && ReferenceEquals(built.Listed, listed)) return built.Validator;
            var validator = new PkiCertificateValidator(Rejected) { RevocationSource = RevocationSource };
            foreach (var e in view.Entries)
            {
                if (Anchored(e, listed)) validator.AddTrusted(e.CaCertificate);
                else validator.AddIssuer(e.CaCertificate);
                if (e.Crl is { } crl) validator.AddRevocationList(crl);
            }
            foreach (var c in view.CrossCertificates) validator.AddIssuer(c.Certificate);
            _built = (view.Version, listed, validator);
            return validator;
        }
    }

    /// <summary>The trust list as a TrustList file reads it: the GDS's delivery when managed, else the plant's view (anchors trusted, other CAs issuers, their CRLs).</summary>
    public (IReadOnlyList<byte[]> Trusted, IReadOnlyList<byte[]> Issuers, IReadOnlyList<byte[]> Crls) Snapshot()
    {
        if (Managed?.Current is { } delivered) return (delivered.TrustedCertificates, delivered.IssuerCertificates, [.. delivered.TrustedCrls, .. delivered.IssuerCrls]);
        var view = _view();
        var listed = ListedAnchors?.Invoke();
        return ([.. view.Entries.Where(e => Anchored(e, listed)).Select(e => e.CaCertificate)], [.. view.Entries.Where(e => !Anchored(e, listed)).Select(e => e.CaCertificate)],
            [.. view.Entries.Where(e => e.Crl is not null).Select(e => e.Crl!)]);
    }

    /// <summary>Installs a pushed trust list into the GDS trust copy; a server whose trust is not GDS-managed refuses (BadNotSupported).</summary>
    public void Replace(IEnumerable<byte[]> trusted, IEnumerable<byte[]> issuers, IEnumerable<byte[]> crls)
    {
        var copy = Managed ?? throw new Twin.OpcUa.Encoding.UaException(Twin.OpcUa.Encoding.StatusCodes.BadNotSupported, "This server's trust list is the plant's distribution point; it is not managed by a GDS.");
        copy.Replace(new Twin.OpcUa.Gds.TrustListData(Twin.OpcUa.Gds.TrustListMasks.All, [.. trusted], [.. crls], [.. issuers], []));
    }

    /// <summary>Nothing to keep: issuers of the plant's certificates are read from the distribution point at each check.</summary>
    public void AddIssuer(byte[] der)
    {
    }
}
