using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol;

namespace Twin.Actors.Projections;

/// <summary>The replay read from the journal: checkpoints by instant, and the window after one read again on a seek.</summary>
public sealed partial class ReplayReadModel
{
    /// <summary>At most this many checkpoints are kept; a long run spaces them further apart.</summary>
    public const int MaxCheckpoints = 64;

    /// <summary>Events between checkpoints of a short run read from the journal.</summary>
    public const int MinCheckpointSpacing = 2000;

    private readonly int _spacing = MinCheckpointSpacing;
    private JournalSource? _journal;
    private List<Checkpoint> _marks = [];

    /// <summary>A replay whose checkpoints, when read from the journal, start <paramref name="checkpointSpacing"/> events apart.</summary>
    public ReplayReadModel(int checkpointSpacing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointSpacing, 1);
        _spacing = checkpointSpacing;
    }

    /// <summary>A replay with checkpoints <see cref="MinCheckpointSpacing"/> events apart at first.</summary>
    public ReplayReadModel()
    {
    }

    /// <summary>A snapshot after <paramref name="Position"/> events, the last of them at <paramref name="LastAt"/> with journal offset <paramref name="Offset"/>.</summary>
    private sealed record Checkpoint(long Position, long Offset, SimInstant LastAt, PlantSnapshot Snapshot);

    private sealed record JournalSource(ActorSystem System, RunId Run);

    /// <summary>
    /// Reads <paramref name="run"/> from the journal once, keeping checkpoints, and shows the end of the run; returns the
    /// number of events. A journal whose instants do not only grow (written out of order) is held in memory instead
    /// (<see cref="Load"/>): a seek could not stop at the first later instant.
    /// </summary>
    public async Task<long> LoadAsync(ActorSystem system, RunId run, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        var marks = new List<Checkpoint> { new(0, 0, default, PlantSnapshot.Empty) };
        var spacing = (long)_spacing;
        var snapshot = PlantSnapshot.Empty;
        long position = 0, offset = 0;
        SimInstant? first = null, last = null;
        var ordered = true;
        await EventQuery.ReadFromAsync(system, run, 0, (e, o) =>
        {
            if (last is { } l && e.At < l) return ordered = false;
            first ??= e.At;
            last = e.At;
            snapshot = PlantReadModel.Fold(snapshot, e, ++position);
            offset = o;
            if (position % spacing == 0)
            {
                marks.Add(new Checkpoint(position, offset, e.At, snapshot));
                if (marks.Count > MaxCheckpoints)
                {
                    // Keep every other one (the empty start stays): twice the spacing, half the checkpoints.
                    spacing *= 2;
                    marks = marks.Where(m => m.Position % spacing == 0).ToList();
                }
            }
            return true;
        }, token).ConfigureAwait(false);
        if (!ordered)
        {
            var all = await EventQuery.AllAsync(system, run).ConfigureAwait(false);
            Load(all);
            return all.Count;
        }
        if (position == 0) throw new ArgumentException($"A replay needs at least one event; run {run} has none.", nameof(run));
        lock (_gate)
        {
            _events = [];
            _checkpoints = [PlantSnapshot.Empty];
            _journal = new JournalSource(system, run);
            _marks = marks;
            Range = (first!.Value, last!.Value);
        }
        SeekTo(last!.Value);
        return position;
    }

    // The last checkpoint whose events all lie at or before the instant, then the journal from there up to the instant.
    private PlantSnapshot SnapshotFromJournal(SimInstant at)
    {
        var mark = Before(at);
        var snapshot = mark.Snapshot;
        var position = mark.Position;
        // Seeks come from the dashboard and the read API, never from an actor: waiting here blocks no actor.
        EventQuery.ReadFromAsync(_journal!.System, _journal.Run, mark.Offset, (e, _) =>
        {
            if (e.At > at) return false;
            snapshot = PlantReadModel.Fold(snapshot, e, ++position);
            return true;
        }).GetAwaiter().GetResult();
        return snapshot;
    }

    private SimInstant? NextInstantFromJournal(SimInstant at)
    {
        SimInstant? next = null;
        EventQuery.ReadFromAsync(_journal!.System, _journal.Run, Before(at).Offset, (e, _) =>
        {
            if (e.At <= at) return true;
            next = e.At;
            return false;
        }).GetAwaiter().GetResult();
        return next;
    }

    private Checkpoint Before(SimInstant at)
    {
        var mark = _marks[0];
        foreach (var m in _marks)
        {
            if (m.Position > 0 && m.LastAt > at) break;
            mark = m;
        }
        return mark;
    }
}
