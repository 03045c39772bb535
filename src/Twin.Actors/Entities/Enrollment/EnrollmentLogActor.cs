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
            Persist(r.Event, e => sender.Tell(new Recorded(e)));
        });
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the log.</summary>
    public static Props Props(RunId run) => Akka.Actor.Props.Create(() => new EnrollmentLogActor(run));

    /// <summary>Journal <paramref name="Event"/>; answered with <see cref="Recorded"/> once it is stored.</summary>
    public sealed record Record(ITwinEvent Event);

    /// <summary>The event is in the journal.</summary>
    public sealed record Recorded(ITwinEvent Event);
}
