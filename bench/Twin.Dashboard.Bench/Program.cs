using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

// Dashboard speed at 1,000 entities, in Debian's Chromium under Playwright, against the real host.
// The plant: a root CA and N devices whose certificate lifetimes are staggered by a minute, so that
// from simulated 09:00 on renewals stream at roughly 100 events per wall second (the clock runs at 1×
// while the plant enrolls and the page loads are measured, then at 1,200×).
// - plant page load: navigation to "/" in a fresh browser context until the circuit is interactive
//   and the topology is drawn; peers: a static file and /api/entities from the same Kestrel.
// - event-to-browser latency: POST a revocation, then the time until the browser's event log shows
//   it (observed in the page with a MutationObserver, same system clock); peer: the POST's own
//   round trip (the CA has signed, journaled and published by then).
// Usage: dotnet run -c Release --project bench/Twin.Dashboard.Bench -- [--devices N] [--loads N] [--samples N]
var devices = Arg("--devices", 1000);
var loads = Arg("--loads", 5);
var samples = Arg("--samples", 20);

var folder = Directory.CreateTempSubdirectory("planttrust-dashboard-bench-").FullName;
var scenario = Path.Combine(folder, "bench.yaml");
await File.WriteAllTextAsync(scenario, Scenario(devices));
var hostDll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Twin.Host", "bin", "Release", "net10.0", "Twin.Host.dll"));
if (!File.Exists(hostDll)) throw new FileNotFoundException("Build Twin.Host in Release first", hostDll);

using var host = StartHost(hostDll, scenario, Path.Combine(folder, "journal.db"), out var listening);
var baseUri = await listening.WaitAsync(TimeSpan.FromSeconds(120));
using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(30) };
Console.WriteLine($"host at {baseUri}; waiting for {devices} devices to hold certificates");
var enrolled = Stopwatch.StartNew();
await Until(async () => (await http.GetFromJsonAsync<JsonElement[]>("/api/entities"))!.Count(e => e.GetProperty("currentSerial").ValueKind == JsonValueKind.String) >= devices + 1, TimeSpan.FromMinutes(10));
Console.WriteLine(FormattableString.Invariant($"enrolled in {enrolled.Elapsed.TotalSeconds:0.0} s"));

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] });

