using System.CommandLine;
using Twin.Actors.Scenarios;

namespace Twin.Host.Cli;

/// <summary>`validate FILE...`: checks scenario files and reports every problem as file:line:column.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE") { Description = "scenario files", Arity = ArgumentArity.OneOrMore };
        var command = new Command("validate", "Check scenario files; exit 0 when all are valid, 2 otherwise.") { files };
        command.SetAction(result => Validate(result.GetValue(files) ?? []));
        return command;
    }

    private static int Validate(string[] files)
    {
        var bad = 0;
        foreach (var file in files)
        {
            try
            {
                var s = ScenarioLoader.LoadFile(file);
                Console.WriteLine($"{file}: valid ({s.Name}: root CA {s.RootCa.Id}, {s.Devices.Count} devices, {s.Mode.ToString().ToLowerInvariant()} clock, {s.Expectations.Count} expectations)");
            }
            catch (ScenarioException e)
            {
                bad++;
                foreach (var problem in e.Problems) Console.Error.WriteLine(problem);
            }
        }
        return bad == 0 ? 0 : Program.BadInput;
    }
}
