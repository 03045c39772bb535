using System.Net.Http.Json;
using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

public sealed partial class BrowserTests
{
    // Two PEAs and the POL probing them every simulated hour; at 600× that is every 6 wall seconds.
    private const string TrainerPlant = """
        name: Trainer plant
        run: trainer
        start: 2030-01-01T00:00:00Z
        clock:
          mode: realtime
          speed: 600
        design:
          deviceLifetime: P30D
        topology:
          rootCa:
            id: ca-root
            subject: CN=Trainer Root
          peas:
            - id: pea-{n}
              count: 2
              subject: CN={id},OU=Modules
              lifetime: P30D
          pol:
            id: pol
            subject: CN=POL
            lifetime: P30D
            probe: PT1H
        """;

    [Fact]
    public async Task A_trainer_injects_a_key_compromise_sees_the_refusal_appear_then_scrubs_back_to_the_plant_before_it()
    {
        var folder = RepoPaths.NewScratch("trainer");
        var scenario = RepoPaths.WriteText(folder, "trainer.yaml", TrainerPlant);
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "serve", scenario);

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(host.BaseAddress);
        var peaTile = page.Locator("[data-testid=domain] [data-entity=pea-001]");
        var linkTile = page.Locator("[data-testid=pol] [data-entity=pea-001]");
        await Assertions.Expect(linkTile).ToHaveAttributeAsync("data-state", "secure", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=pol] [data-entity=pea-002]")).ToHaveAttributeAsync("data-state", "secure", new() { Timeout = 60_000 });
        await browser.ShotAsync("plant");

