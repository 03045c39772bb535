using System.Net.Http.Json;
using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task Stop_ends_the_run_and_Start_brings_a_fresh_run_to_the_same_page()
    {
        var folder = RepoPaths.NewScratch("stop");
        var scenario = RepoPaths.WriteText(folder, "trainer.yaml", TrainerPlant);
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "serve", scenario);

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(new Uri(host.BaseAddress, "scenarios"));
        await Assertions.Expect(page.Locator("[data-testid=current-run]")).ToContainTextAsync("trainer.yaml");

        await page.Locator("[data-testid=scenario-stop]").ClickAsync();

        // The run ended: every page says so, the clock offers nothing more, the end is in the journal, the entities are gone.
        await Assertions.Expect(page.Locator("[data-testid=run-ended]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=speed]")).ToHaveTextAsync("ended");
        await Assertions.Expect(page.Locator("[data-testid=clock-pause], [data-testid=clock-resume]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=current-run]")).ToContainTextAsync("Ended");
        var events = await host.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/events?limit=1000");
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("kind").GetString() == "run.stopped");
        using var revoke = await host.Http.PostAsJsonAsync("/api/entities/pea-001/revoke", new { reason = "keyCompromise" });
        Assert.False(revoke.IsSuccessStatusCode, "an entity of the ended run still acted");
        await browser.ShotAsync("scenarios-ended");

        // Start: a fresh run (a new run id beside the ended one), and this page follows it without the test reloading it.
        await page.Locator("[data-testid=scenario-row][data-file='demo.yaml'] [data-testid=scenario-start]").ClickAsync();
        await host.WaitForHealthAsync(h => h.GetProperty("run").GetString()!.StartsWith("demo-", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("[data-testid=current-run]")).ToContainTextAsync("Live run: demo.yaml", new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("[data-testid=run-ended]")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[data-testid=clock][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
    }
}
