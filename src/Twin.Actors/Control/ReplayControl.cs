using Twin.Actors.Clock;
using Twin.Actors.Projections;

namespace Twin.Actors.Control;

/// <summary>
/// The control interface of a replayed run: no plant runs, so nothing can be asked of entities and
/// the clock does not move by itself. The clock reads the instant the view stands at; <see cref="Seek"/>
/// moves it anywhere in the recorded range and <see cref="Step"/> to the next recorded instant.
/// </summary>
public sealed class ReplayControl(ReplayReadModel model) : ITwinControl
{
    /// <inheritdoc />
    public ClockReading Clock => new(model.Position, ClockMode.Max, 0, Paused: true);

    /// <inheritdoc />
    public TwinSession Session => TwinSession.Replay(model.Range.Start, model.Range.End);

    /// <summary>Shows the run as it stood at <paramref name="at"/> (clamped to the recorded range).</summary>
    public void Seek(SimInstant at) => model.SeekTo(at);

    /// <summary>A replay is always paused: nothing to do.</summary>
    public void Pause()
    {
    }

    /// <summary>A replay does not run by itself: nothing to do (move with <see cref="Seek"/> or <see cref="Step"/>).</summary>
    public void Resume()
    {
    }

    /// <summary>A replay has no speed: nothing to do.</summary>
    public void SetSpeed(double speed)
    {
    }

    /// <summary>Moves the view to the next instant at which the run recorded an event.</summary>
    public void Step()
    {
        if (model.NextInstantAfter(model.Position) is { } next) model.SeekTo(next);
    }

    /// <inheritdoc />
    public Task<T> AskEntityAsync<T>(Model.EntityId entity, object command, TimeSpan timeout) =>
        Task.FromException<T>(new InvalidOperationException($"This is a replay of a recorded run: no entity runs, so {entity} cannot be asked anything."));
}
