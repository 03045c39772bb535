namespace Twin.Actors.Clock;

/// <summary>A <see cref="TimeProvider"/> whose "now" is the simulation clock's, for libraries that judge certificates by the time they are given.</summary>
public sealed class SimTimeProvider(SimulationClock clock) : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => clock.Now.Utc;
}
