using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol;

namespace Twin.Actors.Projections;

/// <summary>Builds the plant read model of a run from its journal, once, without following live writes.</summary>
public static class PlantReplay
{
    /// <summary>The read model after every event <paramref name="run"/> has journaled so far.</summary>
    public static Task<PlantSnapshot> CurrentAsync(ActorSystem system, RunId run) => CurrentAsync(system, run, ReadModelDetail.Full);

    /// <summary>The read model after every event <paramref name="run"/> has journaled so far, with only <paramref name="detail"/>.</summary>
    public static async Task<PlantSnapshot> CurrentAsync(ActorSystem system, RunId run, ReadModelDetail detail)
    {
        ArgumentNullException.ThrowIfNull(system);
        var journal = TwinJournal.Read(system);
        return await journal.CurrentEventsByTag(RunTagger.TagFor(run), Offset.NoOffset())
            .RunAggregate(PlantSnapshot.Empty, (snapshot, envelope) =>
                envelope.Event is ITwinEvent e ? PlantReadModel.Fold(snapshot, e, envelope.Offset is Sequence s ? s.Value : 0, detail) : snapshot,
                system.Materializer());
    }
}
