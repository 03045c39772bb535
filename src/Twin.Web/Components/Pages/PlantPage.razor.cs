using Microsoft.AspNetCore.Components;
using Twin.Actors.Clock;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Web.Live;
using Twin.Web.Topology;

namespace Twin.Web.Components.Pages;

/// <summary>The plant: its topology coloured by state, every entity with its certificates, and the live event log.</summary>
public sealed partial class PlantPage : IDisposable
{
    private PlantSnapshot _snapshot = PlantSnapshot.Empty;
    private PlantTopology _topology = PlantTopology.Build(PlantSnapshot.Empty, default);
    private SimInstant _now;
    private Throttle? _throttle;

    /// <summary>Live or replayed plant, for this circuit.</summary>
    [Inject] public required PlantViewState View { get; init; }

    /// <summary>The OPC UA endpoints the running plant serves (which entities are PEA servers), if known.</summary>
    [Inject] public required IServiceProvider Services { get; init; }

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        Refresh();
        _throttle = new Throttle(TimeSpan.FromMilliseconds(200), () => InvokeAsync(() => { Refresh(); StateHasChanged(); }));
        View.Changed += OnViewChanged;
    }

    private void Refresh()
    {
        _snapshot = View.Snapshot;
        _now = View.Now;
        var servers = (Services.GetService(typeof(PlantRuntime)) as PlantRuntime)?.Endpoints.Keys;
        _topology = PlantTopology.Build(_snapshot, _now, servers);
    }

    private void OnViewChanged() => _throttle?.Signal();

    /// <inheritdoc />
    public void Dispose()
    {
        View.Changed -= OnViewChanged;
        _throttle?.Dispose();
    }
}
