using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Twin.Actors.Persistence;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Support;

/// <summary>
/// A TestKit on a fresh SQLite journal file (or, given a connection string, a fresh PostgreSQL
/// database) with the twin's serializer. (serialize-messages stays off: Akka.Persistence.Sql's own
/// internal messages are not serializable.)
/// </summary>
public abstract class PersistentTestKit : TestKit
{
    protected PersistentTestKit(string name) : this(new DirectoryInfo(RepoPaths.NewScratch(name)), null) { }

    /// <summary>A TestKit journaling to the PostgreSQL database <paramref name="postgreSql"/>; keys still go to a scratch folder.</summary>
    protected PersistentTestKit(string name, string postgreSql) : this(new DirectoryInfo(RepoPaths.NewScratch(name)), postgreSql) { }

    private PersistentTestKit(DirectoryInfo folder, string? postgreSql) : base(postgreSql is null ? Configure(folder.FullName) : Configure(TwinDatabase.PostgreSql(postgreSql)))
    {
        Folder = folder.FullName;
    }

    private static ActorSystemSetup Configure(TwinDatabase database)
    {
        TwinPersistence.Prepare(database);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(Patience))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
        return TwinPersistence.SystemSetup(config, database);
    }

    // A journal's first write (schema creation, recovery) can take seconds on a busy machine: expectations
    // without an explicit timeout (RemainingOrDefault) wait 30 s instead of the TestKit's 3 s.
    private const string Patience = """
        akka.test.single-expect-default = 30s
        akka.test.default-timeout = 30s
        """;

    /// <summary>Stops <paramref name="actor"/> as a crash would leave it (no goodbye) and waits until it is gone, so a fresh incarnation recovers from the journal alone.</summary>
    protected void Kill(IActorRef actor)
    {
        Watch(actor);
        actor.Tell(PoisonPill.Instance);
        ExpectTerminated(actor);
    }

    /// <summary>The scratch folder holding the journal and key store of this test.</summary>
    protected string Folder { get; }

    private static ActorSystemSetup Configure(string folder) => Configure(TwinDatabase.Sqlite(Path.Combine(folder, "journal.db")));
}
