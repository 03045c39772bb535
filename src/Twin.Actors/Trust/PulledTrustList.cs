using Twin.Actors.Clock;
using Twin.Pki.Revocation;

namespace Twin.Actors.Trust;

/// <summary>
/// The revocation lists a relying party pulled from the distribution point at one instant: every CA's latest CRL as the
/// point held it then. In max mode a pull is deterministic: the clock serves an instant's wake-ups by priority, so every
/// CRL the authorities sign at that instant is published before the pull, and every probe at it comes after.
/// Certificates (CA and cross-certificates) are not part of the copy: relying parties read them from the point at each
/// check, so only revocation news lags, by at most the pull interval.
/// </summary>
public sealed record PulledTrustList(SimInstant At, IReadOnlyDictionary<string, byte[]> Crls, IReadOnlyDictionary<string, long> Numbers)
{
    /// <summary>The relying party's count of pulls when it took this copy: part of the view's version.</summary>
    public long Generation { get; init; }

    /// <summary>Takes the copy from <paramref name="view"/> as a pull at <paramref name="at"/> sees it.</summary>
    public static PulledTrustList Take(TrustView view, SimInstant at, long generation = 0)
    {
        ArgumentNullException.ThrowIfNull(view);
        var crls = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var numbers = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in view.Entries)
        {
            if (entry.Crl is not { } der) continue;
            crls[entry.Name] = der;
            numbers[entry.Name] = CertificateRevocationList.FromDer(der).CrlNumber ?? 0;
        }
        return new PulledTrustList(at, crls, numbers) { Generation = generation };
    }

    /// <summary>One line per CA, "name=number", in name order: what the journal records of a pull.</summary>
    public IReadOnlyList<string> Lines => [.. Numbers.Select(p => $"{p.Key}={p.Value}")];

    /// <summary>
    /// The view a relying party validates against: certificates as <paramref name="live"/> holds them now, CRLs from this
    /// copy. The view's version changes with either a publication or a pull.
    /// </summary>
    public TrustView Over(TrustView live)
    {
        ArgumentNullException.ThrowIfNull(live);
        var entries = live.Entries.Select(e => e with { Crl = Crls.GetValueOrDefault(e.Name) }).ToList();
        return new TrustView(live.Version + (Generation << 32), entries, live.CrossCertificates);
    }
}
