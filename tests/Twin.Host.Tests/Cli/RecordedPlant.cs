namespace Twin.Host.Tests.Cli;

/// <summary>A scenario from scenarios/ run headless by the command line in this process, with its journal and report kept for reading back.</summary>
public abstract class RecordedPlant : IAsyncLifetime
{
    protected RecordedPlant(string scenario, string run)
    {
        Run = run;
        Scenario = Path.Combine(RepoRoot(), "scenarios", scenario);
        Folder = Path.Combine(Path.GetTempPath(), "planttrust-readback-" + Guid.NewGuid().ToString("N")[..8]);
    }

    /// <summary>The run id the scenario names.</summary>
    public string Run { get; }

    /// <summary>The scenario file.</summary>
    public string Scenario { get; }

    /// <summary>Scratch folder of this run.</summary>
    public string Folder { get; }

    /// <summary>The run's SQLite journal.</summary>
    public string Db => Path.Combine(Folder, "run.db");

    /// <summary>Where `run --report` wrote report.md and report.json.</summary>
    public string Report => Path.Combine(Folder, "report");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        var exit = await Program.Main(["run", Scenario, "--db", Db, "--report", Report]);
        Assert.Equal(0, exit);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine is left for the temp folder's cleanup.
        }
        return Task.CompletedTask;
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PlantTrust.sln")) || File.Exists(Path.Combine(dir.FullName, "PlantTrust.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"No PlantTrust.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>scenarios/pea-key-compromise.yaml: revocation, CRLs, refusals, an exposure window.</summary>
public sealed class PeaKeyCompromisePlant() : RecordedPlant("pea-key-compromise.yaml", "pea-key-compromise");

/// <summary>scenarios/issuing-ca-compromise.yaml: a CA compromised, its certificates replaced, CA outage metrics.</summary>
public sealed class IssuingCaCompromisePlant() : RecordedPlant("issuing-ca-compromise.yaml", "issuing-ca-compromise");
