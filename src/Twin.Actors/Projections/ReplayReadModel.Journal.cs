using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Protocol;

namespace Twin.Actors.Projections;

/// <summary>
/// The replay read from the journal: checkpoints placed by event count, and the window after one read again on a seek —
/// or, when the instant sought is later than the one shown and no checkpoint lies between them, the window after the
/// instant shown (a step, a scrub forward, or a play reads only the events it moves over).
/// </summary>
public sealed partial class ReplayReadModel
{
    /// <summary>
    /// At most this many checkpoints are kept by default; a long run spaces them further apart. Snapshots share what a later
    /// one did not change, so each costs the entities, histories and certificates its window changed (docs/benchmarks.md).
    /// </summary>
    public const int MaxCheckpoints = 128;

    /// <summary>Events between checkpoints of a short run read from the journal.</summary>
    public const int MinCheckpointSpacing = 2000;

    /// <summary>
    /// What the checkpoints may hold together, by default: a checkpoint keeps what its window changed, and in a long run a
    /// window changes most entities, so the number of checkpoints kept falls as the plant grows (docs/benchmarks.md).
    /// </summary>
    public const long CheckpointBudgetBytes = 128L * 1024 * 1024;

    /// <summary>
    /// What one checkpoint costs per entity of the plant, measured over ten years: about 640 bytes at 2,000 devices, 410 at
    /// 10,000 (the entity's view, its place in the entity and holder indexes and its certificate list, for a window that changed it).
    /// </summary>
    public const int CheckpointBytesPerEntity = 640;

    /// <summary>Fewer checkpoints than this are never kept for the budget's sake: seeks would read too far.</summary>
    public const int MinCheckpoints = 8;

    private readonly int _spacing = MinCheckpointSpacing;
    private readonly int _maxCheckpoints = MaxCheckpoints;
    private readonly long _budget = CheckpointBudgetBytes;
    private JournalSource? _journal;
    private List<Checkpoint> _marks = [];
    private HeapBound _heap = new();

    // The view shown: every event at or before its instant (LastAt here) folded, the last of them at Offset.
    private Checkpoint? _shown;

    /// <summary>A replay whose checkpoints, when read from the journal, start <paramref name="checkpointSpacing"/> events apart.</summary>
    public ReplayReadModel(int checkpointSpacing)
        : this(checkpointSpacing, MaxCheckpoints)
    {
    }

    /// <summary>A replay whose checkpoints start <paramref name="checkpointSpacing"/> events apart, at most <paramref name="maxCheckpoints"/> of them.</summary>
    public ReplayReadModel(int checkpointSpacing, int maxCheckpoints)
        : this(checkpointSpacing, maxCheckpoints, CheckpointBudgetBytes)
    {
    }

    /// <summary>
    /// A replay whose checkpoints start <paramref name="checkpointSpacing"/> events apart, at most <paramref name="maxCheckpoints"/>
    /// of them and as many as <paramref name="budgetBytes"/> holds at <see cref="CheckpointBytesPerEntity"/> an entity (never fewer than <see cref="MinCheckpoints"/>).
    /// </summary>
    public ReplayReadModel(int checkpointSpacing, int maxCheckpoints, long budgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointSpacing, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCheckpoints, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(budgetBytes);
        _spacing = checkpointSpacing;
        _maxCheckpoints = maxCheckpoints;
        _budget = budgetBytes;
    }

    /// <summary>How many checkpoints (the empty start included) a plant of <paramref name="entities"/> entities may keep.</summary>
    public int CheckpointLimit(int entities) =>
        (int)Math.Min(_maxCheckpoints, Math.Max(Math.Min(MinCheckpoints, _maxCheckpoints), _budget / ((long)Math.Max(1, entities) * CheckpointBytesPerEntity)));

    /// <summary>A replay with checkpoints <see cref="MinCheckpointSpacing"/> events apart at first.</summary>
    public ReplayReadModel()
    {
    }

    /// <summary>A snapshot after <paramref name="Position"/> events, the last of them at <paramref name="LastAt"/> with journal offset <paramref name="Offset"/>.</summary>
    private sealed record Checkpoint(long Position, long Offset, SimInstant LastAt, PlantSnapshot Snapshot);

    private sealed record JournalSource(ActorSystem System, RunId Run, RecordedRunDetail Detail);

