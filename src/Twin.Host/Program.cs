using System.CommandLine;
using Twin.Host.Cli;

namespace Twin.Host;

/// <summary>The PlantTrust executable.</summary>
public static class Program
{
    /// <summary>Exit code for bad input: an invalid scenario, option or setting, or unusable storage.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code of `run` when the run itself failed (the journal became unusable, an internal error): distinct from a failed expectation (1).</summary>
    public const int RunFailed = 3;

    /// <summary>Parses the command line and runs the chosen verb (no verb: serve the demo with its dashboard).</summary>
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("PlantTrust: a digital twin of a modular plant's trust ecosystem. Without a verb it serves the demo scenario and its dashboard.");
        ServeCommand.Configure(root);
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(VerifyCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        return await root.Parse(args).InvokeAsync();
    }
}
