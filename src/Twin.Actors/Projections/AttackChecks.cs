using Twin.Actors.Clock;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Projections;

/// <summary>What the attacks of a run came to: steps played, refused, let through; and refusals by who refused them. Pure.</summary>
public sealed record AttackMetrics(int Steps, int Refused, int LetThrough, IReadOnlyDictionary<string, int> RefusedBy)
{
    /// <summary>No attack at all.</summary>
    public static AttackMetrics None { get; } = new(0, 0, 0, new Dictionary<string, int>());

    /// <summary>Counts the attack.attempted events of a run.</summary>
    public static AttackMetrics Of(IEnumerable<ITwinEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var attempts = events.OfType<AttackAttempted>().ToList();
        var by = attempts.Where(a => a.Refused).GroupBy(a => a.By, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new AttackMetrics(attempts.Count, attempts.Count(a => a.Refused), attempts.Count(a => !a.Refused), by);
    }
}

/// <summary>Judges attackRefused expectations against a run's events.</summary>
public static class AttackChecks
{
    /// <summary>The verdict on <paramref name="x"/> over the events in order, from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static ExpectationResult Evaluate(AttackRefusedExpectation x, IReadOnlyList<ITwinEvent> ordered, SimInstant start, SimInstant end)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(ordered);
        var deadline = start.Add(x.By);
        var attempts = ordered.OfType<AttackAttempted>().Where(a => a.Target.Value == x.Target && a.Attack == x.Attack).ToList();
        // A step that got through breaks the promise, whenever it happened.
        if (attempts.FirstOrDefault(a => !a.Refused) is { } breach)
            return Result(x, false, breach.At, $"{breach.Step} got through at {breach.At}: {breach.Detail}");
        var hit = attempts.FirstOrDefault(a => a.At <= deadline && (x.Status is null || a.Status == x.Status) && (x.RefusedBy is null || a.By == x.RefusedBy));
        if (hit is not null)
            return Result(x, true, hit.At, $"{hit.Step}: refused by {hit.By} with {hit.Status} at {hit.At} ({hit.Detail})");
        var seen = attempts.Where(a => a.At <= deadline).Select(a => $"{a.Step}: {a.Status} by {a.By}").ToList();
        return Result(x, false, deadline < end ? deadline : end,
            (end < deadline ? $"the run ended at {end} before the deadline {deadline}; " : "") +
            (seen.Count == 0 ? "the attack was not played on it" : "refused otherwise: " + string.Join("; ", seen)));
    }

    private static ExpectationResult Result(AttackRefusedExpectation x, bool passed, SimInstant at, string detail) =>
        new(x.Label, "attackRefused", x.Describe(), passed, at, detail);
}
