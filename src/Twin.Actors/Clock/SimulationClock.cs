namespace Twin.Actors.Clock;

/// <summary>How simulated time advances.</summary>
public enum ClockMode
{
    /// <summary>Simulated time runs at wall speed times <see cref="SimulationClock.Speed"/> (1 = live).</summary>
    Realtime,
    /// <summary>Discrete events, as fast as the machine allows; time jumps to the next due event.</summary>
    Max,
}

/// <summary>What the clock shows at one moment: for views and the API.</summary>
public sealed record ClockReading(SimInstant Now, ClockMode Mode, double Speed, bool Paused);

/// <summary>
/// The run's simulation clock. In <see cref="ClockMode.Realtime"/> simulated time is an anchor plus
/// elapsed wall time times the speed; pausing or changing speed re-anchors, so time never jumps.
/// In <see cref="ClockMode.Max"/> only <see cref="AdvanceTo"/> moves it. Thread-safe: actors, the
/// web layer and the API read it concurrently; only the clock actor changes it.
/// </summary>
public sealed class SimulationClock
{
    private readonly TimeProvider _wall;
    private readonly Lock _gate = new();
    private SimInstant _anchorSim;
    private long _anchorWall;
    private double _speed;
    private bool _paused;
    private ClockMode _mode;

    /// <summary>Creates a clock standing at <paramref name="start"/>, paused until <see cref="Resume"/>.</summary>
    public SimulationClock(SimInstant start, ClockMode mode = ClockMode.Realtime, double speed = 1.0, TimeProvider? wall = null)
    {
        CheckSpeed(speed);
        _wall = wall ?? TimeProvider.System;
        _anchorSim = start;
        _anchorWall = _wall.GetTimestamp();
        _speed = speed;
        _mode = mode;
        _paused = true;
    }

    /// <summary>The simulated now.</summary>
    public SimInstant Now
    {
        get
        {
            lock (_gate) return NowLocked();
        }
    }

    /// <summary>Simulated seconds per wall second in realtime mode.</summary>
    public double Speed
    {
        get
        {
            lock (_gate) return _speed;
        }
    }

    /// <summary>A consistent reading of every property.</summary>
    public ClockReading Read()
    {
        lock (_gate) return new ClockReading(NowLocked(), _mode, _speed, _paused);
    }

    /// <summary>Stops simulated time.</summary>
    public void Pause() => Change(() => { _anchorSim = NowLocked(); _paused = true; });

    /// <summary>Lets simulated time run again from where it stood.</summary>
    public void Resume() => Change(() => { _anchorSim = NowLocked(); _anchorWall = _wall.GetTimestamp(); _paused = false; });

    /// <summary>Sets simulated seconds per wall second (realtime mode).</summary>
    public void SetSpeed(double speed)
    {
        CheckSpeed(speed);
        Change(() => { _anchorSim = NowLocked(); _anchorWall = _wall.GetTimestamp(); _speed = speed; });
    }

    /// <summary>Switches between realtime and max mode without moving simulated time.</summary>
    public void SetMode(ClockMode mode) => Change(() => { _anchorSim = NowLocked(); _anchorWall = _wall.GetTimestamp(); _mode = mode; });

    /// <summary>Moves simulated time forward to <paramref name="instant"/> (max mode, a step, or recovery). Never backwards.</summary>
    public void AdvanceTo(SimInstant instant) => Change(() =>
    {
        var now = NowLocked();
        _anchorSim = instant > now ? instant : now;
        _anchorWall = _wall.GetTimestamp();
    });

    /// <summary>Wall time until simulated time reaches <paramref name="due"/>, or null when it never will on its own (paused or max mode).</summary>
    public TimeSpan? WallDelayUntil(SimInstant due)
    {
        lock (_gate)
        {
            if (_paused || _mode == ClockMode.Max) return null;
            var remaining = due - NowLocked();
            return remaining <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromTicks((long)(remaining.Ticks / _speed));
        }
    }

    private SimInstant NowLocked()
    {
        if (_paused || _mode == ClockMode.Max) return _anchorSim;
        var elapsed = _wall.GetElapsedTime(_anchorWall);
        return _anchorSim.Add(TimeSpan.FromTicks((long)(elapsed.Ticks * _speed)));
    }

    private void Change(Action change)
    {
        lock (_gate) change();
    }

    private static void CheckSpeed(double speed)
    {
        if (!(speed > 0) || double.IsInfinity(speed))
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "Clock speed must be a positive, finite number of simulated seconds per wall second.");
    }
}
