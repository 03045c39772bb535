using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Twin.Dashboard.Bench;

/// <summary>
/// `--twin`: the dashboard against a running twin, not a model. The built Twin.Host is started as `serve` on a generated plant
/// of a root CA and N devices (1-day certificates, so at the chosen speed renewals keep events flowing), journal and all. A
/// sample revokes one device through the API and times, on the same wall clock, until the browser's event log shows the
/// revocation: the CA's journaling, the projection's journal poll, the throttle, the render and the push. Peer in the same
/// run: the API's own answer to the same revocation (it answers once the CA has journaled it).
/// </summary>
internal static class TwinLatency
{
    public static async Task<int> RunAsync(int devices, int samples, int loads, double speed)
    {
        var hostDll = FindHostDll();
        var folder = Directory.CreateTempSubdirectory("planttrust-dashboard-bench-").FullName;
        var scenario = Path.Combine(folder, "plant.yaml");
        await File.WriteAllTextAsync(scenario, string.Create(CultureInfo.InvariantCulture, $$"""
            name: Dashboard bench plant
            run: dashboard-bench
            start: 2030-01-01T00:00:00Z
            clock: { mode: realtime, speed: {{speed}} }
            design: { deviceLifetime: P1D }
            topology:
              rootCa: { id: ca-root, subject: "CN=Bench Root" }
              devices:
                - { id: "device-{n}", count: {{devices}} }
            """));
        var loadBefore = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
        foreach (var a in new[] { hostDll, "serve", scenario, "--db", Path.Combine(folder, "planttrust.db"), "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        psi.Environment["Twin__Est__Port"] = "0";
        using var host = Process.Start(psi)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.OutputDataReceived += (_, e) =>
        {
            const string marker = "PlantTrust dashboard: ";
            if (e.Data?.StartsWith(marker, StringComparison.Ordinal) == true) listening.TrySetResult(new Uri(e.Data[marker.Length..].Trim() + "/"));
        };
        host.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("host: " + e.Data); };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            var baseUri = await listening.Task.WaitAsync(TimeSpan.FromMinutes(4));
            using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
            var setup = Stopwatch.StartNew();
            List<string> enrolled;
            while (true)
            {
                // Another process's state can only be observed by asking: poll until every device holds a certificate (bounded).
                var entities = await http.GetFromJsonAsync<JsonElement>("api/entities");
                enrolled = entities.EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "device" && e.GetProperty("currentSerial").ValueKind == JsonValueKind.String)
                    .Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal).ToList();
                if (enrolled.Count >= devices) break;
                if (setup.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"{enrolled.Count} of {devices} devices enrolled after 10 minutes");
                await Task.Delay(1000);
            }
            Console.WriteLine(FormattableString.Invariant($"twin of {devices} devices enrolled in {setup.Elapsed.TotalSeconds:0} s"));

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] });

            var plantLoad = new List<double>();
            var accessLoad = new List<double>();
            for (var i = 0; i < loads + 1; i++)
            {
                var plant = await LoadAsync(browser, baseUri, "[data-testid=topology]");
                var access = await LoadAsync(browser, new Uri(baseUri, "access"), "[data-testid=access-state]");
                if (i == 0) continue; // warm-up
                plantLoad.Add(plant);
                accessLoad.Add(access);
            }

            await using var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(baseUri.ToString(), new() { Timeout = 120_000 });
            await page.Locator("[data-testid=clock][data-interactive=true]").WaitForAsync(new() { Timeout = 120_000 });
            await page.EvaluateAsync("""
                () => {
                  window.__seen = {};
                  const scan = () => {
                    for (const li of document.querySelectorAll('[data-testid=event]')) {
                      const m = /revoked certificate ([0-9a-f]+)/.exec(li.textContent);
                      if (m && !window.__seen[m[1]]) window.__seen[m[1]] = Date.now();
                    }
                  };
                  new MutationObserver(scan).observe(document.body, { subtree: true, childList: true, characterData: true });
                }
                """);
            var latency = new List<double>();
            var answer = new List<double>();
            var firstOffset = await LastOffsetAsync(http, 0);
            var window = Stopwatch.StartNew();
            for (var i = 0; i < samples; i++)
            {
                var device = enrolled[i * 37 % enrolled.Count];
                var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var sw = Stopwatch.StartNew();
                var response = await http.PostAsJsonAsync($"api/entities/{device}/revoke", new { reason = "keyCompromise" });
                answer.Add(sw.Elapsed.TotalMilliseconds);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"revoking {device}: {body}");
                var serial = body.GetProperty("serial").GetString()!;
                var seen = await (await page.WaitForFunctionAsync("s => window.__seen[s]", serial, new() { Timeout = 60_000 })).JsonValueAsync<double>();
                latency.Add(seen - t0);
            }
            var rate = (await LastOffsetAsync(http, firstOffset) - firstOffset) / window.Elapsed.TotalSeconds;
            var loadAfter = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();

            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"running twin: {devices} devices + root CA at {speed}× (1-day certificates); journaled events while sampling: {rate:0}/s; latency samples: {latency.Count}; page loads: {plantLoad.Count} (after one warm-up)");
            report.AppendLine(CultureInfo.InvariantCulture, $"load average (1/5/15 min, runnable/total, last pid) before: {loadBefore}; after: {loadAfter}");
            report.AppendLine(Line("POST revoke → event shown in the browser's event log (ms)", latency));
            report.AppendLine(Line("peer: POST revoke → the API's answer (the CA journaled it) (ms)", answer));
            report.AppendLine(Line("plant page, navigation → interactive circuit with topology (ms)", plantLoad));
            report.AppendLine(Line("peer: access page, navigation → interactive (ms)", accessLoad));
            report.AppendLine(CultureInfo.InvariantCulture, $"ratios (medians): browser / API answer {Median(latency) / Median(answer):0.0}×; plant page / access page {Median(plantLoad) / Median(accessLoad):0.0}×");
            Console.Write(report);
            return 0;
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* the journal may still be closing */ }
        }
    }

    private static async Task<double> LoadAsync(IBrowser browser, Uri url, string drawn)
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var sw = Stopwatch.StartNew();
        await page.GotoAsync(url.ToString(), new() { Timeout = 120_000 });
        await page.Locator("[data-testid=clock][data-interactive=true]").WaitForAsync(new() { Timeout = 120_000 });
        await page.Locator(drawn).First.WaitForAsync();
        return sw.Elapsed.TotalMilliseconds;
    }

    // The offset of the run's last journaled event, paging through /api/events from `since`.
    private static async Task<long> LastOffsetAsync(HttpClient http, long since)
    {
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"api/events?since={since}&limit=1000"));
            if (page.GetArrayLength() == 0) return since;
            since = page.EnumerateArray().Max(e => e.GetProperty("offset").GetInt64());
        }
    }

    private static string FindHostDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Twin.Host", "bin", "Release", "net10.0", "Twin.Host.dll");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("Build the host first: dotnet build src/Twin.Host -c Release");
    }

    private static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

    private static string Line(string what, List<double> values) => values.Count == 0
        ? $"{what}: no sample"
        : string.Create(CultureInfo.InvariantCulture, $"{what}: median {Median(values):0}, min {values.Min():0}, max {values.Max():0}");
}
