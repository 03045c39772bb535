using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Projections;

/// <summary>What the manufacturing side of a run did: onboardings, vouchers, secure boot and MTP package verdicts. Pure.</summary>
public sealed record ManufacturingMetrics(int IdevidsIssued, int VouchersIssued, int VouchersRefused, int SecureBootFailures, int MtpPackagesImported, int MtpPackagesRefused)
{
    /// <summary>Counts the manufacturing events of a run.</summary>
    public static ManufacturingMetrics Of(IEnumerable<ITwinEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        int idevids = 0, vouchers = 0, refused = 0, boot = 0, imported = 0, rejected = 0;
        foreach (var e in events)
        {
            switch (e)
            {
                case IdevidIssued: idevids++; break;
                case VoucherIssued: vouchers++; break;
                case VoucherRefused: refused++; break;
                case DeviceSecureBootChecked { Passed: false }: boot++; break;
                case MtpPackageJudged { Imported: true }: imported++; break;
                case MtpPackageJudged { Imported: false }: rejected++; break;
            }
        }
        return new ManufacturingMetrics(idevids, vouchers, refused, boot, imported, rejected);
    }
}

/// <summary>Judges the manufacturing expectations (onboarded, secureBootRefused, mtpRefused) against a run's events.</summary>
public static class ManufacturingChecks
{
    /// <summary>The verdict on <paramref name="x"/> over the events in order, from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static ExpectationResult Evaluate(Expectation x, IReadOnlyList<ITwinEvent> ordered, SimInstant start, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(ordered);
        return x switch
        {
            OnboardedExpectation o => Judge(o, "onboarded", o.Devices, o.By, o.Never, start, end,
                ordered.OfType<DeviceCertificateInstalled>().Select(e => (e.Entity.Value, e.At, "installed its first domain certificate"))),
            SecureBootRefusedExpectation b => Judge(b, "secureBootRefused", b.Devices, b.By, b.Never, start, end,
                ordered.OfType<DeviceSecureBootChecked>().Where(e => !e.Passed).Select(e => (e.Entity.Value, e.At, $"secure boot refused firmware {e.Version}: {e.Reason}"))),
            MtpRefusedExpectation m => Judge(m, "mtpRefused", m.Devices, m.By, m.Never, start, end,
                ordered.OfType<MtpPackageJudged>().Where(e => !e.Imported).Select(e => (e.Pea.Value, e.At, $"{e.Entity} refused its MTP package: {e.Reason}"))),
            _ => throw new ArgumentException($"Not a manufacturing expectation: {x.GetType().Name}.", nameof(x)),
        };
    }

    // Every subject must see the event by the deadline; with never, none may see it at all.
    private static ExpectationResult Judge(Expectation x, string kind, IReadOnlyList<string> subjects, TimeSpan? by, bool never, SimInstant start, SimInstant end, IEnumerable<(string Subject, SimInstant At, string What)> hits)
    {
        var first = new Dictionary<string, (SimInstant At, string What)>(StringComparer.Ordinal);
        foreach (var (subject, at, what) in hits)
            if (subjects.Contains(subject) && !first.ContainsKey(subject)) first[subject] = (at, what);
        if (never)
        {
            var earliest = first.OrderBy(p => p.Value.At).FirstOrDefault();
            return earliest.Key is null
                ? new ExpectationResult(x.Label, kind, x.Describe(), true, end, $"none of {subjects.Count} did")
                : new ExpectationResult(x.Label, kind, x.Describe(), false, earliest.Value.At, $"{earliest.Key} {earliest.Value.What} at {earliest.Value.At}");
        }
        var deadline = start.Add(by!.Value);
        var missing = subjects.Where(s => !first.TryGetValue(s, out var hit) || hit.At > deadline).ToList();
        if (missing.Count > 0)
            return new ExpectationResult(x.Label, kind, x.Describe(), false, deadline < end ? deadline : end,
                $"{missing.Count} of {subjects.Count} not by {deadline}: {string.Join(", ", missing.Take(5))}{(end < deadline ? $" (the run ended at {end})" : "")}");
        var last = first.Where(p => subjects.Contains(p.Key)).MaxBy(p => p.Value.At);
        return new ExpectationResult(x.Label, kind, x.Describe(), true, last.Value.At, subjects.Count == 1 ? $"{last.Key} {last.Value.What} at {last.Value.At}" : $"all {subjects.Count}; the last, {last.Key}, at {last.Value.At}");
    }
}
