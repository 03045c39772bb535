using Twin.Actors.Persistence;
using Twin.Actors.Tests.Plant;
using Twin.Actors.Tests.Support;

namespace Twin.Actors.Tests.Persistence;

/// <summary>
/// A whole max-mode plant on PostgreSQL journals the same events as on SQLite: the run digest
/// (instant, persistence id, manifest, payload hash of every event) and the read model folded from
/// the tag query agree across engines, and a second PostgreSQL run repeats the first.
/// </summary>
[Collection(PostgreSqlGroup.Name)]
public sealed class PostgreSqlPlantTests(PostgreSqlFixture postgreSql)
{
    [Fact]
    public async Task A_max_mode_run_on_PostgreSQL_has_the_digest_and_read_model_of_the_same_run_on_SQLite()
    {
        var spec = DeterminismTests.Spec(seed: 7);

        var sqlite = await PlantRun.ToEndAsync(spec, "pg-vs-sqlite");
        var first = await PlantRun.ToEndAsync(spec, "pg-vs-sqlite", TwinDatabase.PostgreSql(postgreSql.NewDatabase("determinism")));
        var second = await PlantRun.ToEndAsync(spec, "pg-vs-sqlite", TwinDatabase.PostgreSql(postgreSql.NewDatabase("determinism")));

        Assert.Equal(sqlite.DigestLines, first.DigestLines);
        Assert.Equal(sqlite.Digest, first.Digest);
        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(sqlite.Now, first.Now);
        // The read model is folded from the tag query: same entities, same certificates.
        Assert.Equal(sqlite.Snapshot.Entities.Keys, first.Snapshot.Entities.Keys);
        foreach (var (id, entity) in sqlite.Snapshot.Entities)
            Assert.Equal(entity.Certificates.Select(c => c.SerialHex).Order(StringComparer.Ordinal), first.Snapshot.Entities[id].Certificates.Select(c => c.SerialHex).Order(StringComparer.Ordinal));
        Assert.Equal(sqlite.Events.Count, first.Events.Count);
        Assert.True(first.Events.Count > 30, $"only {first.Events.Count} events");
    }
}
