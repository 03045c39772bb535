using Akka.Actor;
using Akka.Configuration;
using Microsoft.Data.Sqlite;
using Twin.Actors.Persistence;
using Twin.Actors.Projections;
using Twin.Actors.Tests.Plant;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Persistence;

/// <summary>
/// Run tags live in the journal's tag column; a journal written with the older tag table is brought to the column in
/// place, and reads back the same run — same events, same digest — as it did before.
/// </summary>
public sealed class JournalTagsTests
{
    private const string TagTableLayout = """
        akka.persistence.journal.sql.tag-write-mode = TagTable
        akka.persistence.query.journal.sql.tag-read-mode = TagTable
        """;

    [Fact]
    public async Task A_journal_written_with_the_tag_table_is_upgraded_in_place_and_reads_back_the_same_run()
    {
        var folder = RepoPaths.NewScratch("journal-tags-upgrade");
        var database = TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        var spec = DeterminismTests.Spec(seed: 7);
        var before = await PlantRun.ToEndAsync(spec, "journal-tags-old", database, folder, TagTableLayout);
        Assert.NotEmpty(before.Journal);

        using (var connection = Open(database.Target))
        {
            Assert.False(HasTagColumn(connection));
            Assert.Equal([spec.Run.Value], JournalTags.RunsIn(connection));
            var updated = JournalTags.UpgradeSqlite(connection);
            Assert.Equal(before.Journal.Count, updated);
            Assert.True(HasTagColumn(connection));
            Assert.Equal([spec.Run.Value], JournalTags.RunsIn(connection));
            Assert.Equal(0, JournalTags.UpgradeSqlite(connection)); // once only
        }

        var (digest, events) = await ReadBack(database, spec.Run);
        Assert.Equal(before.Digest, digest);
        Assert.Equal(before.Journal.Count, events);
    }

    [Fact]
    public async Task Prepare_upgrades_an_older_journal_before_the_twin_opens_it()
    {
        var folder = RepoPaths.NewScratch("journal-tags-prepare");
        var database = TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        var spec = DeterminismTests.Spec(seed: 3);
        var before = await PlantRun.ToEndAsync(spec, "journal-tags-prepare-old", database, folder, TagTableLayout);

        TwinPersistence.Prepare(database);

        var (digest, events) = await ReadBack(database, spec.Run);
        Assert.Equal(before.Digest, digest);
        Assert.Equal(before.Journal.Count, events);
    }

    [Fact]
    public async Task A_new_journal_keeps_each_events_run_in_its_tag_column_and_has_no_tag_table()
    {
        var folder = RepoPaths.NewScratch("journal-tags-new");
        var database = TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        var spec = DeterminismTests.Spec(seed: 5);
        var outcome = await PlantRun.ToEndAsync(spec, "journal-tags-new", database, folder);

        using var connection = Open(database.Target);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM journal WHERE tags = $tag";
        command.Parameters.AddWithValue("$tag", $";run:{spec.Run.Value};");
        Assert.Equal((long)outcome.Journal.Count, (long)command.ExecuteScalar()!);
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'tags'";
        Assert.Equal(0L, (long)command.ExecuteScalar()!);
        Assert.Equal([spec.Run.Value], JournalTags.RunsIn(connection));
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static bool HasTagColumn(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pragma_table_info('journal') WHERE name = 'tags'";
        return (long)command.ExecuteScalar()! > 0;
    }

    private static async Task<(string Digest, int Events)> ReadBack(TwinDatabase database, Twin.Actors.Model.RunId run)
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
        using var system = ActorSystem.Create("journal-tags-read", TwinPersistence.SystemSetup(config, database));
        try
        {
            var (digest, _) = await RunDigest.ComputeAsync(system, run);
            return (digest, (await EventQuery.AllAsync(system, run)).Count);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
