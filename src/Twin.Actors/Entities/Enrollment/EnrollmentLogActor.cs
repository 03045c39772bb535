using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Model;
using Twin.Actors.Protocol;

namespace Twin.Actors.Entities.Enrollment;

/// <summary>
/// Journals what the enrollment endpoints decide and issue for parties outside the twin, so that those parties become
/// entities of the run and every decision is in the audit trail. It holds no state: the journal is the record.
/// </summary>
public sealed class EnrollmentLogActor : ReceivePersistentActor
{
    /// <summary>The entity id under which the enrollment front door records its decisions.</summary>
    public static readonly EntityId LogId = new("enrollment");

    /// <summary>Creates the log of <paramref name="run"/>.</summary>
    public EnrollmentLogActor(RunId run)
    {
        PersistenceId = EntityKinds.PersistenceId("enrollment", run, LogId);
        Recover<ITwinEvent>(_ => { });
        Command<Record>(r =>
        {
            var sender = Sender;
            var pending = r.Events.Count;
            // Nothing here depends on the previous write: PersistAllAsync lets a burst of enrollments share journal commits,
            // while each answer still waits until its own events are stored.
            PersistAllAsync(r.Events, _ => { if (--pending == 0) sender.Tell(new Recorded(r.Events)); });
        });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the log.</summary>
    public static Props Props(RunId run) => Akka.Actor.Props.Create(() => new EnrollmentLogActor(run));

    /// <summary>Journal <paramref name="Events"/> (at least one); answered with <see cref="Recorded"/> once all are stored.</summary>
    public sealed record Record(IReadOnlyList<ITwinEvent> Events)
    {
        /// <summary>Journal one event.</summary>
        public Record(ITwinEvent e) : this([e]) { }
    }

    /// <summary>The events are in the journal.</summary>
    public sealed record Recorded(IReadOnlyList<ITwinEvent> Events);
}
