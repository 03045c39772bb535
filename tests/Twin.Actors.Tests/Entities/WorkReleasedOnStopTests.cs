using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using Twin.Actors.Clock;
using Twin.Actors.Entities;
using Twin.Actors.Model;
using Twin.Actors.Protocol;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// Work handed to an entity as <see cref="Tracked"/> counts done once the events it led to are stored — and also when the entity
/// stops before they are (a kill mid-write, a journal failure): max mode waits for the count to reach zero, so work left counted
/// by a dead actor would stop the run's clock for ever.
/// </summary>
public sealed class WorkReleasedOnStopTests : TestKit
{
    private const string Label = "test-write";
    private readonly SimulationWork _work = new();

    public WorkReleasedOnStopTests() : base(ConfigurationFactory.ParseString($$"""
        akka.loglevel = WARNING
        akka.persistence.journal.plugin = "held-journal"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        held-journal {
          class = "{{typeof(HeldJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.test.single-expect-default = 30s
        """))
    {
    }

    [Fact]
    public void Work_is_counted_done_when_the_entity_stops_while_its_event_is_being_written()
    {
        var writes = CreateTestProbe();
        Sys.EventStream.Subscribe(writes.Ref, typeof(HeldJournal.WriteHeld));
        var entity = Sys.ActorOf(Props.Create(() => new Writer("writer-stopped", _work, ActorRefs.Nobody)));

        _work.Begin(Label);
        entity.Tell(new Tracked(new Writer.Write(), Label));
        writes.ExpectMsg<HeldJournal.WriteHeld>(w => w.PersistenceId == "writer-stopped"); // the event is at the journal, not stored
        Assert.Equal(1, _work.Outstanding); // not done before its event is stored

        Watch(entity);
        Sys.Stop(entity); // dies mid-write: the deferred count would never run
        ExpectTerminated(entity);

        Assert.Equal(0, _work.Outstanding);
        Assert.Empty(_work.OutstandingByLabel);
    }

    [Fact]
    public void Work_is_counted_done_once_its_event_is_stored_and_not_again_at_the_stop()
    {
        var writes = CreateTestProbe();
        Sys.EventStream.Subscribe(writes.Ref, typeof(HeldJournal.WriteHeld));
        var entity = Sys.ActorOf(Props.Create(() => new Writer("writer-stored", _work, ActorRefs.Nobody)));

        _work.Begin(Label);
        entity.Tell(new Tracked(new Writer.Write(), Label), TestActor);
        writes.ExpectMsg<HeldJournal.WriteHeld>(w => w.PersistenceId == "writer-stored");
        Assert.Equal(1, _work.Outstanding);

        HeldJournal.Release("writer-stored");
        ExpectMsg<Writer.Written>(); // the persist handler ran: the event is stored
        AwaitCondition(() => _work.Outstanding == 0, TimeSpan.FromSeconds(30));

        // The stop afterwards counts nothing again: a second piece of work stays counted as one.
        _work.Begin("other");
        Watch(entity);
        Sys.Stop(entity);
        ExpectTerminated(entity);
        Assert.Equal(1, _work.Outstanding);
        Assert.Equal(1, _work.OutstandingByLabel["other"]);
    }

    // The smallest entity: persists one event per Write and says so to whoever asked.
    private sealed class Writer : EntityActor
    {
        public sealed record Write;

        public sealed record Written;

        public Writer(string persistenceId, SimulationWork work, IActorRef clock) : base(new EntityId(persistenceId), work, clock)
        {
            PersistenceId = persistenceId;
            Command<Write>(_ =>
            {
                var asker = Sender;
                Persist("written", _ => asker.Tell(new Written()));
            });
        }

        public override string PersistenceId { get; }
    }

    /// <summary>A journal that holds every write until the test releases it; recovery finds nothing.</summary>
    public sealed class HeldJournal : AsyncWriteJournal
    {
        private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_held = new(StringComparer.Ordinal);

        /// <summary>Published when a write of <paramref name="PersistenceId"/> reached the journal and is held.</summary>
        public sealed record WriteHeld(string PersistenceId);

        /// <summary>Lets the held writes of <paramref name="persistenceId"/> complete.</summary>
        public static void Release(string persistenceId) => s_held.GetOrAdd(persistenceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        protected override async Task<IImmutableList<Exception?>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
        {
            var writes = messages.ToList();
            var id = writes[0].PersistenceId;
            var gate = s_held.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            Context.System.EventStream.Publish(new WriteHeld(id));
            await gate.Task.WaitAsync(cancellationToken);
            return writes.Select(_ => (Exception?)null).ToImmutableList();
        }

        protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task ReplayMessagesAsync(IActorContext context, string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<IPersistentRepresentation> recoveryCallback) =>
            Task.CompletedTask;

        public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) => Task.FromResult(0L);
    }
}
