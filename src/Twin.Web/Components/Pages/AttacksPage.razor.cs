using Microsoft.AspNetCore.Components;
using Twin.Actors.Projections;
using Twin.Web.Access;
using Twin.Web.Live;
using Twin.Web.Topology;

namespace Twin.Web.Components.Pages;

/// <summary>Injects attacks into the live run and shows their consequences as they are journaled.</summary>
public sealed partial class AttacksPage : IDisposable
{
    private AttackKind _kind = AttackKind.KeyCompromise;
    private string _target = "";
    private string? _message;
    private bool _busy;
    private long? _since;
    private PlantTopology _topology = PlantTopology.Build(PlantSnapshot.Empty, default);
    private Throttle? _throttle;

    /// <summary>The guarded control actions.</summary>
    [Inject] public required DashboardActions Actions { get; init; }

    /// <summary>Live or replay, for this circuit.</summary>
    [Inject] public required PlantViewState View { get; init; }

    private IEnumerable<EventView> Feed => View.Snapshot.RecentEvents
        .Where(e => _since is { } s ? e.Offset > s && (EventSeverity.Of(e) > EventLevel.Info || e.Kind is "ca.crl-published") : EventSeverity.Of(e) > EventLevel.Info)
        .Reverse()
        .Take(50);

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _topology = PlantTopology.Build(View.Snapshot, View.Now);
        _throttle = new Throttle(TimeSpan.FromMilliseconds(200), () => InvokeAsync(() => { _topology = PlantTopology.Build(View.Snapshot, View.Now); StateHasChanged(); }));
        View.Changed += OnViewChanged;
    }

    private void OnViewChanged() => _throttle?.Signal();

    private void OnKindChanged(ChangeEventArgs e)
    {
        _kind = Enum.Parse<AttackKind>(e.Value?.ToString() ?? nameof(AttackKind.KeyCompromise));
        _target = "";
    }

    private async Task InjectAsync()
    {
        _busy = true;
        _since ??= View.Snapshot.RecentEvents.LastOrDefault()?.Offset ?? 0;
        try
        {
            _message = await Attacks.InjectAsync(Actions, _kind, _target);
        }
        catch (Exception e) when (e is TimeoutException or Akka.Actor.AskTimeoutException or ArgumentException or ControlRefusedException)
        {
            _message = "The attack did not complete: " + e.Message;
        }
        finally
        {
            _busy = false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        View.Changed -= OnViewChanged;
        _throttle?.Dispose();
    }
}
