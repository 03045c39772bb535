using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Projections;

/// <summary>The blast radius of an issuing CA's compromise.</summary>
/// <param name="Ca">The compromised CA.</param>
/// <param name="CompromisedAt">When its parent revoked it.</param>
/// <param name="EntitiesAffected">Entities that held a certificate under the compromised key.</param>
/// <param name="CertificatesReplaced">How many of them installed a new certificate afterwards (up to the end of the run).</param>
/// <param name="Outage">Downtime of the POL–PEA links with an affected end, from the compromise until each link was good again (or the end).</param>
/// <param name="RecoveredAt">When the last affected entity installed its new certificate; null while one is still missing.</param>
public sealed record CaCompromiseImpact(string Ca, SimInstant CompromisedAt, int EntitiesAffected, int CertificatesReplaced, TimeSpan Outage, SimInstant? RecoveredAt);

/// <summary>Pure analysis of CA compromises in a run's events.</summary>
public static class CaCompromiseAnalysis
{
    /// <summary>The impact of every <see cref="CaCompromised"/> in <paramref name="ordered"/> (time order), measured up to <paramref name="end"/>.</summary>
    public static IReadOnlyList<CaCompromiseImpact> Impacts(IReadOnlyList<ITwinEvent> ordered, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        var result = new List<CaCompromiseImpact>();
        foreach (var compromise in ordered.OfType<CaCompromised>())
        {
            var affected = compromise.Affected.Select(a => a.Value).ToHashSet(StringComparer.Ordinal);
            var replacedAt = new Dictionary<string, SimInstant>(StringComparer.Ordinal);
            foreach (var install in ordered.OfType<DeviceCertificateInstalled>())
                if (install.At >= compromise.At && install.At <= end && affected.Contains(install.Entity.Value)) replacedAt.TryAdd(install.Entity.Value, install.At);
            var outage = TimeSpan.Zero;
            var links = RunAnalysis.Attempts(ordered)
                .Where(a => a.At >= compromise.At && a.At <= end && (affected.Contains(a.Entity.Value) || affected.Contains(a.Target.Value)))
                .GroupBy(a => (a.Entity.Value, a.Target.Value));
            foreach (var link in links)
            {
                SimInstant? down = null;
                foreach (var a in link)
                {
                    if (a.StatusCode != 0) down ??= a.At;
                    else if (down is { } since)
                    {
                        outage += a.At - since;
                        down = null;
                        break; // back up: the compromise's share of this link's outage ends here
                    }
                }
                if (down is { } open) outage += end - open;
            }
            var recovered = replacedAt.Count == affected.Count && affected.Count > 0 ? replacedAt.Values.Max() : (SimInstant?)null;
            result.Add(new CaCompromiseImpact(compromise.Entity.Value, compromise.At, affected.Count, replacedAt.Count, outage, recovered));
        }
        return result;
    }
}
