using System.Net.Http.Json;
using Microsoft.Playwright;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The dashboard in a real browser: Playwright for .NET driving Debian's Chromium.</summary>
public sealed partial class BrowserTests
{
    [Fact]
    public async Task Plant_page_shows_the_device_and_its_serial_and_updates_live_when_the_clock_is_paused_and_stepped()
    {
        var folder = RepoPaths.NewScratch("browser");
        // device-002 has a long lifetime, so device-001's renewal (¾ of 24 h) is the next scheduled event;
        // the clock is slow enough that nothing renews on its own while the test looks.
        var scenario = RepoPaths.WriteText(folder, "browser.yaml", """
            name: Browser test plant
            start: 2030-01-01T00:00:00Z
            clock: { mode: realtime, speed: 60 }
            topology:
              rootCa: { id: ca-root, subject: "CN=Browser Root" }
              devices:
                - { id: device-001, subject: "CN=device-001", lifetime: PT24H }
                - { id: device-002, subject: "CN=device-002", lifetime: PT240H }
            """);
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "serve", scenario);
        var entities = await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));
        var serial = entities.Single(e => e.Id == "device-001").CurrentSerial!;

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(host.BaseAddress);

        var row = page.Locator("[data-testid=entity-row][data-entity=device-001]");
        await Assertions.Expect(row.Locator("[data-testid=serial]")).ToHaveTextAsync(serial);
        await Assertions.Expect(page.Locator("[data-testid=domain][data-ca=ca-root] [data-entity=device-001]")).ToHaveAttributeAsync("data-state", "valid");

        // Pause: simulated time stands still (the API agrees), and Play comes back.
        await page.Locator("[data-testid=clock-pause]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=clock]")).ToHaveAttributeAsync("data-paused", "true");
        await Assertions.Expect(page.Locator("[data-testid=clock-resume]")).ToBeVisibleAsync();
        var clock = await host.Http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/clock");
        Assert.True(clock.GetProperty("paused").GetBoolean());

        // Step jumps simulated time to the next scheduled event: device-001's renewal (¾ of its 24 h).
        await page.Locator("[data-testid=clock-step]").ClickAsync();

        var renewed = await host.WaitForEntitiesAsync(e => e.Single(x => x.Id == "device-001").Certificates.Count == 2);
        var newSerial = renewed.Single(e => e.Id == "device-001").CurrentSerial!;
        Assert.NotEqual(serial, newSerial);
        await Assertions.Expect(row.Locator("[data-testid=serial]")).ToHaveTextAsync(newSerial, new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=event][data-kind='dev.cert-installed']").First).ToContainTextAsync(newSerial);
        // The renewal is due at ¾ of 24 h after enrollment, a few simulated seconds or minutes after the start.
        await Assertions.Expect(page.Locator("[data-testid=sim-now]")).ToContainTextAsync("2030-01-01T18:");
    }

    [Fact]
    public async Task A_tile_of_the_topology_opens_the_inspector_which_downloads_a_certificate_that_openssl_reads()
    {
        var folder = RepoPaths.NewScratch("inspector");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "--speed", "1");
        var entities = await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));
        var serial = entities.Single(e => e.Id == "device-001").CurrentSerial!;

        await using var browser = await Browser.OpenAsync();
        var page = browser.Page;
        await browser.GoAsync(host.BaseAddress);

        await page.Locator("[data-testid=domain] [data-entity=device-001]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=inspector-title]")).ToContainTextAsync("device-001");
        var row = page.Locator($"[data-testid=certificate-row][data-serial='{serial}']");
        await Assertions.Expect(row).ToContainTextAsync("Valid");

        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=download-pem]").ClickAsync());
        var file = Path.Combine(folder, "downloaded.pem");
        await download.SaveAsAsync(file);
        var shown = await Peer.OpenSslAsync("x509", "-in", file, "-noout", "-serial", "-subject", "-nameopt", "RFC2253");
        Assert.True(shown.ExitCode == 0, shown.All);
        Assert.Contains($"serial={serial.ToUpperInvariant()}", shown.StdOut, StringComparison.Ordinal);
        Assert.Contains("CN=device-001", shown.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        // The same certificate as DER, as the browser saves it: openssl reads it as DER and finds the same certificate.
        var derDownload = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=download-der]").ClickAsync());
        var derFile = Path.Combine(folder, "downloaded.der");
        await derDownload.SaveAsAsync(derFile);
        Assert.Equal($"device-001-{serial}.der", derDownload.SuggestedFilename);
        var fromDer = await Peer.OpenSslAsync("x509", "-inform", "DER", "-in", derFile, "-noout", "-serial", "-subject", "-nameopt", "RFC2253");
        Assert.True(fromDer.ExitCode == 0, fromDer.All);
        Assert.Equal(shown.StdOut, fromDer.StdOut);

        // Its extensions read as openssl reads them; the trust list judges the CA's CRL at simulated now; no private key
        // anywhere in the page or in the API's view of the entity.
        var text = await Peer.OpenSslAsync("x509", "-in", file, "-noout", "-text");
        var details = page.Locator($"[data-testid=extensions][data-serial='{serial}']");
        await Assertions.Expect(details.Locator("[data-name='Basic Constraints']")).ToContainTextAsync("CA:FALSE");
        var keyUsage = text.StdOut.Split('\n').SkipWhile(l => !l.Contains("X509v3 Key Usage", StringComparison.Ordinal)).Skip(1).First().Trim();
        await Assertions.Expect(details.Locator("[data-name='Key Usage']")).ToContainTextAsync(keyUsage);
        await Assertions.Expect(page.Locator("[data-testid=key-store]")).ToContainTextAsync("software");
        await Assertions.Expect(page.Locator("[data-testid=trust-list] [data-testid=trust-entry]").First).ToHaveAttributeAsync("data-freshness", "current");
        Assert.DoesNotContain("PRIVATE KEY", await page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", await host.Http.GetStringAsync("/api/entities/device-001"), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", await host.Http.GetStringAsync("/api/entities"), StringComparison.Ordinal);

        // A trainer's move: revoke it from the inspector; the status turns Revoked without a reload.
        await row.Locator("[data-testid=revoke]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=inspector-message]")).ToContainTextAsync("revoked");
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("Revoked", new() { Timeout = 15_000 });
        await browser.ShotAsync("inspector");

        // The CA's inspector downloads the CRL that announced it, in both encodings; openssl finds the serial and the reason.
        await page.GotoAsync(new Uri(host.BaseAddress, "entities/ca-root").ToString());
        await Assertions.Expect(page.Locator("[data-testid=crl]")).ToContainTextAsync("1 entry", new() { Timeout = 15_000 });
        foreach (var (link, inform) in new[] { ("crl-der", "DER"), ("crl-pem", "PEM") })
        {
            var crlDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator($"[data-testid={link}]").ClickAsync());
            var crlFile = Path.Combine(folder, "downloaded-" + link);
            await crlDownload.SaveAsAsync(crlFile);
            var crl = await Peer.OpenSslAsync("crl", "-inform", inform, "-in", crlFile, "-noout", "-text");
            Assert.True(crl.ExitCode == 0, crl.All);
            Assert.Contains($"Serial Number: {serial.ToUpperInvariant()}", crl.StdOut, StringComparison.Ordinal);
            Assert.Contains("Key Compromise", crl.StdOut, StringComparison.Ordinal);
        }
    }
}
