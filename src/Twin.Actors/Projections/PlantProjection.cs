using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol;

namespace Twin.Actors.Projections;

/// <summary>Feeds a <see cref="PlantReadModel"/> from the journal: every past event of the run, then live ones as they are written.</summary>
public static class PlantProjection
{
    /// <summary>
    /// Starts following <paramref name="run"/>. A failing query restarts from the last applied
    /// offset with back-off. The returned switch stops the stream (it also stops with the system).
    /// </summary>
    public static UniqueKillSwitch Start(ActorSystem system, RunId run, PlantReadModel model)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(model);
        var journal = TwinReadJournal.For(system);
        var tag = RunTagger.TagFor(run);
        long applied = 0;
        var source = RestartSource.OnFailuresWithBackoff(
            () => journal.EventsByTag(tag, applied == 0 ? Offset.NoOffset() : Offset.Sequence(applied)),
            RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0.2));
        return source
            .ViaMaterialized(KillSwitches.Single<EventEnvelope>(), Keep.Right)
            .To(Sink.ForEach<EventEnvelope>(envelope =>
            {
                var offset = envelope.Offset is Sequence seq ? seq.Value : 0;
                if (offset != 0 && offset <= applied) return; // already applied before a restart
                if (envelope.Event is ITwinEvent e) model.Apply(e, offset);
                applied = offset;
            }))
            .Run(system.Materializer());
    }
}
