using Twin.Actors.Clock;

namespace Twin.Actors.Control;

/// <summary>Whether the dashboard looks at a running twin or at a recorded run, and for a replay the simulated range it covers.</summary>
public sealed record TwinSession(bool IsReplay, SimInstant? RangeStart, SimInstant? RangeEnd)
{
    /// <summary>A running twin: the clock moves, controls act.</summary>
    public static TwinSession Live { get; } = new(false, null, null);

    /// <summary>A recorded run covering [<paramref name="start"/>, <paramref name="end"/>]: nothing runs, the view can be moved to any instant in the range.</summary>
    public static TwinSession Replay(SimInstant start, SimInstant end) =>
        end < start ? throw new ArgumentException($"A replay range ends ({end}) before it starts ({start}).", nameof(end)) : new(true, start, end);

    /// <summary>"live" or "replay, range [start, end]".</summary>
    public override string ToString() => IsReplay ? $"replay, range [{RangeStart}, {RangeEnd}]" : "live";
}
