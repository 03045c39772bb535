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

    /// <summary>Folder for the journal database and key stores, relative to the working directory.</summary>
    public string DataFolder { get; set; } = "data";

    /// <summary>Where the dashboard's compare page finds compare results (folders with compare.json), relative to the working directory.</summary>
    public string ResultsFolder { get; set; } = "results";

    /// <summary>The SQLite journal file; defaults to planttrust.db in <see cref="DataFolder"/>.</summary>
    public string? Database { get; set; }

    /// <summary>The scenario served when none is named: the demo bundled with the executable.</summary>
    public string Scenario { get; set; } = Path.Combine(AppContext.BaseDirectory, "scenarios", "demo.yaml");

    /// <summary>The enrollment listener (EST and BRSKI over HTTPS on 127.0.0.1) and whom it trusts.</summary>
    public Twin.Host.Enrollment.EstOptions Est { get; set; } = new();

    /// <summary>The absolute path of the journal database.</summary>
    public string DatabasePath => Path.GetFullPath(Database ?? Path.Combine(DataFolder, "planttrust.db"));

    /// <summary>The key store folder: beside the database, so one data folder holds a whole run.</summary>
    public string KeyFolder => Path.Combine(Path.GetDirectoryName(DatabasePath)!, "keys");

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
