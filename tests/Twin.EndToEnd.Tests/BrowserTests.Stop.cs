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
        // A second tab watches the plant through the whole switch; neither tab is navigated or reloaded by the test.
        var plant = await browser.OpenTabAsync(host.BaseAddress);
        await Assertions.Expect(plant.Locator("[data-testid=domain] [data-entity=pea-001]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await browser.GoAsync(new Uri(host.BaseAddress, "scenarios"));
        await Assertions.Expect(page.Locator("[data-testid=current-run]")).ToContainTextAsync("trainer.yaml");
        // A reload or a navigation would wipe these, so finding them at the end proves the pages stayed.
        await page.EvaluateAsync("() => { window.plantTrustMarker = 'scenarios'; }");
        await plant.EvaluateAsync("() => { window.plantTrustMarker = 'plant'; }");
        var plantNavigations = 0;
        plant.FrameNavigated += (_, frame) => { if (frame == plant.MainFrame) plantNavigations++; };

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
        Assert.Equal("scenarios", await page.EvaluateAsync<string>("() => window.plantTrustMarker"));

        // The plant tab, untouched since before Stop, shows the new run's entities over the circuit it opened then.
        await Assertions.Expect(plant.Locator("[data-testid=domain] [data-entity=device-001]")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Assertions.Expect(plant.Locator("[data-testid=run-ended]")).ToHaveCountAsync(0);
        Assert.Equal("plant", await plant.EvaluateAsync<string>("() => window.plantTrustMarker"));
        Assert.Equal(0, plantNavigations);
        Assert.Equal(host.BaseAddress.ToString(), plant.Url);
        // And it acts on the new run: Pause from the old circuit reaches the new run's clock.
        await plant.Locator("[data-testid=clock-pause]").ClickAsync();
        await Assertions.Expect(plant.Locator("[data-testid=clock]")).ToHaveAttributeAsync("data-paused", "true");
        var clock = await host.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/clock");
        Assert.True(clock.GetProperty("paused").GetBoolean(), "the new run's clock did not pause");
        await plant.ScreenshotAsync(new() { Path = Path.Combine(Browser.Screens, "plant-after-restart.png"), FullPage = true });
    }
}
