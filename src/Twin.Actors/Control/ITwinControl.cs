using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Control;

/// <summary>The one narrow way the web layer and the API act on a running twin.</summary>
public interface ITwinControl
{
    /// <summary>The run's clock, for reading only.</summary>
    ClockReading Clock { get; }

    /// <summary>Stops simulated time.</summary>
    void Pause();

    /// <summary>Lets simulated time run.</summary>
    void Resume();

    /// <summary>Sets simulated seconds per wall second.</summary>
    void SetSpeed(double speed);

    /// <summary>Jumps to the next scheduled instant.</summary>
    void Step();

    /// <summary>Live, or a replay of a recorded run with its range; the dashboard shows the clock bar accordingly.</summary>
    TwinSession Session => TwinSession.Live;

    /// <summary>Sends <paramref name="command"/> to entity <paramref name="entity"/> and waits for its answer.</summary>
    Task<T> AskEntityAsync<T>(Twin.Actors.Model.EntityId entity, object command, TimeSpan timeout);

    /// <summary>Ends the run: time stops, the end is journaled (run.stopped), every entity stops. Returns the simulated instant it ended.</summary>
    Task<SimInstant> StopRunAsync(string by) => throw new NotSupportedException("This twin cannot end its run.");
}

/// <summary>Sends control commands to the plant supervisor, which forwards them to the clock actor.</summary>
public sealed class TwinControl(IActorRef plant, SimulationClock clock) : ITwinControl
{
    /// <inheritdoc />
    public ClockReading Clock => clock.Read();

    /// <inheritdoc />
    public void Pause() => plant.Tell(new PauseClock());

    /// <inheritdoc />
    public void Resume() => plant.Tell(new ResumeClock());

    /// <inheritdoc />
    public void SetSpeed(double speed)
    {
        if (!(speed > 0) || double.IsInfinity(speed))
            throw new ArgumentOutOfRangeException(nameof(speed), speed, "Speed must be a positive, finite number of simulated seconds per wall second.");
        plant.Tell(new SetClockSpeed(speed));
    }

    /// <inheritdoc />
    public void Step() => plant.Tell(new StepClock());

    /// <inheritdoc />
    public Task<T> AskEntityAsync<T>(Twin.Actors.Model.EntityId entity, object command, TimeSpan timeout) =>
        plant.Ask<T>(new ToEntity(entity, command), timeout);

    /// <inheritdoc />
    public async Task<SimInstant> StopRunAsync(string by) => (await plant.Ask<RunEnded>(new StopRun(by), TimeSpan.FromSeconds(30))).At;
}
