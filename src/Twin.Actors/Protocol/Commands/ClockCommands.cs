using Akka.Actor;
using Twin.Actors.Clock;

namespace Twin.Actors.Protocol.Commands;

/// <summary>Commands to the run's clock.</summary>
public interface IClockCommand;

/// <summary>
/// Deliver <paramref name="Message"/> to <paramref name="Target"/> when simulated time reaches <paramref name="Due"/>.
/// A later schedule with the same target and key replaces it. At one instant, lower
/// <paramref name="Priority"/> goes first (authorities before the parties that depend on them).
/// </summary>
public sealed record ScheduleAt(SimInstant Due, IActorRef Target, string Key, object Message, int Priority = 0) : IClockCommand
{
    /// <summary>
    /// True when the sender counted this schedule as simulation work (<see cref="SimulationWork.Begin"/> with
    /// <see cref="CountedLabel"/>) and the clock reports it done once the entry is in its timetable.
    /// </summary>
    public bool Counted { get; init; }

    /// <summary>The work label of a counted schedule on its way to the clock.</summary>
    public const string CountedLabel = "schedule";
}

/// <summary>Forget the schedule of <paramref name="Target"/> under <paramref name="Key"/>.</summary>
public sealed record CancelSchedule(IActorRef Target, string Key) : IClockCommand;

/// <summary>Stop simulated time.</summary>
public sealed record PauseClock : IClockCommand;

/// <summary>Let simulated time run.</summary>
public sealed record ResumeClock : IClockCommand;

/// <summary>Set simulated seconds per wall second.</summary>
public sealed record SetClockSpeed(double Speed) : IClockCommand;

/// <summary>Jump to the next scheduled instant and deliver what is due there (works while paused).</summary>
public sealed record StepClock : IClockCommand;

/// <summary>Switch between realtime (wall time × speed) and max (discrete events as fast as possible).</summary>
public sealed record SetClockMode(ClockMode Mode) : IClockCommand;

/// <summary>Stop at <paramref name="Until"/>: max mode stands there once nothing earlier is due; realtime pauses when it gets there.</summary>
public sealed record RunUntil(SimInstant Until) : IClockCommand;

/// <summary>Replies <see cref="ClockIdle"/> once the clock stands at its stop instant with every piece of work finished.</summary>
public sealed record WhenClockIdle : IClockCommand;

/// <summary>The clock reached its stop instant (or, in max mode, has nothing left to do) with every piece of work finished.</summary>
public sealed record ClockIdle(ClockReading Reading);

/// <summary>Replies <see cref="ClockReady"/> once the clock has recovered its position.</summary>
public sealed record WhenClockReady : IClockCommand;

/// <summary>The clock has recovered and runs (or stands paused) at <paramref name="Reading"/>.</summary>
public sealed record ClockReady(ClockReading Reading);
