using Microsoft.AspNetCore.Components;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Projections;
using Twin.Web.Live;

namespace Twin.Web.Components.Pages;

/// <summary>The plant: every entity with its certificates, and the live event log.</summary>
public sealed partial class PlantPage : IDisposable
{
    private PlantSnapshot _snapshot = PlantSnapshot.Empty;
    private SimInstant _now;
    private Throttle? _throttle;

    /// <summary>The projection this page reads.</summary>
    [Inject] public required IPlantReadModel Model { get; init; }

    /// <summary>The clock, for judging certificate status at simulated now.</summary>
    [Inject] public required ITwinControl Control { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _snapshot = Model.Current;
        _now = Control.Clock.Now;
        _throttle = new Throttle(TimeSpan.FromMilliseconds(200), () => InvokeAsync(() =>
        {
            _snapshot = Model.Current;
            _now = Control.Clock.Now;
            StateHasChanged();
        }));
        Model.Changed += OnModelChanged;
    }

    private void OnModelChanged(PlantSnapshot _) => _throttle?.Signal();

    /// <inheritdoc />
    public void Dispose()
    {
        Model.Changed -= OnModelChanged;
        _throttle?.Dispose();
    }
}