        // Hold simulated time while the attack is set up, so nothing happens behind the trainer's back.
        await page.Locator("[data-testid=clock-pause]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=clock]")).ToHaveAttributeAsync("data-paused", "true");

        await browser.NavigateAsync("Attacks");
        await page.Locator("[data-testid=attack-kind]").SelectOptionAsync("KeyCompromise");
        await page.Locator("[data-testid=attack-target]").SelectOptionAsync("pea-001");
        await page.Locator("[data-testid=inject]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=attack-message]")).ToContainTextAsync("revoked");
        await Assertions.Expect(page.Locator("[data-testid=feed-event][data-kind='ca.revoked']").First).ToBeVisibleAsync();

        // Let time run: the POL's next attempt on pea-001 is refused, and the panel shows it as it happens.
        await page.Locator("[data-testid=clock-speed]").SelectOptionAsync("3600");
        await page.Locator("[data-testid=clock-resume]").ClickAsync();
        var refusal = page.Locator("[data-testid=feed-event][data-kind='pol.attempt'][data-level=error]", new() { HasText = "pea-001: BadCertificateRevoked" }).First;
        await Assertions.Expect(refusal).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=links-refused] b")).ToHaveTextAsync("1");
        await page.Locator("[data-testid=clock-pause]").ClickAsync();
        await browser.ShotAsync("attacks");

        await browser.NavigateAsync("Plant");
        await Assertions.Expect(peaTile).ToHaveAttributeAsync("data-state", "compromised");
        await Assertions.Expect(linkTile).ToHaveAttributeAsync("data-state", "refused");
        await Assertions.Expect(linkTile).ToContainTextAsync("BadCertificateRevoked");
        // pea-002's key was not stolen (on a loaded machine its link may be down for other reasons).
        await Assertions.Expect(page.Locator("[data-testid=domain] [data-entity=pea-002]")).Not.ToHaveAttributeAsync("data-state", "compromised");

        await browser.NavigateAsync("Metrics");
        await Assertions.Expect(page.Locator("[data-testid=m-revoked]")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("[data-testid=chart-availability] svg").First).ToBeVisibleAsync();
        await browser.ShotAsync("metrics");

        // Scrub back to a secure session before the attack: every view shows the plant as it was.
        await browser.NavigateAsync("Timeline");
        await page.Locator("[data-testid=filter-entity]").SelectOptionAsync("pol");
        // The POL also journals what it sees of the PEAs' services: keep its connection attempts only, so the
        // virtualized table renders the sessions near its top.
        await page.Locator("[data-testid=filter-kind]").SelectOptionAsync("pol.attempt");
        // Rows come and go as events arrive: name the row by its journal offset, so the click finds that event's row.
        var offset = await page.Locator("[data-testid=timeline-event]", new() { HasText = "secure OPC UA session with pea-001" }).Last.GetAttributeAsync("data-offset");
        var before = page.Locator($"[data-testid=timeline-event][data-offset='{offset}']");
        var instant = (await before.Locator("td").First.TextContentAsync())!.Trim();
        await before.Locator("[data-testid=replay-here]").ClickAsync();
        // Replay folds the journal up to that instant: allow for a busy machine.
        await Assertions.Expect(page.Locator("[data-testid=replay-at]")).ToHaveTextAsync(instant, new() { Timeout = 30_000 });
        await browser.ShotAsync("timeline");

        await browser.NavigateAsync("Plant");
        await Assertions.Expect(page.Locator("[data-testid=replay-banner]")).ToBeVisibleAsync();
        await Assertions.Expect(peaTile).ToHaveAttributeAsync("data-state", "secure", new() { Timeout = 30_000 });
        await Assertions.Expect(linkTile).ToHaveAttributeAsync("data-state", "secure");
        await browser.ShotAsync("plant-replay");

        await page.Locator("[data-testid=go-live]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=replay-banner]")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Assertions.Expect(peaTile).ToHaveAttributeAsync("data-state", "compromised", new() { Timeout = 30_000 });
    }

    [Fact]
    public async Task A_broken_scenario_upload_shows_its_problems_by_line_and_a_bundled_one_replaces_the_live_run()
    {
        var folder = RepoPaths.NewScratch("scenarios");
        var broken = RepoPaths.WriteText(folder, "broken.yaml", """
            name: Broken plant
            start: 2030-01-01T00:00:00Z
            clock: { mode: warp }
            topology:
              rootCa: { id: ca-root, subject: "CN=Root" }
            """);
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "--speed", "1");

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(new Uri(host.BaseAddress, "scenarios"));
        await Assertions.Expect(page.Locator("[data-testid=scenario-row][data-file='demo.yaml']")).ToContainTextAsync("Demo plant");

        await page.Locator("[data-testid=scenario-upload]").SetInputFilesAsync(broken);
        var problem = page.Locator("[data-testid=scenario-problem][data-line='3']");
        await Assertions.Expect(problem).ToContainTextAsync("broken.yaml:3:");
        await Assertions.Expect(problem).ToContainTextAsync("clock.mode");
        await browser.ShotAsync("scenarios");

        // Start a bundled scenario: the host puts it behind the same web host, and the page (its circuit kept) follows it.
        await page.Locator("[data-testid=scenario-row][data-file='pea-key-compromise.yaml'] [data-testid=scenario-start]").ClickAsync();
        await host.WaitForHealthAsync(h => h.GetProperty("run").GetString() == "pea-key-compromise");
        await Assertions.Expect(page.Locator("[data-testid=scenario-message]")).ToContainTextAsync("pea-key-compromise.yaml runs now", new() { Timeout = 30_000 });
        await browser.NavigateAsync("Plant");
        // The compromise is two simulated days in, each hour a secure session with each PEA: on a saturated machine (load
        // average 50) max mode did nine hours a minute, so the bound is generous.
        await Assertions.Expect(page.Locator("[data-testid=domain] [data-entity=pea-002]")).ToHaveAttributeAsync("data-state", "compromised", new() { Timeout = 300_000 });
        await Assertions.Expect(page.Locator("[data-testid=pol] [data-entity=pea-002]")).ToContainTextAsync("BadCertificateRevoked");
    }

    [Fact]
    public async Task A_compare_result_uploads_into_a_table_and_a_chart_per_metric()
    {
        var folder = RepoPaths.NewScratch("compare");
        var file = RepoPaths.WriteText(folder, "compare.json", """
            {"scenario":"pea-key-compromise","seed":4,"until":"P10Y",
             "metrics":[{"key":"availability","label":"Availability","unit":"%"},{"key":"outageMinutes","label":"Outage","unit":"min"},{"key":"crlEntries","label":"Largest CRL","unit":"entries"}],
             "variants":[
               {"name":"crlInterval=PT6H","knobs":{"crlInterval":"PT6H"},"metrics":{"availability":99.95,"outageMinutes":262.8,"crlEntries":12},"expectations":{"passed":3,"failed":0},"digest":"9f2c0e1d4b5a69788796a5b4c3d2e1f0"},
               {"name":"crlInterval=P1D","knobs":{"crlInterval":"P1D"},"metrics":{"availability":99.5,"outageMinutes":2628,"crlEntries":12},"expectations":{"passed":2,"failed":1},"digest":"00112233445566778899aabbccddeeff"},
               {"name":"shortLived=P1D","knobs":{"deviceLifetime":"P1D"},"metrics":{"availability":99.99,"outageMinutes":52.6,"crlEntries":0},"expectations":{"passed":3,"failed":0},"digest":"ffeeddccbbaa99887766554433221100"}]}
            """);
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "--speed", "1");

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(new Uri(host.BaseAddress, "compare"));
        await page.Locator("[data-testid=compare-upload]").SetInputFilesAsync(file);

        await Assertions.Expect(page.Locator("[data-testid=compare-row]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-testid=compare-row][data-variant='crlInterval=P1D'] [data-metric=outageMinutes]")).ToHaveTextAsync("2628");
        await Assertions.Expect(page.Locator("[data-testid=compare-chart]")).ToHaveCountAsync(3);
        await browser.ShotAsync("compare");
    }
}
