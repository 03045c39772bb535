using Twin.Actors.Persistence;

namespace Twin.Actors.Tests.Persistence;

/// <summary>How a database setting selects the engine, and that its description never carries the password.</summary>
public sealed class TwinDatabaseTests
{
    [Theory]
    [InlineData("postgres://twin:s3cret@db.example:6543/plant", "db.example", 6543, "plant", "twin")]
    [InlineData("postgresql://twin@127.0.0.1/planttrust", "127.0.0.1", 5432, "planttrust", "twin")]
    [InlineData("Host=127.0.0.1;Port=5433;Database=runs;Username=ops;Password=s3cret", "127.0.0.1", 5433, "runs", "ops")]
    public void A_postgres_URL_or_connection_string_selects_PostgreSQL(string setting, string host, int port, string database, string user)
    {
        var db = TwinDatabase.Parse(setting);

        Assert.Equal(DatabaseEngine.PostgreSql, db.Engine);
        var b = new Npgsql.NpgsqlConnectionStringBuilder(db.Target);
        Assert.Equal((host, port, database, user), (b.Host, b.Port, b.Database, b.Username));
        Assert.Equal($"postgres://{host}:{port}/{database}", db.ToString());
        Assert.DoesNotContain("s3cret", db.ToString(), StringComparison.Ordinal);
        Assert.Contains("PostgreSQL.15", TwinPersistence.Hocon(db), StringComparison.Ordinal);
    }

    [Fact]
    public void URL_escapes_in_the_password_are_decoded()
    {
        var db = TwinDatabase.Parse("postgres://twin:p%40ss%3Aword@127.0.0.1:5432/plant");
        Assert.Equal("p@ss:word", new Npgsql.NpgsqlConnectionStringBuilder(db.Target).Password);
    }

    [Fact]
    public void Anything_else_is_a_SQLite_file_made_absolute()
    {
        var db = TwinDatabase.Parse("data/run.db");

        Assert.Equal(DatabaseEngine.Sqlite, db.Engine);
        Assert.Equal(Path.GetFullPath("data/run.db"), db.Target);
        Assert.Contains("SQLite.MS", TwinPersistence.Hocon(db), StringComparison.Ordinal);
    }

    [Fact]
    public void The_journal_s_SQLite_connections_commit_to_the_write_ahead_log_without_an_fsync_each()
    {
        var db = TwinDatabase.Sqlite(Path.Combine(Twin.Tests.Support.RepoPaths.NewScratch("sync"), "journal.db"));
        TwinPersistence.Prepare(db);
        var setup = TwinPersistence.SystemSetup(Akka.Configuration.ConfigurationFactory.Empty, db);
        Assert.True(setup.Get<Akka.Persistence.Sql.Config.DataOptionsSetup>().HasValue);

        // A connection opened the way the journal, snapshot store and read journal open theirs.
        using var connection = new LinqToDB.Data.DataConnection(TwinPersistence.ConnectionOptions(db)!);
        var raw = connection.OpenDbConnection();
        Assert.Equal("wal", Pragma(raw, "journal_mode"));
        Assert.Equal("1", Pragma(raw, "synchronous")); // NORMAL; SQLite's default is FULL (2), an fsync per commit
        Assert.Null(TwinPersistence.ConnectionSetup(TwinDatabase.Parse("postgres://twin@127.0.0.1/plant")));
    }

    private static string? Pragma(System.Data.Common.DbConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("postgres://twin:s3cret@127.0.0.1:5432/")]
    [InlineData("postgres://twin:s3cret@127.0.0.1:5432/a/b")]
    [InlineData("postgres://twin:s3cret@127.0.0.1:5432/plant?NoSuchSetting=1")]
    public void A_malformed_URL_names_the_setting_and_hides_the_password(string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => TwinDatabase.Parse(setting, "--db"));

        Assert.StartsWith("--db", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_server_is_reported_by_address_without_the_password()
    {
        // Port 1 on loopback: nothing listens there, the connection is refused at once.
        var db = TwinDatabase.Parse("postgres://twin:s3cret@127.0.0.1:1/plant?Timeout=5");

        var error = Assert.Throws<StorageUnavailableException>(() => TwinPersistence.Prepare(db));

        Assert.Contains("postgres://127.0.0.1:1/plant", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }
}
