using Twin.Actors.Clock;
using Twin.Actors.Protocol;

namespace Twin.Actors.Projections;

/// <summary>
/// The read model of a recorded run, movable to any instant of it: the snapshot at an instant is
/// the fold of every event up to and including that instant. Held either in memory (<see cref="Load"/>)
/// or read from the journal (<see cref="LoadAsync"/>): then only a bounded set of checkpoints stays in
/// memory and a seek folds the window between the checkpoint before the instant and the instant.
/// </summary>
public sealed partial class ReplayReadModel : IPlantReadModel
{
    /// <summary>Events between stored snapshots of a run held in memory.</summary>
    public const int CheckpointEvery = 500;

    private readonly Lock _gate = new();
    private IReadOnlyList<ITwinEvent> _events = [];
    private List<PlantSnapshot> _checkpoints = [PlantSnapshot.Empty];
    private PlantSnapshot _current = PlantSnapshot.Empty;
    private SimInstant _position;

    /// <inheritdoc />
    public PlantSnapshot Current => Volatile.Read(ref _current);

    /// <inheritdoc />
    public event Action<PlantSnapshot>? Changed;

    /// <summary>The instant the view stands at.</summary>
    public SimInstant Position { get { lock (_gate) return _position; } }

    /// <summary>The first and last instants the run recorded.</summary>
    public (SimInstant Start, SimInstant End) Range { get; private set; }

    /// <summary>Takes the run's events (sorted by instant, journal order within one) and shows the end of the run.</summary>
    public void Load(IEnumerable<ITwinEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ordered = RunAnalysis.Ordered(events);
        if (ordered.Count == 0) throw new ArgumentException("A replay needs at least one event.", nameof(events));
        var checkpoints = new List<PlantSnapshot> { PlantSnapshot.Empty };
        var s = PlantSnapshot.Empty;
        for (var i = 0; i < ordered.Count; i++)
        {
            s = PlantReadModel.Fold(s, ordered[i], i + 1);
            if ((i + 1) % CheckpointEvery == 0) checkpoints.Add(s);
        }
        lock (_gate)
        {
            _journal = null;
            _shown = null;
            _events = ordered;
            _checkpoints = checkpoints;
            Range = (ordered[0].At, ordered[^1].At);
        }
        SeekTo(ordered[^1].At);
    }

    /// <summary>Shows the run as it stood at <paramref name="at"/>, clamped to the recorded range.</summary>
    public void SeekTo(SimInstant at)
    {
        PlantSnapshot snapshot;
        lock (_gate)
        {
            if (_journal is not null)
            {
                at = at < Range.Start ? Range.Start : at > Range.End ? Range.End : at;
                snapshot = SnapshotFromJournal(at);
            }
            else
            {
                if (_events.Count == 0) return;
                at = at < Range.Start ? Range.Start : at > Range.End ? Range.End : at;
                // How many events lie at or before the instant (events are sorted by instant).
                int lo = 0, hi = _events.Count;
                while (lo < hi)
                {
                    var mid = (lo + hi) / 2;
                    if (_events[mid].At <= at) lo = mid + 1; else hi = mid;
                }
                var checkpoint = Math.Min(lo / CheckpointEvery, _checkpoints.Count - 1);
                snapshot = _checkpoints[checkpoint];
                for (var i = checkpoint * CheckpointEvery; i < lo; i++) snapshot = PlantReadModel.Fold(snapshot, _events[i], i + 1);
            }
            _position = at;
            Volatile.Write(ref _current, snapshot);
        }
        Changed?.Invoke(snapshot);
    }

    /// <summary>The first recorded instant after <paramref name="at"/>, if any.</summary>
    public SimInstant? NextInstantAfter(SimInstant at)
    {
        lock (_gate)
        {
            if (_journal is not null) return NextInstantFromJournal(at);
            foreach (var e in _events)
                if (e.At > at) return e.At;
            return null;
        }
    }
}
