using Microsoft.AspNetCore.Components;
using Twin.Actors.Clock;
using Twin.Actors.Projections;
using Twin.Web.Live;

namespace Twin.Web.Components.Pages;

/// <summary>The run's events from the journal with filters, and the replay scrubber.</summary>
public sealed partial class TimelinePage : IDisposable
{
    /// <summary>How many of the newest events the page keeps.</summary>
    public const int Capacity = 20_000;

    private readonly List<EventView> _events = [];
    private SortedSet<string> _entities = new(StringComparer.Ordinal);
    private SortedSet<string> _kinds = new(StringComparer.Ordinal);
    private string _entity = "";
    private string _kind = "";
    private string _severity = "";
    private SimInstant? _start;
    private SimInstant _end;
    private double _position;
    private long _lastOffset;
    private Throttle? _throttle;

    /// <summary>The run's journal.</summary>
    [Inject] public required IRunJournal Journal { get; init; }

    /// <summary>The live read model: new events arrive through it.</summary>
    [Inject] public required IPlantReadModel Model { get; init; }

    /// <summary>Live or replay, for this circuit.</summary>
    [Inject] public required PlantViewState View { get; init; }

    private double Span => _start is { } s ? Math.Max(1, (_end - s).TotalMinutes) : 1;

    private IEnumerable<EventView> Filtered => _events.AsEnumerable().Reverse().Where(e =>
        (_entity.Length == 0 || e.Entity.Value == _entity)
        && (_kind.Length == 0 || e.Kind == _kind)
        && (_severity.Length == 0 || EventSeverity.Of(e) >= Enum.Parse<EventLevel>(_severity)));

    /// <inheritdoc />
    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        _throttle = new Throttle(TimeSpan.FromMilliseconds(250), () => InvokeAsync(() => { Tail(); StateHasChanged(); }));
        Model.Changed += OnModelChanged;
        View.Changed += OnViewChanged;
        View.RunReplaced += OnRunReplaced;
        Tail();
    }

    // The run's events so far, from the journal; the live tail follows through the read model.
    private async Task LoadAsync()
    {
        var journaled = await Journal.ReadAsync();
        foreach (var j in journaled.Skip(Math.Max(0, journaled.Count - Capacity)))
            Add(EventText.Describe(j.Event, j.Offset));
        if (journaled.Count > 0) _start = journaled.Min(j => j.Event.At);
        _end = Model.Current.RecentEvents.Count > 0 ? Max(View.Now, Model.Current.RecentEvents[^1].At) : View.Now;
        _position = View.IsLive ? Span : Math.Clamp((View.Now - (_start ?? View.Now)).TotalMinutes, 0, Span);
    }

    // Another run serves now: what this page kept belongs to the old one.
    private void OnRunReplaced() => _ = InvokeAsync(async () =>
    {
        _events.Clear();
        _entities = new(StringComparer.Ordinal);
        _kinds = new(StringComparer.Ordinal);
        _entity = _kind = "";
        _start = null;
        _lastOffset = 0;
        await LoadAsync();
        Tail();
        StateHasChanged();
    });

    private static SimInstant Max(SimInstant a, SimInstant b) => a > b ? a : b;

    private void OnModelChanged(PlantSnapshot _) => _throttle?.Signal();

    private void OnViewChanged() => _throttle?.Signal();

    // New events since the last look: the read model's recent window holds them (it is far larger than one throttle interval's worth).
    private void Tail()
    {
        foreach (var e in Model.Current.RecentEvents)
            if (e.Offset > _lastOffset) Add(e);
        if (_events.Count > Capacity) _events.RemoveRange(0, _events.Count - Capacity);
        if (_events.Count > 0) _start ??= _events[0].At;
        var clock = View.IsLive ? View.Now : Model.Current.RecentEvents.LastOrDefault()?.At ?? _end;
        _end = Max(_end, clock);
        if (View.IsLive) _position = Span;
    }

    private void Add(EventView e)
    {
        _events.Add(e);
        _lastOffset = Math.Max(_lastOffset, e.Offset);
        _entities.Add(e.Entity.Value);
        _kinds.Add(e.Kind);
    }

    private string Instant(double minutes) => _start is { } s ? s.Add(TimeSpan.FromMinutes(minutes)).ToString() : "";

    private async Task OnSlid(double minutes)
    {
        _position = minutes;
        if (_start is not { } s) return;
        if (minutes >= Span) { GoLive(); return; }
        await View.ReplayAtAsync(s.Add(TimeSpan.FromMinutes(minutes)));
    }

    private async Task ReplayAtAsync(SimInstant at)
    {
        if (await View.ReplayAtAsync(at) && _start is { } s) _position = Math.Clamp((at - s).TotalMinutes, 0, Span);
    }

    private void GoLive()
    {
        View.GoLive();
        _position = Span;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Model.Changed -= OnModelChanged;
        View.Changed -= OnViewChanged;
        View.RunReplaced -= OnRunReplaced;
        _throttle?.Dispose();
    }
}
