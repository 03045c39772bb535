using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Projections;

/// <summary>
/// The algorithm mix of a run: certificates installed per key algorithm, and how many entities held a certificate for
/// each algorithm at every instant the mix changed — the course of a migration. CA keys count under their CA.
/// </summary>
public sealed record AlgorithmMix(IReadOnlyDictionary<string, int> Installed, IReadOnlyList<AlgorithmMixPoint> Held);

/// <summary>At <paramref name="At"/>, how many entities held a certificate for each key algorithm (names as in scenario files).</summary>
public sealed record AlgorithmMixPoint(SimInstant At, IReadOnlyDictionary<string, int> Entities);

/// <summary>The key algorithms of the certificates a run installed: the algorithm mix over time and the keyAlgorithm expectation. Pure.</summary>
public static class AlgorithmChecks
{
    /// <summary>Every certificate a device, PEA or the POL installed, with its key's algorithm, in order.</summary>
    public static IReadOnlyList<(string Entity, SimInstant At, KeyAlgorithm Algorithm)> Installed(IEnumerable<ITwinEvent> ordered)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        return [.. ordered.OfType<DeviceCertificateInstalled>().Select(e => (e.Entity.Value, e.At, Certificate.FromDer(e.CertificateDer).PublicKey.Algorithm))];
    }

    /// <summary>The mix of the run's certificates — entities' and CAs' own — over time.</summary>
    public static AlgorithmMix Mix(IEnumerable<ITwinEvent> ordered)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        var installed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var held = new Dictionary<string, KeyAlgorithm>(StringComparer.Ordinal);
        var points = new List<AlgorithmMixPoint>();
        SimInstant? at = null;
        void Close()
        {
            if (at is null) return;
            var now = held.Values.GroupBy(a => a).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count(), StringComparer.Ordinal);
            if (points.Count == 0 || !points[^1].Entities.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(now.OrderBy(p => p.Key, StringComparer.Ordinal)))
                points.Add(new AlgorithmMixPoint(at.Value, now));
        }
        foreach (var e in ordered)
        {
            var (entity, der) = e switch
            {
                DeviceCertificateInstalled d => (d.Entity.Value, d.CertificateDer),
                RootCaCreated r => (r.Entity.Value, r.CertificateDer),
                SubordinateCaCertified s => (s.Entity.Value, s.CertificateDer),
                CaRolledOver c => (c.Entity.Value, c.CertificateDer),
                RootKeyUpdated u => (u.Entity.Value, u.NewWithNewDer),
                _ => (null, null),
            };
            if (entity is null || der is null) continue;
            if (at is { } previous && previous != e.At) Close();
            at = e.At;
            var algorithm = Certificate.FromDer(der).PublicKey.Algorithm;
            installed[algorithm.ToString()] = installed.GetValueOrDefault(algorithm.ToString()) + 1;
            held[entity] = algorithm;
        }
        Close();
        return new AlgorithmMix(installed, points);
    }

    /// <summary>
    /// The verdict on <paramref name="x"/>: each device switches to the algorithm by the deadline and never installs another
    /// after that (decided at its last switch), or — with never — none installs one (decided at the first that does).
    /// </summary>
    public static ExpectationResult Evaluate(KeyAlgorithmExpectation x, IReadOnlyList<ITwinEvent> ordered, SimInstant start, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(x);
        var installed = Installed(ordered).Where(i => x.Devices.Contains(i.Entity, StringComparer.Ordinal)).ToList();
        ExpectationResult Result(bool passed, SimInstant at, string detail) => new(x.Label, "keyAlgorithm", x.Describe(), passed, at, detail);
        if (x.Never)
        {
            var first = installed.FirstOrDefault(i => i.Algorithm == x.Algorithm);
            return first.Entity is null
                ? Result(true, end, $"none of {x.Devices.Count} did")
                : Result(false, first.At, $"{first.Entity} installed a {x.Algorithm} certificate at {first.At}");
        }
        var deadline = start.Add(x.By!.Value);
        var switched = new Dictionary<string, SimInstant>(StringComparer.Ordinal);
        foreach (var device in x.Devices)
        {
            var mine = installed.Where(i => i.Entity == device).ToList();
            var firstNew = mine.FindIndex(i => i.Algorithm == x.Algorithm);
            if (firstNew < 0 || mine[firstNew].At > deadline)
                return Result(false, deadline < end ? deadline : end, $"{device} holds no {x.Algorithm} certificate by {deadline}{(end < deadline ? $" (the run ended at {end})" : "")}");
            if (mine.Skip(firstNew).FirstOrDefault(i => i.Algorithm != x.Algorithm) is { Entity: not null } back)
                return Result(false, back.At, $"{device} went back to a {back.Algorithm} certificate at {back.At}");
            switched[device] = mine[firstNew].At;
        }
        var last = switched.MaxBy(p => p.Value);
        return Result(true, last.Value, $"all {x.Devices.Count}; the last, {last.Key}, at {last.Value}");
    }
}
