using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Tests.Support;

namespace Twin.Actors.Tests.Persistence;

/// <summary>
/// The twin's write journal under batches that carry no event: a deferred handler queued behind a write still in flight
/// reaches the journal alone, and must neither fail nor count against the journal's circuit breaker.
/// </summary>
public sealed class WriteJournalTests() : PersistentTestKit("write-journal")
{
    [Fact]
    public void Batches_of_deferred_handlers_alone_succeed_and_leave_the_journal_open_for_the_next_write()
    {
        var actor = Sys.ActorOf(Props.Create(() => new PersistThenDefer("write-journal-defer", TestActor)));
        // One stored event, then a chain of fifteen deferrals, each queued by the one before it: fifteen journal batches in a
        // row with no event in them, more than the ten failures the journal's circuit breaker allows.
        actor.Tell(1);
        ExpectMsg("stored 1");
        ExpectMsg("deferred 1 after 15");

        // The next write still reaches the database (with the breaker open, "persist failed: ..." would come instead).
        actor.Tell(2);
        ExpectMsg("stored 2");
        ExpectMsg("deferred 2 after 15");

        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        ExpectTerminated(actor);
        var revived = Sys.ActorOf(Props.Create(() => new PersistThenDefer("write-journal-defer", TestActor)));
        revived.Tell("how many?");
        ExpectMsg("recovered 2");
    }

    /// <summary>
    /// Stores each number it is sent and, while that write is in flight, defers a handler that defers the next, fifteen deep:
    /// a deferred handler runs while it is itself still pending, so each deferral it makes goes to the journal in a batch
    /// of its own.
    /// </summary>
    private sealed class PersistThenDefer : ReceivePersistentActor
    {
        private const int Depth = 15;
        private readonly IActorRef _probe;
        private int _stored;

        public PersistThenDefer(string persistenceId, IActorRef probe)
        {
            PersistenceId = persistenceId;
            _probe = probe;
            Recover<int>(_ => _stored++);
            Command<int>(n =>
            {
                PersistAsync(n, stored =>
                {
                    _stored++;
                    probe.Tell($"stored {stored}");
                });
                // Handled before the journal can answer the write above, so the first deferral waits behind it.
                Self.Tell(new DeferAfter(n));
            });
            Command<DeferAfter>(d => DeferNext(d.Number, 1));
            Command<string>(_ => probe.Tell($"recovered {_stored}"));
        }

        public override string PersistenceId { get; }

        private void DeferNext(int number, int depth) => DeferAsync(depth, reached =>
        {
            if (reached < Depth) DeferNext(number, reached + 1);
            else _probe.Tell($"deferred {number} after {reached}");
        });

        protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
        {
            _probe.Tell($"persist failed: {cause.Message}");
            base.OnPersistFailure(cause, @event, sequenceNr);
        }

        private sealed record DeferAfter(int Number);
    }
}
