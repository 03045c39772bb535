using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Pki.Certificates;

namespace Twin.Web.Inspector;

/// <summary>How fresh a CRL is at simulated now (RFC 5280 §5.1.2.4–5: thisUpdate, nextUpdate).</summary>
public enum CrlFreshness
{
    /// <summary>The CA has published no CRL yet.</summary>
    None,
    /// <summary>thisUpdate ≤ now ≤ nextUpdate (or no nextUpdate).</summary>
    Current,
    /// <summary>now is before thisUpdate.</summary>
    NotYetValid,
    /// <summary>now is past nextUpdate: relying parties that require a current CRL refuse.</summary>
    Expired,
}

/// <summary>One CA the plant's relying parties trust or chain through, with its last CRL and how fresh it is at now.</summary>
public sealed record TrustEntry(EntityId Ca, string Subject, string SerialHex, bool IsAnchor, CertificateStatus Status, CrlView? Crl, CrlFreshness Freshness)
{
    /// <summary>How long until nextUpdate (positive) or since it passed (negative); null without one.</summary>
    public TimeSpan? UntilNextUpdate { get; init; }
}

/// <summary>
/// The trust list every entity of the plant works with: relying parties pull CA certificates and CRLs from the plant's
/// distribution point, so it is every CA's current certificate — self-signed ones as trust anchors — with its last CRL.
/// Pure: built from a snapshot at an instant, so a replayed instant shows the trust list as it was.
/// </summary>
public static class TrustList
{
    /// <summary>The trust list of <paramref name="snapshot"/> judged at <paramref name="now"/>: anchors first, then by id.</summary>
    public static IReadOnlyList<TrustEntry> Of(PlantSnapshot snapshot, SimInstant now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var entries = new List<TrustEntry>();
        foreach (var ca in snapshot.Entities.Values.Where(e => e.Kind == EntityKinds.CertificationAuthority && e.Current is not null))
        {
            var current = ca.Current!;
            var anchor = current.Subject == current.Issuer;
            entries.Add(new TrustEntry(ca.Id, current.Subject, current.SerialHex, anchor, current.StatusAt(now), ca.Crl, FreshnessOf(ca.Crl, now))
            {
                UntilNextUpdate = ca.Crl?.NextUpdate is { } next ? next - now.Utc : null,
            });
        }
        return [.. entries.OrderBy(e => e.IsAnchor ? 0 : 1).ThenBy(e => e.Ca.Value, StringComparer.Ordinal)];
    }

    /// <summary>The freshness of <paramref name="crl"/> at <paramref name="now"/>.</summary>
    public static CrlFreshness FreshnessOf(CrlView? crl, SimInstant now) =>
        crl is null ? CrlFreshness.None
        : now.Utc < crl.ThisUpdate ? CrlFreshness.NotYetValid
        : crl.IsExpiredAt(now) ? CrlFreshness.Expired
        : CrlFreshness.Current;

    /// <summary>The extensions of a certificate in a view, as the inspector lists them.</summary>
    public static IReadOnlyList<ExtensionText> ExtensionsOf(CertificateView certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return ExtensionsOf(certificate.Der);
    }

    /// <summary>The extensions of the certificate <paramref name="der"/>, as the inspector lists them.</summary>
    public static IReadOnlyList<ExtensionText> ExtensionsOf(ImmutableArray<byte> der) => CertificateExtensions.Describe(Certificate.FromDer(der.AsSpan()));
}
