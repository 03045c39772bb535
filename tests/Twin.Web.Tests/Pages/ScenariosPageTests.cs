using Microsoft.Extensions.DependencyInjection;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Twin.Web.Components.Pages;
using Twin.Web.Live;
using Twin.Web.Scenarios;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Pages;

public sealed class ScenariosPageTests : DashboardTestContext
{
    private const string Broken = """
        name: Broken plant
        start: 2030-01-01T00:00:00Z
        clock: { mode: warp }
        topology:
          rootCa: { id: ca-root, subject: "CN=Root" }
          devices:
            - { id: device-001, subject: "CN=device-001", lifetime: forever }
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("pt-scenarios-").FullName;

    [Fact]
    public void An_uploaded_broken_scenario_lists_every_problem_with_its_line_and_nothing_is_saved()
    {
        UsePlant(new PlantEvents(), canControl: true, new DashboardOptions { ScenarioFolder = _folder, UploadFolder = Path.Combine(_folder, "up") });
        var page = Render<ScenariosPage>();

        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Broken, "broken.yaml"));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=scenario-problem]")));
        var problems = page.FindAll("[data-testid=scenario-problem]").Select(p => (p.GetAttribute("data-line"), p.TextContent)).ToList();
        Assert.Contains(problems, p => p.Item1 == "3" && p.TextContent.StartsWith("broken.yaml:3:", StringComparison.Ordinal) && p.TextContent.Contains("clock.mode", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Item1 == "7" && p.TextContent.Contains("lifetime", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_folder, "up")));
    }

    [Fact]
    public void Bundled_scenarios_are_listed_with_what_they_run_and_a_valid_upload_can_be_started_by_a_circuit_that_may_act()
    {
        File.WriteAllText(Path.Combine(_folder, "good.yaml"), """
            name: Good plant
            start: 2030-01-01T00:00:00Z
            topology:
              rootCa: { id: ca-root, subject: "CN=Root" }
              devices:
                - { id: device-001, subject: "CN=device-001" }
            """);
        File.WriteAllText(Path.Combine(_folder, "bad.yaml"), Broken);
        var runner = new RecordingRunner();
        Services.AddSingleton<IScenarioRunner>(runner);
        UsePlant(new PlantEvents(), canControl: true, new DashboardOptions { ScenarioFolder = _folder, UploadFolder = Path.Combine(_folder, "up") });
        var page = Render<ScenariosPage>();

        Assert.Contains("Good plant", page.Find("[data-file='good.yaml']").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-file='bad.yaml'] [data-testid=scenario-start]"));
        page.Find("[data-file='good.yaml'] button[data-testid=scenario-start], [data-file='good.yaml'] [data-testid=scenario-start]").Click();

        Assert.Equal(Path.Combine(_folder, "good.yaml"), Assert.Single(runner.Started));
    }

    [Fact]
    public void A_read_only_circuit_cannot_start_or_stop()
    {
        File.WriteAllText(Path.Combine(_folder, "good.yaml"), "name: G\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: ca-root, subject: \"CN=Root\" }\n");
        Services.AddSingleton<IScenarioRunner>(new RecordingRunner());
        UsePlant(new PlantEvents(), canControl: false, new DashboardOptions { ScenarioFolder = _folder });
        var page = Render<ScenariosPage>();
        Assert.Empty(page.FindAll("[data-testid=scenario-start], [data-testid=scenario-stop]"));
    }

    private sealed class RecordingRunner : IScenarioRunner
    {
        public List<string> Started { get; } = [];

        public string? Current => Started.LastOrDefault();

        public bool Running => true;

        public Task StartAsync(string path)
        {
            Started.Add(path);
            return Task.CompletedTask;
        }

        public Task StopAsync() => Task.CompletedTask;
    }
}
