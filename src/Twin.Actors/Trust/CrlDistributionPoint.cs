namespace Twin.Actors.Trust;

/// <summary>
/// The plant's CRL distribution point: where CAs publish their certificates and latest CRLs and
/// relying parties (the POL, PEA servers) fetch them when they check a certificate. A CA that is
/// cut off publishes nothing, so what relying parties fetch goes stale and finally lapses.
/// Runtime state rebuilt from the CAs' journals on start; thread-safe.
/// </summary>
public sealed partial class CrlDistributionPoint
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _byCa = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>What a CA has published.</summary>
    public sealed record Entry(byte[] CaCertificate, bool IsRoot, byte[]? Crl)
    {
        /// <summary>The name it was published under: the CA's id, or id#generation for a previous key.</summary>
        public string Name { get; init; } = "";
    }

    /// <summary>Publishes (or replaces) a CA's certificate and, when given, its latest CRL.</summary>
    public void Publish(string ca, byte[] caCertificate, bool isRoot, byte[]? crl)
    {
        ArgumentException.ThrowIfNullOrEmpty(ca);
        ArgumentNullException.ThrowIfNull(caCertificate);
        lock (_gate)
        {
            var keep = crl ?? (_byCa.TryGetValue(ca, out var old) ? old.Crl : null);
            _byCa[ca] = new Entry(caCertificate, isRoot, keep) { Name = ca };
            _version++;
        }
        Published?.Invoke(ca);
    }

    /// <summary>Removes what <paramref name="ca"/> published (a CA key that has closed); unknown names are ignored.</summary>
    public void Withdraw(string ca)
    {
        ArgumentException.ThrowIfNullOrEmpty(ca);
        lock (_gate)
        {
            if (_byCa.Remove(ca)) _version++;
        }
    }

    /// <summary>The version <see cref="Snapshot"/> would return now, without copying what is published.</summary>
    public long Version
    {
        get
        {
            lock (_gate) return _version;
        }
    }

    /// <summary>Everything published now, and a version that changes with every publication (for caching what is built from it).</summary>
    public (long Version, IReadOnlyList<Entry> Entries) Snapshot()
    {
        lock (_gate) return (_version, [.. _byCa.Values]);
    }
}
