using Akka.Actor;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Persistence;

/// <summary>
/// What the twin needs of its journal, whatever the engine: snapshots that a recovering entity
/// starts from, and tag queries that return exactly what was journaled, from any offset.
/// Run on SQLite and on PostgreSQL by the two subclasses below.
/// </summary>
public abstract class JournalContractTests : PersistentTestKit
{
    private static readonly RunId Run = new("journal-contract");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly CaSettings CaSettings = new("CN=Contract Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650));
    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    protected JournalContractTests(string name) : base(name) => (_vault, _clockActor) = Setup();

    protected JournalContractTests(string name, string postgreSql) : base(name, postgreSql) => (_vault, _clockActor) = Setup();

    private (FileKeyVault, IActorRef) Setup()
    {
        var clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        clockActor.Tell(new RunUntil(T0));
        return (new FileKeyVault(Path.Combine(Folder, "keys")), clockActor);
    }

    [Fact]
    public async Task A_CA_past_its_snapshot_interval_is_snapshotted_and_recovers_from_it_without_reusing_a_serial()
    {
        var ca = StartCa();
        await Idle();
        var serials = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 110; i++) serials.Add((await Issue(ca, $"CN=s{i}")).SerialNumber.ToString());
        Assert.Equal(110, serials.Count);

        var persistenceId = EntityKinds.PersistenceId(EntityKinds.CertificationAuthority, Run, CaId);
        var stored = await AwaitSnapshot(persistenceId);
        Assert.True(stored.Metadata.SequenceNr >= 100, $"snapshot at {stored.Metadata.SequenceNr}");
        var state = Assert.IsType<CaState>(stored.Snapshot);
        Assert.True(state.Serials.Count >= 99, $"snapshot holds {state.Serials.Count} serials");

        Kill(ca);
        var revived = StartCa();
        await Idle();
        var next = await Issue(revived, "CN=after");
        Assert.DoesNotContain(next.SerialNumber.ToString(), serials);
    }

    [Fact]
    public async Task Events_by_run_tag_come_back_in_journal_order_complete_and_from_any_offset()
    {
        var ca = StartCa();
        await Idle();
        for (var i = 0; i < 12; i++) await Issue(ca, $"CN=q{i}");

        var all = await EventQuery.AfterAsync(Sys, Run, 0, 10_000);
        // The root's self-certification plus twelve issuances, each an event of this CA.
        Assert.Equal(12, all.Count(e => e.Kind == "ca.issued"));
        Assert.All(all, e => Assert.Equal(CaId, e.Entity));
        Assert.Equal(all.Select(e => e.Offset).Order(), all.Select(e => e.Offset));
        Assert.Equal(all.Count, all.Select(e => e.Offset).Distinct().Count());
        Assert.Equal(all.Count, (await EventQuery.AllAsync(Sys, Run)).Count);

        var middle = all[all.Count / 2].Offset;
        var rest = await EventQuery.AfterAsync(Sys, Run, middle, 10_000);
        Assert.Equal(all.Where(e => e.Offset > middle), rest);
        var page = await EventQuery.AfterAsync(Sys, Run, 0, 3);
        Assert.Equal(all.Take(3), page);
        Assert.Empty(await EventQuery.AfterAsync(Sys, new RunId("another-run"), 0, 10));
    }

    private async Task<SelectedSnapshot> AwaitSnapshot(string persistenceId)
    {
        // The snapshot is written after the 100th event's handler: poll the store, bounded.
        var store = Akka.Persistence.Persistence.Instance.Apply(Sys).SnapshotStoreFor(null);
        SelectedSnapshot? found = null;
        await AwaitAssertAsync(async () =>
        {
            var result = await store.Ask<LoadSnapshotResult>(new LoadSnapshot(persistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), TimeSpan.FromSeconds(10));
            found = result.Snapshot;
            Assert.NotNull(found);
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));
        return found!;
    }

    private IActorRef StartCa()
    {
        _work.BeginStart(CaId.Value);
        return Sys.ActorOf(CaActor.Props(Run, CaId, CaSettings, _clock, _vault, _work, _clockActor, Entropy.System(Run)));
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));

    private static async Task<Certificate> Issue(IActorRef ca, string subject)
    {
        var csr = CertificationRequest.Create(subject, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256));
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(new EntityId("device-x"), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(1)), TimeSpan.FromSeconds(10));
        return Certificate.FromDer(granted.CertificateDer);
    }
}

/// <summary>The journal contract on the default SQLite file.</summary>
public sealed class JournalContractOnSqliteTests() : JournalContractTests("journal-sqlite");

/// <summary>The journal contract on a private PostgreSQL server.</summary>
[Collection(PostgreSqlGroup.Name)]
public sealed class JournalContractOnPostgreSqlTests(PostgreSqlFixture postgreSql) : JournalContractTests("journal-pg", postgreSql.NewDatabase("journal"));
