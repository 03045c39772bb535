using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Projections;

/// <summary>The verdict on one expectation: held or not, the simulated instant it was decided, and what decided it.</summary>
public sealed record ExpectationResult(string Label, string Kind, string Expectation, bool Passed, SimInstant DecidedAt, string Detail);

/// <summary>
/// Judges a scenario's expectations against a run's events. Pure: the same events give the same
/// verdicts and instants. An expectation is decided as early as the events allow — a refusal
/// expected by a deadline passes at the refusal, a "never" fails at the first counter-example —
/// and otherwise at the end of the run.
/// </summary>
public static class ExpectationCheck
{
    /// <summary>Verdicts for <paramref name="expectations"/> over the run from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static IReadOnlyList<ExpectationResult> Evaluate(IReadOnlyList<Expectation> expectations, IEnumerable<ITwinEvent> events, SimInstant start, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(expectations);
        ArgumentNullException.ThrowIfNull(events);
        var ordered = RunAnalysis.Ordered(events.Where(e => e.At <= end));
        var attempts = RunAnalysis.Attempts(ordered);
        return expectations.Select(x => x switch
        {
            RefusedExpectation r => Refused(r, attempts, start, end),
            ConnectedExpectation c => Connected(c, attempts, start, end),
            AvailabilityExpectation a => Availability(a, attempts, end),
            NoOutageExpectation n => NoOutage(n, ordered, attempts, end),
            ExposureWindowExpectation w => Exposure(w, ordered, end),
            CrlLapsedExpectation l => Lapse(l, ordered, start, end),
            OnboardedExpectation or SecureBootRefusedExpectation or MtpRefusedExpectation => ManufacturingChecks.Evaluate(x, ordered, start, end),
            AttackRefusedExpectation a => AttackChecks.Evaluate(a, ordered, start, end),
            KeyAlgorithmExpectation k => AlgorithmChecks.Evaluate(k, ordered, start, end),
            _ => throw new ArgumentException($"Unknown expectation {x.GetType().Name}.", nameof(expectations)),
        }).ToList();
    }

    private static ExpectationResult Result(Expectation x, string kind, bool passed, SimInstant at, string detail) =>
        new(x.Label, kind, x.Describe(), passed, at, detail);

    private static SimInstant Min(SimInstant a, SimInstant b) => a < b ? a : b;

    private static ExpectationResult Refused(RefusedExpectation x, IReadOnlyList<ConnectionAttempted> attempts, SimInstant start, SimInstant end)
    {
        var deadline = start.Add(x.By);
        var hit = attempts.FirstOrDefault(a => a.Target.Value == x.Pea && a.Status == x.Status && a.At <= deadline);
        if (hit is not null) return Result(x, "refused", true, hit.At, $"refused with {hit.Status} at {hit.At}: {hit.Reason}");
        var last = attempts.LastOrDefault(a => a.Target.Value == x.Pea && a.At <= deadline);
        return Result(x, "refused", false, Min(deadline, end),
            (end < deadline ? $"the run ended at {end} before the deadline {deadline}; " : "") +
            (last is null ? "no attempt on it" : $"last attempt before the deadline: {last.Status} at {last.At}"));
    }

    private static ExpectationResult Connected(ConnectedExpectation x, IReadOnlyList<ConnectionAttempted> attempts, SimInstant start, SimInstant end)
    {
        var from = start.Add(x.From);
        var until = x.Until is { } u ? Min(start.Add(u), end) : end;
        var window = attempts.Where(a => a.Target.Value == x.Pea && a.At >= from && a.At <= until).ToList();
        var bad = window.FirstOrDefault(a => a.StatusCode != 0);
        if (bad is not null) return Result(x, "connected", false, bad.At, $"refused with {bad.Status} at {bad.At}: {bad.Reason}");
        return window.Count == 0
            ? Result(x, "connected", false, until, $"no attempt between {from} and {until}")
            : Result(x, "connected", true, until, $"{window.Count} attempts, all Good");
    }

    private static ExpectationResult Availability(AvailabilityExpectation x, IReadOnlyList<ConnectionAttempted> attempts, SimInstant end)
    {
        var relevant = attempts.Where(a => x.Pea is null || a.Target.Value == x.Pea).ToList();
        if (relevant.Count == 0) return Result(x, "availability", false, end, "no attempt to measure");
        var good = relevant.Count(a => a.StatusCode == 0);
        var availability = (double)good / relevant.Count;
        return Result(x, "availability", availability >= x.Min, end, $"{good} of {relevant.Count} attempts Good: {availability:P3}");
    }

    private static ExpectationResult NoOutage(NoOutageExpectation x, IReadOnlyList<ITwinEvent> ordered, IReadOnlyList<ConnectionAttempted> attempts, SimInstant end)
    {
        var bad = attempts.FirstOrDefault(a => a.StatusCode != 0 && (x.Cause == OutageCause.Any || OutageCauses.Of(a.Status) == x.Cause));
        var gaps = x.Cause is OutageCause.Expiry or OutageCause.Any ? RunAnalysis.ExpiryGaps(ordered, end) : [];
        var gap = gaps.Count > 0 ? gaps[0] : null;
        if (gap is not null && (bad is null || gap.ExpiredAt < bad.At))
            return Result(x, "noOutageCausedBy", false, gap.ExpiredAt, $"{gap.Entity}'s certificate expired at {gap.ExpiredAt} before a successor was installed");
        if (bad is not null)
            return Result(x, "noOutageCausedBy", false, bad.At, $"{bad.Target} refused with {bad.Status} at {bad.At}: {bad.Reason}");
        return Result(x, "noOutageCausedBy", true, end, attempts.Count == 0 ? "no certificate expired in service" : $"{attempts.Count} attempts, none refused for it");
    }

    private static ExpectationResult Exposure(ExposureWindowExpectation x, IReadOnlyList<ITwinEvent> ordered, SimInstant end)
    {
        var windows = RunAnalysis.Exposures(ordered, end).Where(w => w.Measured && (x.Pea is null || w.Target == x.Pea)).ToList();
        if (windows.Count == 0)
            return Result(x, "exposureWindow", false, end, x.Pea is null ? "no PEA was compromised: nothing to measure" : $"{x.Pea} was not compromised in the run");
        var worst = windows.OrderByDescending(w => w.Window).First();
        if (worst.Window > x.Max || worst.EndedAt is null)
        {
            var brokenAt = Min(worst.CompromisedAt.Add(x.Max), end);
            return Result(x, "exposureWindow", false, brokenAt, worst.EndedAt is { } ended
                ? $"{worst.Target} compromised at {worst.CompromisedAt}, {Ending(worst)} at {ended}: {Iso.Format(worst.Window)}"
                : $"{worst.Target} compromised at {worst.CompromisedAt}, still accepted at the end ({Iso.Format(worst.Window)})");
        }
        var decided = windows.Max(w => w.EndedAt!.Value);
        return Result(x, "exposureWindow", true, decided, string.Join("; ", windows.Select(w => $"{w.Target}: {Iso.Format(w.Window)} ({Ending(w)})")));
    }

    private static string Ending(ExposureWindow w) => w.EndedAt == w.RefusedAt ? "first refused" : "its certificate expired";

    private static ExpectationResult Lapse(CrlLapsedExpectation x, IReadOnlyList<ITwinEvent> ordered, SimInstant start, SimInstant end)
    {
        var lapse = ordered.OfType<CrlLapsed>().FirstOrDefault(l => l.Entity.Value == x.Ca);
        if (x.Never)
            return lapse is null
                ? Result(x, "crlLapsed", true, end, "its CRL stayed current")
                : Result(x, "crlLapsed", false, lapse.At, $"CRL {lapse.Number} lapsed at {lapse.At}");
        var deadline = start.Add(x.By!.Value);
        return lapse is not null && lapse.At <= deadline
            ? Result(x, "crlLapsed", true, lapse.At, $"CRL {lapse.Number} lapsed at {lapse.At}")
            : Result(x, "crlLapsed", false, Min(deadline, end), lapse is null ? "its CRL never lapsed" : $"it lapsed only at {lapse.At}");
    }
}
