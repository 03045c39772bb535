using Twin.Actors.Clock;
using Twin.Actors.Tests.Support;

namespace Twin.Actors.Tests.Clock;

public sealed class SimulationClockTests
{
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");

    [Fact]
    public void Accelerated_clock_runs_speed_times_wall_time_and_stands_still_when_paused()
    {
        var wall = new ManualTimeProvider();
        var clock = new SimulationClock(Start, ClockMode.Realtime, speed: 3600, wall);
        wall.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(Start, clock.Now); // a new clock stands paused

        clock.Resume();
        wall.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(Start.Add(TimeSpan.FromHours(2)), clock.Now);

        clock.Pause();
        wall.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(Start.Add(TimeSpan.FromHours(2)), clock.Now);
    }

    [Fact]
    public void Changing_speed_does_not_make_time_jump()
    {
        var wall = new ManualTimeProvider();
        var clock = new SimulationClock(Start, ClockMode.Realtime, speed: 60, wall);
        clock.Resume();
        wall.Advance(TimeSpan.FromSeconds(10)); // 10 simulated minutes
        clock.SetSpeed(1);
        Assert.Equal(Start.Add(TimeSpan.FromMinutes(10)), clock.Now);
        wall.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(Start.Add(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(10)), clock.Now);
    }

    [Fact]
    public void Wall_delay_until_a_due_instant_scales_with_speed_and_is_null_while_paused()
    {
        var wall = new ManualTimeProvider();
        var clock = new SimulationClock(Start, ClockMode.Realtime, speed: 3600, wall);
        Assert.Null(clock.WallDelayUntil(Start.Add(TimeSpan.FromHours(1))));
        clock.Resume();
        Assert.Equal(TimeSpan.FromSeconds(1), clock.WallDelayUntil(Start.Add(TimeSpan.FromHours(1))));
        Assert.Equal(TimeSpan.Zero, clock.WallDelayUntil(Start.Add(TimeSpan.FromHours(-1))));
    }

    [Fact]
    public void AdvanceTo_never_moves_backwards()
    {
        var clock = new SimulationClock(Start);
        clock.AdvanceTo(Start.Add(TimeSpan.FromDays(1)));
        clock.AdvanceTo(Start);
        Assert.Equal(Start.Add(TimeSpan.FromDays(1)), clock.Now);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Speed_must_be_positive_and_finite(double speed)
    {
        var clock = new SimulationClock(Start);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetSpeed(speed));
        Assert.Contains("positive", error.Message, StringComparison.Ordinal);
    }
}
