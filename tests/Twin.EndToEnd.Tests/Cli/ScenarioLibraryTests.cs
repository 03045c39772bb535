using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>Every bundled scenario runs headless in max mode and every expectation it states holds.</summary>
public sealed class ScenarioLibraryTests
{
    public static TheoryData<string> Bundled()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "scenarios"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Bundled))]
    public async Task Bundled_scenario_runs_in_max_mode_and_its_expectations_hold(string name)
    {
        var file = Path.Combine(RepoPaths.Root, "scenarios", name);
        var folder = RepoPaths.NewScratch("library-" + Path.GetFileNameWithoutExtension(name));
        // The demo is a live scenario without an end: run its first simulated day and a quarter at max speed.
        string[] extra = name == "demo.yaml" ? ["--speed", "max", "--until", "P1DT6H"] : ["--speed", "max"];

        var (result, report) = await Verb.RunScenarioAsync(file, folder, extra);

        var expectations = report.GetProperty("expectations").EnumerateArray().ToList();
        Assert.NotEmpty(expectations);
        Assert.All(expectations, e => Assert.True(e.GetProperty("passed").GetBoolean(),
            $"{e.GetProperty("label").GetString()} {e.GetProperty("expectation").GetString()}: {e.GetProperty("detail").GetString()}"));
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"Expectations: {expectations.Count} passed, 0 failed.", result.StdOut, StringComparison.Ordinal);
    }
}