// Page loads, each in a fresh context (cold cache), plant and peers interleaved.
var plant = new List<double>();
var plantDcl = new List<double>();
var staticPeer = new List<double>();
var apiPeer = new List<double>();
for (var i = 0; i < loads; i++)
{
    await using (var context = await browser.NewContextAsync())
    {
        var page = await context.NewPageAsync();
        var sw = Stopwatch.StartNew();
        await page.GotoAsync(baseUri.ToString());
        await page.Locator("[data-testid=clock][data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-testid=topology]").WaitForAsync();
        plant.Add(sw.Elapsed.TotalMilliseconds);
        plantDcl.Add(await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd"));
    }
    staticPeer.Add(await LoadAsync(browser, new Uri(baseUri, "_content/Twin.Web/app.css")));
    apiPeer.Add(await LoadAsync(browser, new Uri(baseUri, "api/entities")));
}

// Latency while renewals stream: let the clock run at 1,200×, wait for simulated 09:10, then revoke one device at a time.
(await http.PostAsJsonAsync("/api/clock", new { action = "speed", speed = 1200 })).EnsureSuccessStatusCode();
await Until(async () => string.CompareOrdinal((await http.GetFromJsonAsync<JsonElement>("/api/clock")).GetProperty("now").GetString(), "2030-01-01T09:10:00Z") >= 0, TimeSpan.FromMinutes(5));
await using var watch = await browser.NewContextAsync();
var live = await watch.NewPageAsync();
await live.GotoAsync(baseUri.ToString());
await live.Locator("[data-testid=clock][data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
await live.EvaluateAsync("""
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
var firstOffset = await LastOffsetAsync(http);
var window = Stopwatch.StartNew();
var latency = new List<double>();
var roundTrip = new List<double>();
for (var i = 0; i < samples; i++)
{
    var id = $"device-{(i * 37 % devices) + 1:0000}";
    var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    var sw = Stopwatch.StartNew();
    using var response = await http.PostAsJsonAsync($"/api/entities/{id}/revoke", new { reason = "keyCompromise" });
    roundTrip.Add(sw.Elapsed.TotalMilliseconds);
    if (!response.IsSuccessStatusCode) { Console.WriteLine($"{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"); continue; }
    var serial = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("serial").GetString()!;
    var seen = await (await live.WaitForFunctionAsync("s => window.__seen[s]", serial, new() { Timeout = 30_000 })).JsonValueAsync<double>();
    latency.Add(seen - t0);
}
var events = await LastOffsetAsync(http) - firstOffset;
var rate = events / window.Elapsed.TotalSeconds;

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"entities: {devices + 1}; page loads: {loads}; latency samples: {latency.Count}; journal rate while sampling: {rate:0} events/s");
report.AppendLine(Line("plant page, navigation → interactive circuit and topology (ms)", plant));
report.AppendLine(Line("plant page, DOMContentLoaded (prerendered HTML shown) (ms)", plantDcl));
report.AppendLine(Line("peer: static file app.css from the same Kestrel (ms)", staticPeer));
report.AppendLine(Line("peer: /api/entities JSON, same data, no UI (ms)", apiPeer));
report.AppendLine(Line("event → browser event log, from POST revoke (ms)", latency));
report.AppendLine(Line("peer: POST revoke round trip (CA signed, journaled, published) (ms)", roundTrip));
report.AppendLine(CultureInfo.InvariantCulture, $"ratio plant load / static file (median): {Median(plant) / Median(staticPeer):0.0}×; plant load / API JSON: {Median(plant) / Median(apiPeer):0.0}×");
report.AppendLine(CultureInfo.InvariantCulture, $"ratio event→browser / POST round trip (median): {Median(latency) / Median(roundTrip):0.0}×; after the answer: {Median(latency) - Median(roundTrip):0} ms");
Console.Write(report);
host.Kill(entireProcessTree: true);
return 0;

static async Task<double> LoadAsync(IBrowser browser, Uri uri)
{
    await using var context = await browser.NewContextAsync();
    var page = await context.NewPageAsync();
    var sw = Stopwatch.StartNew();
    await page.GotoAsync(uri.ToString(), new() { WaitUntil = WaitUntilState.Load });
    return sw.Elapsed.TotalMilliseconds;
}

static async Task<long> LastOffsetAsync(HttpClient http)
{
    long since = 0;
    while (true)
    {
        var page = await http.GetFromJsonAsync<JsonElement[]>($"/api/events?since={since}&limit=1000");
        if (page is null || page.Length == 0) return since;
        since = page[^1].GetProperty("offset").GetInt64();
        if (page.Length < 1000) return since;
    }
}

static async Task Until(Func<Task<bool>> condition, TimeSpan timeout)
{
    using var cts = new CancellationTokenSource(timeout);
    using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
    while (!await condition())
        if (!await tick.WaitForNextTickAsync(cts.Token)) throw new TimeoutException();
}

static string Scenario(int devices)
{
    var yaml = new StringBuilder("""
        name: Dashboard bench plant
        run: dashboard-bench
        start: 2030-01-01T00:00:00Z
        clock:
          mode: realtime
          speed: 1
        topology:
          rootCa:
            id: ca-root
            subject: CN=Bench Root
          devices:

        """);
    for (var i = 1; i <= devices; i++)
        yaml.AppendLine(CultureInfo.InvariantCulture, $"    - {{ id: device-{i:0000}, subject: \"CN=device-{i:0000}\", lifetime: PT{720 + i}M }}");
    return yaml.ToString();
}

static Process StartHost(string dll, string scenario, string db, out Task<Uri> listening)
{
    var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(db)! };
    foreach (var a in new[] { dll, "serve", scenario, "--db", db, "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
    var process = new Process { StartInfo = psi };
    var found = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
    process.OutputDataReceived += (_, e) =>
    {
        if (e.Data is not null && Regex.Match(e.Data, @"PlantTrust dashboard: (http://\S+)") is { Success: true } m) found.TrySetResult(new Uri(m.Groups[1].Value));
    };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("host: " + e.Data); };
    process.Start();
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    listening = found.Task;
    return process;
}

static double Median(List<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);

static string Line(string what, List<double> values) => values.Count == 0
    ? $"{what}: no sample"
    : string.Create(CultureInfo.InvariantCulture, $"{what}: median {Median(values):0}, min {values.Min():0}, max {values.Max():0}");

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
