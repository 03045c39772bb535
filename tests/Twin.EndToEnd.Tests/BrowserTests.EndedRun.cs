using System.Net.Http.Json;
using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

public sealed partial class BrowserTests
{
    // `serve` started again on the journal of a run that was ended: the ended run is shown as it was, read-only, and a
    // Start from the Scenarios page is what runs the plant again.
    [Fact]
    public async Task Serve_started_again_on_an_ended_run_shows_it_ended_and_read_only()
    {
        var folder = RepoPaths.NewScratch("browser-ended");
        var scenario = RepoPaths.WriteText(folder, "ended.yaml", """
            name: Ended plant
            run: ended-plant
            start: 2030-01-01T00:00:00Z
            clock: { mode: realtime, speed: 60 }
            topology:
              rootCa: { id: ca-root, subject: "CN=Ended Root" }
              devices:
                - { id: device-001, subject: "CN=device-001", lifetime: P30D }
            """);
        var db = Path.Combine(folder, "planttrust.db");
        string endedAt;
        List<EntityDto> before;
        await using (var first = await HostProcess.StartAsync(db, "serve", scenario))
        {
            before = await first.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));
            var stop = await first.Http.PostAsync("/api/run/stop", null);
            Assert.True(stop.IsSuccessStatusCode, await stop.Content.ReadAsStringAsync());
            endedAt = (await stop.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("ended").GetString()!;
            await first.KillAsync();
        }

        await using var host = await HostProcess.StartAsync(db, "serve", scenario);
        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(host.BaseAddress);

        // The end, read from the journal: banner, clock bar, the plant as it was — and no control anywhere.
        await Assertions.Expect(page.Locator("[data-testid=run-ended-at]")).ToHaveTextAsync(endedAt, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=speed]")).ToHaveTextAsync("ended");
        await Assertions.Expect(page.Locator("[data-testid=clock-pause], [data-testid=clock-resume], [data-testid=clock-step], [data-testid=clock-speed]")).ToHaveCountAsync(0);
        var serial = before.Single(e => e.Id == "device-001").CurrentSerial!;
        await Assertions.Expect(page.Locator("[data-testid=entity-row][data-entity=device-001] [data-testid=serial]")).ToHaveTextAsync(serial);
        await page.Locator("[data-testid=domain] [data-entity=device-001]").ClickAsync();
        await Assertions.Expect(page.Locator($"[data-testid=certificate-row][data-serial='{serial}']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=revoke]")).ToHaveCountAsync(0);
        await browser.NavigateAsync("Attacks");
        await Assertions.Expect(page.Locator("[data-testid=attacks-ended]")).ToContainTextAsync(endedAt);
        await Assertions.Expect(page.Locator("[data-testid=inject]")).ToHaveCountAsync(0);
        await browser.NavigateAsync("Scenarios");
        await Assertions.Expect(page.Locator("[data-testid=scenario-start]").First).ToBeVisibleAsync();
        await browser.ShotAsync("run-ended");

        // The twin agrees: time stands still, nothing was issued after the end, and the API refuses to act on it.
        var clock = await host.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/clock");
        Assert.True(clock.GetProperty("paused").GetBoolean(), "the clock of an ended run runs again");
        var after = await host.Http.GetFromJsonAsync<List<EntityDto>>("/api/entities");
        Assert.Equal(before.Single(e => e.Id == "device-001").Certificates.Count, after!.Single(e => e.Id == "device-001").Certificates.Count);
        var revoke = await host.Http.PostAsJsonAsync("/api/entities/device-001/revoke", new { reason = "keyCompromise" });
        Assert.False(revoke.IsSuccessStatusCode, "a revocation reached an ended run");
    }
}
