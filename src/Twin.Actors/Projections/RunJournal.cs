using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol;

namespace Twin.Actors.Projections;

/// <summary>One journaled event with its offset in the run's tag stream.</summary>
public sealed record JournaledEvent(long Offset, ITwinEvent Event);

/// <summary>The whole record of a run, read from the journal: for the timeline, the replay scrubber and the metrics charts.</summary>
public interface IRunJournal
{
    /// <summary>Every event the run has journaled so far, in journal order.</summary>
    Task<IReadOnlyList<JournaledEvent>> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>The plant read model as it was at simulated instant <paramref name="at"/>: every event up to and including it, folded.</summary>
    Task<PlantSnapshot> SnapshotAtAsync(SimInstant at, CancellationToken cancellationToken = default);
}

/// <summary>
/// Reads a run's events from the journal and keeps them, fetching only what was written since the
/// last call; the replay at an instant folds the kept events with <see cref="PlantReadModel.Fold(PlantSnapshot, ITwinEvent, long)"/>.
/// </summary>
public sealed class RunJournal(ActorSystem system, RunId run) : IRunJournal, IDisposable
{
    // Offsets are assigned when a write starts and become visible when it commits, so under concurrent
    // writes a later offset can be read before an earlier one: each read goes back this far again.
    private const long Overlap = 1000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<JournaledEvent> _events = [];
    private readonly HashSet<long> _seen = [];
    private long _last;

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournaledEvent>> ReadAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var journal = TwinJournal.Read(system);
            var from = _last - Overlap;
            var fresh = await journal.CurrentEventsByTag(RunTagger.TagFor(run), from <= 0 ? Offset.NoOffset() : Offset.Sequence(from))
                .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer()).WaitAsync(cancellationToken).ConfigureAwait(false);
            var late = false;
            foreach (var envelope in fresh)
            {
                var offset = envelope.Offset is Sequence s ? s.Value : 0;
                if (!_seen.Add(offset)) continue;
                if (envelope.Event is ITwinEvent e)
                {
                    late |= offset < _last;
                    _events.Add(new JournaledEvent(offset, e));
                }
                _last = Math.Max(_last, offset);
            }
            if (late) _events.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            return _events.ToArray();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<PlantSnapshot> SnapshotAtAsync(SimInstant at, CancellationToken cancellationToken = default)
    {
        var events = await ReadAsync(cancellationToken).ConfigureAwait(false);
        return FoldUntil(events, at);
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    /// <summary>The pure replay: <paramref name="events"/> (journal order) up to and including <paramref name="at"/>, folded.</summary>
    public static PlantSnapshot FoldUntil(IEnumerable<JournaledEvent> events, SimInstant at)
    {
        ArgumentNullException.ThrowIfNull(events);
        var snapshot = PlantSnapshot.Empty;
        foreach (var e in events)
            if (e.Event.At <= at) snapshot = PlantReadModel.Fold(snapshot, e.Event, e.Offset);
        return snapshot;
    }
}
