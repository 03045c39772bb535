using System.Net.Http.Json;
using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

public sealed partial class BrowserTests
{
    // A twin bound beyond loopback cannot be reached from a test (127.0.0.1 only), so the host judges this machine like
    // another one (Twin:TreatLoopbackAsRemote), as DashboardAccessTests does for the API.
    [Fact]
    public async Task A_remote_browser_gets_a_read_only_dashboard_until_it_enters_the_access_token()
    {
        var folder = RepoPaths.NewScratch("browser-access");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"),
            new Dictionary<string, string> { ["Twin__AccessToken"] = "s3cret-token", ["Twin__TreatLoopbackAsRemote"] = "true" }, "--speed", "1");
        await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(host.BaseAddress);

        // Read-only: the plant shows, nothing that acts is rendered anywhere.
        await Assertions.Expect(page.Locator("[data-testid=read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=domain] [data-entity=device-001]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=clock-pause], [data-testid=clock-resume], [data-testid=clock-step], [data-testid=clock-speed]")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=domain] [data-entity=device-001]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=inspector-title]")).ToContainTextAsync("device-001");
        await Assertions.Expect(page.Locator("[data-testid=certificate-row]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=revoke]")).ToHaveCountAsync(0);
        await browser.NavigateAsync("Attacks");
        await Assertions.Expect(page.Locator("[data-testid=attacks-read-only]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=inject]")).ToHaveCountAsync(0);
        await browser.NavigateAsync("Scenarios");
        await Assertions.Expect(page.Locator("[data-testid=scenario-row]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=scenario-start], [data-testid=scenario-stop]")).ToHaveCountAsync(0);
        await browser.NavigateAsync("Access");
        await Assertions.Expect(page.Locator("[data-testid=access-state]")).ToContainTextAsync("read-only");
        await browser.ShotAsync("access-read-only");

        // A wrong token changes nothing.
        await page.Locator("[data-testid=access-token]").FillAsync("guess");
        await page.Locator("[data-testid=access-submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=access-refused]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=access-state]")).ToContainTextAsync("read-only");

        // The refusal reloaded the page. Its prerendered form takes no input: the live page replaces it and would drop a
        // token typed before, posting an empty one (how this test once stayed read-only). Fill waits for the live form.
        var prerendered = await host.Http.GetStringAsync("access?refused=1");
        Assert.Matches("<input[^>]*data-testid=\"access-token\"[^>]*disabled", prerendered);

        // The right one: the controls appear and act on the twin.
        await Assertions.Expect(page.Locator("[data-testid=access-form][data-live=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await page.Locator("[data-testid=access-token]").FillAsync("s3cret-token");
        await page.Locator("[data-testid=access-submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=clock][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=read-only]")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=clock-pause]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=clock]")).ToHaveAttributeAsync("data-paused", "true");
        var clock = await host.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/clock");
        Assert.True(clock.GetProperty("paused").GetBoolean(), "Pause with the token did not reach the twin");

        // Forget: read-only again.
        await browser.GoAsync(new Uri(host.BaseAddress, "access"));
        await Assertions.Expect(page.Locator("[data-testid=access-state]")).ToContainTextAsync("may act");
        await page.Locator("[data-testid=access-forget]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=access-state]")).ToContainTextAsync("read-only", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("[data-testid=clock-pause], [data-testid=clock-resume]")).ToHaveCountAsync(0);
    }
}
