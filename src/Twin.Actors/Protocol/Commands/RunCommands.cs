namespace Twin.Actors.Protocol.Commands;

/// <summary>Ends the run: the clock stops, the end is journaled, every entity is stopped. Answered with <see cref="RunEnded"/>.</summary>
public sealed record StopRun(string By);

/// <summary>The run ended at simulated instant <paramref name="At"/>.</summary>
public sealed record RunEnded(Clock.SimInstant At);
