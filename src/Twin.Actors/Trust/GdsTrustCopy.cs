using Twin.OpcUa.Gds;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Trust;

/// <summary>
/// The trust list a GDS-managed PEA server holds: what its domain's GDS last delivered (pulled or pushed) — the domain CA's
/// certificate and CRL. The server judges revocation of every certificate that CA signed by the delivered CRL, so a revocation
/// reaches it only through the GDS; certificates, and CRLs of CAs the GDS says nothing about, come from the plant's
/// distribution point as for any relying party. Thread-safe: the server's threads read one delivery or the next, never a mix.
/// </summary>
public sealed class GdsTrustCopy
{
    private sealed record Delivery(TrustListData Data, long Generation, IReadOnlyList<(CertificateRevocationList Crl, byte[] Der)> Crls);

    private volatile Delivery? _current;
    private (long Live, long Generation, TrustView View)? _built;
    private readonly Lock _gate = new();

    /// <summary>What the GDS delivered last; null before the first delivery.</summary>
    public TrustListData? Current => _current?.Data;

    /// <summary>Installs a delivered trust list (every CRL must parse).</summary>
    public void Replace(TrustListData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var crls = data.TrustedCrls.Concat(data.IssuerCrls).Select(d => (CertificateRevocationList.FromDer(d), d)).ToList();
        lock (_gate) _current = new Delivery(data, (_current?.Generation ?? 0) + 1, crls);
    }

    /// <summary>
    /// The view the server validates against: <paramref name="live"/>'s certificates, and for each CA a delivered CRL signed by
    /// it (the newest) in place of the published one. Before the first delivery: <paramref name="live"/> as it is.
    /// </summary>
    public TrustView Over(TrustView live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var delivery = _current;
        if (delivery is null) return live;
        lock (_gate)
        {
            if (_built is { } b && b.Live == live.Version && b.Generation == delivery.Generation) return b.View;
            var entries = live.Entries.Select(e => DeliveredCrl(delivery, e.CaCertificate) is { } crl ? e with { Crl = crl } : e).ToList();
            var view = new TrustView(live.Version + (delivery.Generation << 40), entries, live.CrossCertificates);
            _built = (live.Version, delivery.Generation, view);
            return view;
        }
    }

    private static byte[]? DeliveredCrl(Delivery delivery, byte[] caCertificate)
    {
        var ca = Certificate.FromDer(caCertificate);
        byte[]? best = null;
        long number = long.MinValue;
        foreach (var (crl, der) in delivery.Crls)
            if (crl.Issuer == ca.Subject && (crl.CrlNumber ?? 0) > number && crl.IsSignedBy(ca.PublicKey)) (best, number) = (der, crl.CrlNumber ?? 0);
        return best;
    }

    /// <summary>One line per delivered CRL, "issuer=number", sorted: how the trust list reads in a report.</summary>
    public static IReadOnlyList<string> Describe(IEnumerable<byte[]> crls) =>
        [.. crls.Select(d => CertificateRevocationList.FromDer(d)).Select(c => $"{c.Issuer}={c.CrlNumber ?? 0}").Order(StringComparer.Ordinal)];
}
