namespace Twin.Actors.Trust;

public sealed partial class CrlDistributionPoint
{
    private readonly Dictionary<string, byte[]> _cross = new(StringComparer.Ordinal);

    /// <summary>Publishes (or replaces) a cross-certificate under <paramref name="name"/> (holder and trust centre): an issuer for path building, never a trust anchor.</summary>
    public void PublishCrossCertificate(string name, byte[] certificate)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(certificate);
        lock (_gate)
        {
            _cross[name] = certificate;
            _version++;
        }
    }

    /// <summary>Everything published now — CA certificates with their CRLs, and cross-certificates — as one consistent view.</summary>
    public TrustView View()
    {
        lock (_gate)
            return new TrustView(_version, [.. _byCa.Values.OrderBy(e => e.Name, StringComparer.Ordinal)], [.. _cross.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new CrossEntry(p.Key, p.Value))]);
    }
}

/// <summary>A cross-certificate as published: its name (holder and trust centre) and DER.</summary>
public sealed record CrossEntry(string Name, byte[] Certificate);

/// <summary>What the distribution point held at one moment: what a relying party validates against (live, or the copy it pulled last).</summary>
public sealed record TrustView(long Version, IReadOnlyList<CrlDistributionPoint.Entry> Entries, IReadOnlyList<CrossEntry> CrossCertificates)
{
    /// <summary>Nothing published.</summary>
    public static TrustView Empty { get; } = new(-1, [], []);
}
