using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol;

namespace Twin.Actors.Projections;

/// <summary>Reads a run's events straight from the journal, from any offset: the whole record, not just the recent window the read model keeps.</summary>
public static class EventQuery
{
    /// <summary>Every event <paramref name="run"/> has journaled so far, in journal order.</summary>
    public static async Task<IReadOnlyList<ITwinEvent>> AllAsync(ActorSystem system, RunId run)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = TwinJournal.Read(system);
        var events = await journal.CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), system.Materializer());
        return events.OfType<ITwinEvent>().ToList();
    }

    /// <summary>
    /// Hands every event of <paramref name="run"/> to <paramref name="visit"/> in journal order with its position among the
    /// run's events (1, 2, ...), reading the journal page by page: nothing but what <paramref name="visit"/> keeps stays in memory.
    /// Returns how many events there were.
    /// </summary>
    public static async Task<long> ForEachAsync(ActorSystem system, RunId run, Action<ITwinEvent, long> visit, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(visit);
        var journal = TwinJournal.Read(system);
        var count = 0L;
        await journal.CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .RunForeach(envelope =>
            {
                token.ThrowIfCancellationRequested();
                if (envelope.Event is ITwinEvent e) visit(e, ++count);
            }, system.Materializer()).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// Hands the events of <paramref name="run"/> journaled after journal offset <paramref name="after"/> (0: from the start) to
    /// <paramref name="visit"/> with their journal offsets, in journal order, until it returns false or the run's events end.
    /// </summary>
    public static async Task ReadFromAsync(ActorSystem system, RunId run, long after, Func<ITwinEvent, long, bool> visit, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        var journal = TwinJournal.Read(system);
        await journal.CurrentEventsByTag(RunTagger.TagFor(run), after == 0 ? Offset.NoOffset() : Offset.Sequence(after))
            .Where(envelope => envelope.Event is ITwinEvent)
            .TakeWhile(envelope =>
            {
                token.ThrowIfCancellationRequested();
                return visit((ITwinEvent)envelope.Event, envelope.Offset is Sequence s ? s.Value : 0);
            })
            .RunWith(Sink.Ignore<EventEnvelope>(), system.Materializer()).ConfigureAwait(false);
    }

    /// <summary>Up to <paramref name="limit"/> events of <paramref name="run"/> journaled after offset <paramref name="since"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<EventView>> AfterAsync(ActorSystem system, RunId run, long since, int limit)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentOutOfRangeException.ThrowIfNegative(since);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var journal = TwinJournal.Read(system);
        var envelopes = await journal.CurrentEventsByTag(RunTagger.TagFor(run), since == 0 ? Offset.NoOffset() : Offset.Sequence(since))
            .Take(limit)
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return envelopes
            .Where(e => e.Event is ITwinEvent)
            .Select(e => EventText.Describe((ITwinEvent)e.Event, e.Offset is Sequence s ? s.Value : 0))
            .ToList();
    }
}
