using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The dashboard in a real browser: Playwright for .NET driving Debian's Chromium.</summary>
public sealed class BrowserTests
{
    private static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"];

    [Fact]
    public async Task Plant_page_shows_the_device_and_its_serial_and_updates_live_when_the_clock_steps()
    {
        var db = Path.Combine(RepoPaths.NewScratch("browser"), "planttrust.db");
        // Slow enough that nothing renews on its own while the test looks; the Step button moves time instead.
        // device-002 gets a long lifetime so that device-001's renewal is the next scheduled event.
        await using var host = await HostProcess.StartAsync(db, new Dictionary<string, string>
        {
            ["Twin__Demo__Speed"] = "60",
            ["Twin__Demo__Devices__1__LifetimeHours"] = "240",
        });
        var entities = await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));
        var serial = entities.Single(e => e.Id == "device-001").CurrentSerial!;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ChromiumArgs });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(host.BaseAddress.ToString());
        // Clicks before the circuit is live are lost: wait for the interactive marker.
        await Assertions.Expect(page.Locator("[data-testid=clock][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });

        var row = page.Locator("[data-testid=entity-row][data-entity=device-001]");
        await Assertions.Expect(row.Locator("[data-testid=serial]")).ToHaveTextAsync(serial);

        // Step jumps simulated time to the next scheduled event: device-001's renewal (¾ of its 24 h).
        await page.Locator("[data-testid=clock-step]").ClickAsync();

        var renewed = await host.WaitForEntitiesAsync(e => e.Single(x => x.Id == "device-001").Certificates.Count == 2);
        var newSerial = renewed.Single(e => e.Id == "device-001").CurrentSerial!;
        Assert.NotEqual(serial, newSerial);
        await Assertions.Expect(row.Locator("[data-testid=serial]")).ToHaveTextAsync(newSerial, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=event][data-kind='dev.cert-installed']").First).ToContainTextAsync(newSerial);
        await page.ScreenshotAsync(new() { Path = Path.Combine(RepoPaths.NewScratch("screens"), "plant.png"), FullPage = true });
    }
}