    /// <summary>
    /// Reads <paramref name="run"/> from the journal once, keeping checkpoints, and shows the end of the run; returns the
    /// number of events. A journal whose instants do not only grow (written out of order) is held in memory instead
    /// (<see cref="Load"/>): a seek could not stop at the first later instant.
    /// </summary>
    public async Task<long> LoadAsync(ActorSystem system, RunId run, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        var marks = new List<Checkpoint> { new(0, 0, default, PlantSnapshot.Empty) };
        var detail = new RecordedRunDetail(system, run);
        var snapshot = PlantSnapshot.Empty;
        long position = 0, offset = 0;
        SimInstant? first = null, last = null;
        var ordered = true;
        var heap = new HeapBound();
        await EventQuery.ReadFromAsync(system, run, 0, (e, o) =>
        {
            if (last is { } l && e.At < l) return ordered = false;
            first ??= e.At;
            last = e.At;
            snapshot = PlantReadModel.Fold(snapshot, e, ++position, detail, o);
            detail.Record(o, snapshot.Entities.ContainsKey(e.Entity.Value) ? e.Entity.Value : null);
            offset = o;
            if (position % _spacing == 0)
            {
                marks.Add(new Checkpoint(position, offset, e.At, snapshot));
                // The plant grows during the run: its checkpoints may have to thin out more than one at a time.
                var limit = CheckpointLimit(snapshot.Entities.Count);
                while (marks.Count > limit) marks.RemoveAt(Thinnest(marks));
            }
            if (position % HeapBound.Every == 0) heap.Check();
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
            _journal = new JournalSource(system, run, detail);
            _marks = marks;
            _heap = heap;
            _shown = null;
            Range = (first!.Value, last!.Value);
        }
        SeekTo(last!.Value);
        return position;
    }

    /// <summary>How many checkpoints the replay keeps now (the empty start included).</summary>
    public int CheckpointCount
    {
        get { lock (_gate) return _journal is null ? _checkpoints.Count : _marks.Count; }
    }

    // From the last checkpoint whose events all lie at or before the instant — or from the view shown, when the instant is
    // not earlier than it and no checkpoint lies between — the journal up to the instant.
    private PlantSnapshot SnapshotFromJournal(SimInstant at)
    {
        var mark = Start(at);
        var snapshot = mark.Snapshot;
        var position = mark.Position;
        var offset = mark.Offset;
        // Seeks come from the dashboard and the read API, never from an actor: waiting here blocks no actor.
        EventQuery.ReadFromAsync(_journal!.System, _journal.Run, mark.Offset, (e, o) =>
        {
            if (e.At > at) return false;
            snapshot = PlantReadModel.Fold(snapshot, e, ++position, _journal.Detail, o);
            offset = o;
            if (position % HeapBound.Every == 0) _heap.Check();
            return true;
        }).GetAwaiter().GetResult();
        _shown = new Checkpoint(position, offset, at, snapshot);
        return snapshot;
    }

    private SimInstant? NextInstantFromJournal(SimInstant at)
    {
        SimInstant? next = null;
        EventQuery.ReadFromAsync(_journal!.System, _journal.Run, Start(at).Offset, (e, _) =>
        {
            if (e.At <= at) return true;
            next = e.At;
            return false;
        }).GetAwaiter().GetResult();
        return next;
    }

    // The load replaces what every event changes: the versions it replaced die old, in the collector's oldest generation,
    // which grows by hundreds of megabytes before the collector looks at it again (at 10,000 devices the resident set peaked
    // 560 MB above what stayed live). A full, compacting collection whenever the heap has grown by a quarter of what was
    // live after the last one (at least 64 MB) keeps the load's peak near what it keeps. A seek's window checks the same
    // bound, kept from the load: without it the replay's peak was its seeks' — at 10,000 devices 150 MB above the load's
    // (761 → 910 MB) with a check once per seek, and at 2,000 devices with two checkpoints the resident set rose from
    // 300 to 450 MB over 20 seeks (docs/benchmarks.md).
    private sealed class HeapBound
    {
        public const int Every = 1000;
        private const long Least = 64L * 1024 * 1024;
        private long _limit = Least;

        public void Check()
        {
            if (GC.GetTotalMemory(forceFullCollection: false) < _limit) return;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            var live = GC.GetTotalMemory(forceFullCollection: false);
            _limit = live + Math.Max(Least, live / 4);
        }
    }

    // Where a read up to the instant begins: the view shown when it is not later than the instant and not before the
    // checkpoint (its events after Offset all lie after its instant, so none is folded twice or missed).
    private Checkpoint Start(SimInstant at)
    {
        var mark = Before(at);
        return _shown is { } shown && shown.LastAt <= at && shown.Position >= mark.Position ? shown : mark;
    }

    // The checkpoint whose removal leaves the shortest gap (the empty start and the newest stay): every slot stays in use
    // and the gaps even out as the run grows (dropping every other one, as before, could leave half the slots unused).
    private static int Thinnest(List<Checkpoint> marks)
    {
        var thinnest = 1;
        for (var i = 2; i < marks.Count - 1; i++)
            if (marks[i + 1].Position - marks[i - 1].Position < marks[thinnest + 1].Position - marks[thinnest - 1].Position) thinnest = i;
        return thinnest;
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
