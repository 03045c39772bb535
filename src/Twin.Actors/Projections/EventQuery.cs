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
        var journal = TwinReadJournal.For(system);
        var events = await journal.CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), system.Materializer());
        return events.OfType<ITwinEvent>().ToList();
    }

    /// <summary>Up to <paramref name="limit"/> events of <paramref name="run"/> journaled after offset <paramref name="since"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<EventView>> AfterAsync(ActorSystem system, RunId run, long since, int limit)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentOutOfRangeException.ThrowIfNegative(since);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var journal = TwinReadJournal.For(system);
        var envelopes = await journal.CurrentEventsByTag(RunTagger.TagFor(run), since == 0 ? Offset.NoOffset() : Offset.Sequence(since))
            .Take(limit)
            .RunWith(Sink.Seq<EventEnvelope>(), system.Materializer());
        return envelopes
            .Where(e => e.Event is ITwinEvent)
            .Select(e => EventText.Describe((ITwinEvent)e.Event, e.Offset is Sequence s ? s.Value : 0))
            .ToList();
    }
}
