using Microsoft.AspNetCore.Components;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Web.Access;
using Twin.Web.Live;

namespace Twin.Web.Components.Layout;

/// <summary>The simulated now, the speed, and play / pause / step / speed (for circuits that may act).</summary>
public sealed partial class ClockBar : IDisposable
{
    private static readonly double[] Speeds = [1, 60, 600, 3600, 86400];
    private ClockReading _reading = new(default, ClockMode.Realtime, 1, true);
    private Timer? _tick;
    private bool _interactive;

    /// <summary>Reads the clock.</summary>
    [Inject] public required ITwinControl Control { get; init; }

    /// <summary>The guarded control actions.</summary>
    [Inject] public required DashboardActions Actions { get; init; }

    /// <summary>This circuit's access.</summary>
    [Inject] public required DashboardAccess Access { get; init; }

    /// <summary>The live read model: an ended run offers no clock controls.</summary>
    [Inject] public required Twin.Actors.Projections.IPlantReadModel Model { get; init; }

    private bool Ended => Model.Current.Ended is not null;

    private string SpeedText => Ended ? "ended" : _reading.Paused ? "paused" : _reading.Mode == ClockMode.Max ? "max" : $"{_reading.Speed:0.##}×";

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _reading = Control.Clock;
        // The simulated now moves continuously without events; one display tick per wall second shows it.
        _tick = new Timer(_ => _ = InvokeAsync(() => { _reading = Control.Clock; StateHasChanged(); }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <inheritdoc />
    protected override void OnAfterRender(bool firstRender)
    {
        // Only runs once the circuit is live (never while prerendering): the marker browser tests wait for.
        if (!firstRender) return;
        _interactive = true;
        StateHasChanged();
    }

    private void Pause() { Actions.Pause(); _reading = Control.Clock with { Paused = true }; }

    private void Resume() { Actions.Resume(); _reading = Control.Clock with { Paused = false }; }

    private void Step() => Actions.Step();

    private void SetSpeed(ChangeEventArgs e)
    {
        if (double.TryParse(e.Value?.ToString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var speed) && speed > 0)
        {
            Actions.SetSpeed(speed);
            _reading = _reading with { Speed = speed };
        }
    }

    /// <inheritdoc />
    public void Dispose() => _tick?.Dispose();
}
