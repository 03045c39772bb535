using Microsoft.AspNetCore.Components;
using Twin.Actors.Clock;
using Twin.Actors.Control;

namespace Twin.Web.Components.Layout;

/// <summary>The simulated now, the speed, and play / pause / step.</summary>
public sealed partial class ClockBar : IDisposable
{
    private ClockReading _reading = new(default, ClockMode.Realtime, 1, true);
    private Timer? _tick;
    private bool _interactive;

    /// <summary>Reads the clock and sends clock commands.</summary>
    [Inject] public required ITwinControl Control { get; init; }

    private string SpeedText => _reading.Paused ? "paused" : _reading.Mode == ClockMode.Max ? "max" : $"{_reading.Speed:0.##}×";

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _reading = Control.Clock;
        // The simulated now moves continuously; a display tick of one wall second is enough.
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

    private void Pause() { Control.Pause(); _reading = _reading with { Paused = true }; }

    private void Resume() { Control.Resume(); _reading = _reading with { Paused = false }; }

    private void Step() => Control.Step();

    /// <inheritdoc />
    public void Dispose() => _tick?.Dispose();
}
