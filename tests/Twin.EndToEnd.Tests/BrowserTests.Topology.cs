using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

public sealed partial class BrowserTests
{
    // Fourteen issuing CAs under one root, each the domain of one device: more domains, and more CAs below the root, than
    // the plant page lists open (12).
    [Fact]
    public async Task A_plant_of_many_domains_collapses_them_to_counts_and_a_revocation_shows_in_the_counts_live()
    {
        var folder = RepoPaths.NewScratch("browser-domains");
        var yaml = new StringBuilder("""
            name: Many domains
            start: 2030-01-01T00:00:00Z
            clock: { mode: realtime, speed: 1 }
            topology:
              rootCa: { id: ca-root, subject: "CN=Many Domains Root" }
              cas:

            """);
        for (var i = 0; i < 14; i++) yaml.AppendLine($"    - {{ id: ca-{i:00}, parent: ca-root, subject: \"CN=Issuing {i:00}\" }}");
        yaml.AppendLine("  devices:");
        for (var i = 0; i < 14; i++) yaml.AppendLine($"    - {{ id: dev-{i:00}, ca: ca-{i:00}, subject: \"CN=dev-{i:00}\", lifetime: P30D }}");
        var scenario = RepoPaths.WriteText(folder, "many-domains.yaml", yaml.ToString());
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "serve", scenario);
        await host.WaitForEntitiesAsync(e => e.Count(x => x.Id.StartsWith("dev-", StringComparison.Ordinal) && x.CurrentSerial is not null) == 14);

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(host.BaseAddress);

        // Collapsed: one line of counts for the domains, the root's CAs as counts too; no domain card, no device tile.
        var domains = page.Locator("[data-testid=list-collapsed][data-list=domains]");
        await Assertions.Expect(domains.Locator("[data-testid=list-summary]")).ToContainTextAsync("14 domains, 28 entities");
        await Assertions.Expect(domains.Locator("[data-testid=list-state-count][data-state=valid] b")).ToHaveTextAsync("28");
        await Assertions.Expect(page.Locator("[data-testid=domain]")).ToHaveCountAsync(0);
        var centre = page.Locator("[data-testid=trust-centre][data-root=ca-root]");
        await Assertions.Expect(centre).ToContainTextAsync("14 CAs below it");
        await Assertions.Expect(centre.Locator("[data-testid=state-count][data-state=valid] b")).ToHaveTextAsync("14");
        await browser.ShotAsync("plant-many-domains");

        // Show all: twelve domains on the first page, the last two on the second.
        await domains.Locator("[data-testid=list-expand]").ClickAsync();
        var open = page.Locator("[data-testid=list-open][data-list=domains]");
        await Assertions.Expect(open).ToHaveAttributeAsync("data-pages", "2");
        await Assertions.Expect(page.Locator("[data-testid=domain]")).ToHaveCountAsync(12);
        await Assertions.Expect(page.Locator("[data-testid=domain][data-ca=ca-00] [data-entity=dev-00]")).ToHaveAttributeAsync("data-state", "valid");
        await open.Locator("[aria-label='Page 2']").ClickAsync();
        await Assertions.Expect(open).ToHaveAttributeAsync("data-page", "2");
        await Assertions.Expect(page.Locator("[data-testid=domain]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=domain][data-ca=ca-13] [data-entity=dev-13]")).ToBeVisibleAsync();

        // A revocation reaches the collapsed counts without a reload, and its count opens just the domain that holds it.
        await open.Locator("[data-testid=list-collapse]").ClickAsync();
        var revoked = await host.Http.PostAsJsonAsync("/api/entities/dev-09/revoke", new { reason = "keyCompromise" });
        Assert.True(revoked.IsSuccessStatusCode, await revoked.Content.ReadAsStringAsync());
        var compromised = domains.Locator("[data-testid=list-state-count][data-state=compromised]");
        await Assertions.Expect(compromised.Locator("b")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        await compromised.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=domain]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=domain][data-ca=ca-09] [data-entity=dev-09]")).ToHaveAttributeAsync("data-state", "compromised");
        await Assertions.Expect(open.Locator("[data-testid=list-summary]")).ToContainTextAsync("1 of 14 domains with compromised");
    }
}
