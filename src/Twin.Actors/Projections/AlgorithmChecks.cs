using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Projections;

/// <summary>The key algorithms of the certificates a run installed: the algorithm mix over time and the keyAlgorithm expectation. Pure.</summary>
public static class AlgorithmChecks
{
    /// <summary>Every certificate a device, PEA or the POL installed, with its key's algorithm, in order.</summary>
    public static IReadOnlyList<(string Entity, SimInstant At, KeyAlgorithm Algorithm)> Installed(IEnumerable<ITwinEvent> ordered)
    {
        ArgumentNullException.ThrowIfNull(ordered);
        return [.. ordered.OfType<DeviceCertificateInstalled>().Select(e => (e.Entity.Value, e.At, Certificate.FromDer(e.CertificateDer).PublicKey.Algorithm))];
    }

    /// <summary>Certificates installed per key algorithm (names as in scenario files), for the report.</summary>
    public static IReadOnlyDictionary<string, int> CertificatesByAlgorithm(IEnumerable<ITwinEvent> ordered) =>
        Installed(ordered).GroupBy(i => i.Algorithm).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count(), StringComparer.Ordinal);

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
