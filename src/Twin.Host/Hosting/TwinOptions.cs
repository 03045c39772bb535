using Twin.Actors.Persistence;

namespace Twin.Host.Hosting;

/// <summary>The "Twin" section of appsettings.json, overridable by the command line.</summary>
public sealed class TwinOptions
{
    /// <summary>Where the dashboard and API listen. Loopback by default.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// The token that allows control actions (POST /api/...) from addresses other than the local
    /// machine. Unset: a twin bound beyond loopback is read-only from elsewhere. Set it through the
    /// environment (Twin__AccessToken), never in a committed file.
    /// </summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Judge callers on the local machine like remote ones: control actions then need the access token from
    /// everywhere. For checking a twin meant to be reached from other machines while bound to 127.0.0.1.
    /// </summary>
    public bool TreatLoopbackAsRemote { get; set; }

    /// <summary>Folder for the journal database and key stores, relative to the working directory.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>Where the dashboard's compare page finds compare results (folders with compare.json), relative to the working directory.</summary>
    public string ResultsFolder { get; set; } = "results";

    /// <summary>
    /// The journal: a SQLite file (default planttrust.db in <see cref="DataFolder"/>), or a PostgreSQL
    /// server as a postgres://user:password@host:port/database URL or an Npgsql connection string.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>The scenario served when none is named: the demo bundled with the executable.</summary>
    public string Scenario { get; set; } = Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.yaml");

    /// <summary>The enrollment listener (EST and BRSKI over HTTPS on 127.0.0.1) and whom it trusts.</summary>
    public Twin.Host.Enrollment.EstOptions Est { get; set; } = new();

    /// <summary>The journal <see cref="Database"/> names; a malformed value is a <see cref="StorageUnavailableException"/> naming the setting.</summary>
    public TwinDatabase Journal
    {
        get
        {
            try
            {
                return TwinDatabase.Parse(Database ?? Path.Combine(DataFolder, "planttrust.db"), "Twin:Database (--db)");
            }
            catch (ArgumentException e)
            {
                throw new StorageUnavailableException(e.Message, e);
            }
        }
    }

    /// <summary>The absolute path of a SQLite journal, or the credential-free address of a PostgreSQL one.</summary>
    public string DatabasePath => Journal.ToString();

    /// <summary>The key store folder: beside a SQLite database, so one data folder holds a whole run; in the data folder for PostgreSQL.</summary>
    public string KeyFolder => Path.Combine(Journal.Engine == DatabaseEngine.Sqlite ? Path.GetDirectoryName(Journal.Target)! : Path.GetFullPath(DataFolder), "keys");

    /// <summary>Reads appsettings.json beside the executable and PLANTTRUST-style environment overrides (Twin__Urls=...).</summary>
    public static TwinOptions Load()
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: false)
            .AddEnvironmentVariables()
            .Build();
        var options = new TwinOptions();
        configuration.GetSection("Twin").Bind(options);
        return options;
    }
}
