using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Twin.Actors.Persistence;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Support;

/// <summary>
/// A TestKit on a fresh SQLite journal file with the twin's serializer. (serialize-messages stays
/// off: Akka.Persistence.Sql's own internal messages are not serializable.)
/// </summary>
public abstract class PersistentTestKit : TestKit
{
    protected PersistentTestKit(string name) : this(new DirectoryInfo(RepoPaths.NewScratch(name))) { }

    private PersistentTestKit(DirectoryInfo folder) : base(Configure(folder.FullName))
    {
        Folder = folder.FullName;
    }

    /// <summary>The scratch folder holding the journal and key store of this test.</summary>
    protected string Folder { get; }

    private static Config Configure(string folder)
    {
        var db = Path.Combine(folder, "journal.db");
        TwinPersistence.PrepareSqliteFile(db);
        return ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                """)
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SqliteHocon(db)));
    }
}
