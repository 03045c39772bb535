namespace Twin.Actors.Tests.Support;

/// <summary>A wall clock the test moves by hand.</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan span) => Interlocked.Add(ref _ticks, span.Ticks);
}
