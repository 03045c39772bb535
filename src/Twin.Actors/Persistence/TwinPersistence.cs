using Akka.Hosting;
using LinqToDB;
using Microsoft.Data.Sqlite;
using Twin.Actors.Protocol;
using Twin.Actors.Serialization;

namespace Twin.Actors.Persistence;

/// <summary>
/// Journal, snapshot store and read journal on Akka.Persistence.Sql: a SQLite file by default.
/// Its .Hosting package is not available, so the plugin is configured with HOCON here, in one place.
/// </summary>
public static class TwinPersistence
{
    /// <summary>The HOCON for a SQLite database file at <paramref name="databasePath"/>.</summary>
    public static string SqliteHocon(string databasePath)
    {
        var connection = SqliteConnectionString(databasePath);
        // SQLite has one writer: a single write stream that batches what is pending beats several
        // transactions queueing for the file lock.
        // Reads in deferred transactions (Microsoft.Data.Sqlite starts a read-uncommitted transaction with a plain BEGIN; with a private
        // cache it still reads committed data, WAL gives it a snapshot): otherwise every query of the read side and every recovery
        // begins IMMEDIATE, takes the write reservation, and the writer and the readers sleep in the busy handler for each other.
        return SqlHocon(connection, SqliteProvider, parallelism: 1, readIsolation: "read-uncommitted");
    }

