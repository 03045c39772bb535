using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Projections;

/// <summary>
/// How long after a revocation a relying party that pulls its trust list on a schedule went on without the CRL that
/// announces it: from the revocation to its first pull holding that CRL (or to the end of the run, if none did).
/// </summary>
public sealed record TrustListLag(string Ca, string Serial, SimInstant RevokedAt, string RelyingParty, SimInstant? SeenAt, TimeSpan Lag);

/// <summary>Folds revocations and trust-list pulls into <see cref="TrustListLag"/>s. Pure.</summary>
public static class TrustListAnalysis
{
    /// <summary>One lag per revocation and relying party that pulls; empty when nobody pulls (every publication is seen at once).</summary>
    public static IReadOnlyList<TrustListLag> Lags(IReadOnlyList<ITwinEvent> ordered, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        var pulls = ordered.OfType<DeviceTrustListPulled>()
            .GroupBy(p => p.Entity.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => (p.At, Numbers: Parse(p.Crls))).ToList(), StringComparer.Ordinal);
        if (pulls.Count == 0) return [];
        // The CRL that announced a revocation is the one the CA signed in the same instant (stored together with it).
        var announced = ordered.OfType<CrlPublished>().GroupBy(p => (p.Entity.Value, p.At)).ToDictionary(g => g.Key, g => g.Max(p => p.Number));
        var lags = new List<TrustListLag>();
        foreach (var revoked in ordered.OfType<CertificateRevoked>().Where(r => r.At <= end))
        {
            if (!announced.TryGetValue((revoked.Entity.Value, revoked.At), out var number)) continue;
            foreach (var (party, list) in pulls.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var seen = list.FirstOrDefault(p => p.At >= revoked.At && p.At <= end && p.Numbers.GetValueOrDefault(revoked.Entity.Value) >= number);
                var seenAt = seen.Numbers is null ? (SimInstant?)null : seen.At;
                lags.Add(new TrustListLag(revoked.Entity.Value, revoked.Serial, revoked.At, party, seenAt, (seenAt ?? end) - revoked.At));
            }
        }
        return lags;
    }

    private static Dictionary<string, long> Parse(IReadOnlyList<string> lines)
    {
        var numbers = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var cut = line.LastIndexOf('=');
            if (cut > 0 && long.TryParse(line.AsSpan(cut + 1), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n))
                numbers[line[..cut]] = n;
        }
        return numbers;
    }
}