    private static string SqliteConnectionString(string databasePath) =>
        new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = true }.ToString();

    /// <summary>
    /// The connection options the journal, snapshot store and read journal open their connections with; null when the HOCON
    /// alone says all (PostgreSQL). A SQLite connection switches to synchronous=NORMAL: in write-ahead-log mode a commit then
    /// appends to the log without waiting for the disk (about 0.1 ms instead of one fsync, ~9 ms on this project's machines),
    /// and the log is synced at checkpoints. A killed process loses nothing committed — the operating system still holds the
    /// log — so resuming after kill -9 is unaffected; only a power cut or kernel crash can lose the last commits before a
    /// checkpoint, never the file's consistency.
    /// </summary>
    public static DataOptions? ConnectionOptions(TwinDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Engine != DatabaseEngine.Sqlite) return null;
        return new DataOptions()
            .UseConnectionString(SqliteProvider, SqliteConnectionString(database.Target))
            .UseAfterConnectionOpened(SyncNormally, (connection, token) => SyncNormallyAsync(connection, token));
    }

    /// <summary><see cref="ConnectionOptions"/> as an actor-system setup (Akka.Persistence.Sql reads it), or null.</summary>
    public static Akka.Actor.Setup.Setup? ConnectionSetup(TwinDatabase database) =>
        ConnectionOptions(database) is { } options ? new Akka.Persistence.Sql.Config.DataOptionsSetup(options) : null;

    /// <summary>The actor-system setup for <paramref name="config"/> on <paramref name="database"/>: the config plus <see cref="ConnectionSetup"/>.</summary>
    public static Akka.Actor.Setup.ActorSystemSetup SystemSetup(Akka.Configuration.Config config, TwinDatabase database)
    {
        var bootstrap = Akka.Actor.BootstrapSetup.Create().WithConfig(config);
        return ConnectionSetup(database) is { } connections ? bootstrap.And(connections) : Akka.Actor.Setup.ActorSystemSetup.Create(bootstrap);
    }

    private const string SqliteProvider = "SQLite.MS";

    private static void SyncNormally(System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }

    private static async Task SyncNormallyAsync(System.Data.Common.DbConnection connection, CancellationToken token)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        await command.ExecuteNonQueryAsync(token);
    }

    /// <summary>The HOCON for a PostgreSQL server reached with the Npgsql <paramref name="connectionString"/>.</summary>
    public static string PostgreSqlHocon(string connectionString) =>
        // A server takes concurrent transactions: a few write streams keep its commits overlapping.
        SqlHocon(connectionString, "PostgreSQL.15", parallelism: 4);

    /// <summary>The HOCON for <paramref name="database"/>, whichever engine it names.</summary>
    public static string Hocon(TwinDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.Engine == DatabaseEngine.PostgreSql ? PostgreSqlHocon(database.Target) : SqliteHocon(database.Target);
    }

    private static string SqlHocon(string connection, string provider, int parallelism, string readIsolation = "unspecified")
    {
        var quoted = "\"" + connection.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        return $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  class = "{{typeof(TwinWriteJournal).AssemblyQualifiedName}}"
                  connection-string = {{quoted}}
                  provider-name = "{{provider}}"
                  auto-initialize = on
                  tag-write-mode = Csv
                  parallelism = {{parallelism}}
                  read-isolation-level = {{readIsolation}}
                  # A plant of a thousand entities recovers and writes its first events at once: on a
                  # busy machine the queue ahead of one write takes longer than the default 10 s, and
                  # a tripped breaker would fail every entity's recovery.
                  circuit-breaker { max-failures = 10, call-timeout = 120s, reset-timeout = 30s }
                  event-adapters { run-tagger = "{{typeof(RunTagger).AssemblyQualifiedName}}" }
                  event-adapter-bindings { "{{typeof(ITwinEvent).AssemblyQualifiedName}}" = run-tagger }
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
                  connection-string = {{quoted}}
                  provider-name = "{{provider}}"
                  read-isolation-level = {{readIsolation}}
                  auto-initialize = on
                  circuit-breaker { max-failures = 10, call-timeout = 120s, reset-timeout = 30s }
                }
              }
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                plugin-id = "akka.persistence.query.journal.sql"
                write-plugin = "akka.persistence.journal.sql"
                connection-string = {{quoted}}
                provider-name = "{{provider}}"
                tag-read-mode = Csv
                read-isolation-level = {{readIsolation}}
                refresh-interval = 100ms
                max-buffer-size = 200
                journal-sequence-retrieval.query-delay = 100ms
              }
            }
            """;
    }

    /// <summary>The HOCON that binds every persisted type to <see cref="TwinSerializer"/>.</summary>
    public static string SerializationHocon => $$"""
        akka.actor {
          serializers { twin = "{{typeof(TwinSerializer).AssemblyQualifiedName}}" }
          serialization-bindings { "{{typeof(ITwinPersisted).AssemblyQualifiedName}}" = twin }
          serialization-identifiers { "{{typeof(TwinSerializer).AssemblyQualifiedName}}" = {{TwinSerializer.SerializerId}} }
        }
        """;

    /// <summary>
    /// Creates the database file's folder and switches the file to write-ahead logging (commits are
    /// several times faster); a journal from before the tag column gets it (<see cref="JournalTags.UpgradeSqlite"/>).
    /// Fails with a message naming the path when the folder is not writable.
    /// </summary>
    public static void PrepareSqliteFile(string databasePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        var full = Path.GetFullPath(databasePath);
        var folder = Path.GetDirectoryName(full)!;
        try
        {
            Directory.CreateDirectory(folder);
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL;";
            command.ExecuteNonQuery();
            JournalTags.UpgradeSqlite(connection);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or SqliteException)
        {
            throw new StorageUnavailableException($"The database file {full} cannot be created or written: {e.Message}", e);
        }
    }

    /// <summary>
    /// Makes <paramref name="database"/> ready before Akka starts: a SQLite file gets its folder and
    /// write-ahead logging; a PostgreSQL server is reached once, so a wrong host or password is
    /// reported here, by name, instead of as a journal failure later.
    /// </summary>
    public static void Prepare(TwinDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Engine == DatabaseEngine.Sqlite) PrepareSqliteFile(database.Target);
        else PostgreSqlCheck.Reach(database);
    }

    /// <summary>Adds the journal, snapshot store and read journal on <paramref name="database"/> to an Akka.Hosting configuration.</summary>
    public static AkkaConfigurationBuilder AddTwinPersistence(this AkkaConfigurationBuilder builder, TwinDatabase database)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (ConnectionSetup(database) is { } connections) builder.AddSetup(connections);
        return builder.AddHocon(Hocon(database), HoconAddMode.Prepend);
    }

    /// <summary>Adds the SQLite journal, snapshot store and read journal to an Akka.Hosting configuration.</summary>
    public static AkkaConfigurationBuilder AddTwinPersistence(this AkkaConfigurationBuilder builder, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddTwinPersistence(TwinDatabase.Sqlite(Path.GetFullPath(databasePath)));
    }

    /// <summary>Binds the twin's persisted types to their manifest-based serializer.</summary>
    public static AkkaConfigurationBuilder AddTwinSerialization(this AkkaConfigurationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddHocon(SerializationHocon, HoconAddMode.Prepend);
    }
}

/// <summary>The journal's storage cannot be used (folder not writable, file locked or corrupt).</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
