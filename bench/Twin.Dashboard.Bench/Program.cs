using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Playwright;
using Twin.Actors.Control;
using Twin.Actors.Projections;
using Twin.Dashboard.Bench;
using Twin.Web.Components;
using Twin.Web.Live;

// The dashboard at N entities in Debian's Chromium under Playwright. The dashboard (Twin.Web, exactly
// as the host serves it) runs on Kestrel over a read model holding a plant of a root CA and N
// devices with real certificates; a feeder applies certificate renewals to the model at ~100 events
// per second, as the projection does for a running twin.
// - plant page load: navigation to "/" in a fresh browser context until the circuit is interactive
//   and the topology is drawn; peers from the same Kestrel: a static file and the same entities as JSON.
// - event-to-browser latency: a revocation applied to the read model, until the browser's event log
//   shows it (a MutationObserver in the page notes the instant; same system clock). In a running twin
//   the projection adds its journal poll (refresh-interval 100 ms) before this.
// Usage: dotnet run -c Release --project bench/Twin.Dashboard.Bench -- [--devices N] [--loads N] [--samples N] [--rate EVENTS_PER_S]
// With --twin [--speed S]: against a running twin (the built Twin.Host serving a plant of N devices), see TwinLatency.
var devices = Arg("--devices", 1000);
var loads = Arg("--loads", 5);
var samples = Arg("--samples", 20);
var rate = Arg("--rate", 100);
if (args.Contains("--twin")) return await TwinLatency.RunAsync(devices, samples, loads, Arg("--speed", 3600));

var setup = Stopwatch.StartNew();
var plant = new SyntheticPlant(devices, renewals: rate * 120);
var model = new PlantReadModel();
plant.Load(model);
Console.WriteLine(FormattableString.Invariant($"plant of {model.Current.Entities.Count} entities with {plant.Journal.Count} events ready in {setup.Elapsed.TotalSeconds:0.0} s"));

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.ServeBuiltStaticAssets();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddTwinDashboard(new DashboardOptions());
builder.Services.AddSingleton<IPlantReadModel>(model);
builder.Services.AddSingleton<ITwinControl>(new BenchControl(plant));
builder.Services.AddSingleton<IRunJournal>(plant);
await using var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapGet("/peer/entities", (IPlantReadModel m) => Results.Json(m.Current.Entities.Values.Select(e => new { id = e.Id.Value, e.Kind, serial = e.Current?.SerialHex })));
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.StartAsync();
var baseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] });

// Events stream into the model from here on, for the page loads as well as the latency samples.
using var feeding = new CancellationTokenSource();
var feeder = plant.FeedAsync(model, rate, feeding.Token);

var plantLoad = new List<double>();
// Where a page load's time goes: when each resource finished (ms after navigation) and its size on the wire / decoded.
var breakdown = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
var plantDcl = new List<double>();
var staticPeer = new List<double>();
// The same circuit start for a page with almost nothing on it (the access page): the dashboard's fixed cost.
var accessPeer = new List<double>();
var jsonPeer = new List<double>();
for (var i = 0; i < loads + 1; i++)
{
    double load, dcl;
    await using (var context = await browser.NewContextAsync())
    {
        var page = await context.NewPageAsync();
        var sw = Stopwatch.StartNew();
        await page.GotoAsync(baseUri.ToString());
        await page.Locator("[data-testid=clock][data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-testid=topology]").WaitForAsync();
        load = sw.Elapsed.TotalMilliseconds;
        dcl = await page.EvaluateAsync<double>("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd");
        var parts = await page.EvaluateAsync<Dictionary<string, double>>("""
            () => {
              const nav = performance.getEntriesByType('navigation')[0];
              const out = { 'document: response end (ms)': nav.responseEnd, 'document: decoded KB': nav.decodedBodySize / 1024, 'document: wire KB': nav.encodedBodySize / 1024,
                            'interactive with topology (ms)': performance.now() };
              for (const r of performance.getEntriesByType('resource')) {
                const name = r.name.split('/').pop().split('?')[0];
                if (!/\.(js|css)$/.test(name)) continue;
                out[name + ': response end (ms)'] = r.responseEnd;
                out[name + ': decoded KB'] = r.decodedBodySize / 1024;
                out[name + ': wire KB'] = r.encodedBodySize / 1024;
              }
              return out;
            }
            """);
        if (i > 0)
            foreach (var (key, value) in parts)
                (breakdown.TryGetValue(key, out var list) ? list : breakdown[key] = []).Add(value);
    }
    double access;
    await using (var context = await browser.NewContextAsync())
    {
        var page = await context.NewPageAsync();
        var sw = Stopwatch.StartNew();
        await page.GotoAsync(new Uri(baseUri, "access").ToString());
        await page.Locator("[data-testid=clock][data-interactive=true]").WaitForAsync(new() { Timeout = 60_000 });
        access = sw.Elapsed.TotalMilliseconds;
    }
    var s = await LoadAsync(browser, new Uri(baseUri, "_content/Twin.Web/app.css"));
    var j = await LoadAsync(browser, new Uri(baseUri, "peer/entities"));
    if (i == 0) continue; // the first round warms the server (JIT, first render)
    plantLoad.Add(load);
    plantDcl.Add(dcl);
    staticPeer.Add(s);
    accessPeer.Add(access);
    jsonPeer.Add(j);
}

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
var latency = new List<double>();
var applied = plant.Applied;
var window = Stopwatch.StartNew();
for (var i = 0; i < samples; i++)
{
    var (serial, t0) = plant.Revoke(model, (i * 37 % devices) + 1);
    var seen = await (await live.WaitForFunctionAsync("s => window.__seen[s]", serial, new() { Timeout = 30_000 })).JsonValueAsync<double>();
    latency.Add(seen - t0);
    await live.WaitForTimeoutAsync(0); // yield to the page between samples
}
var measuredRate = (plant.Applied - applied) / window.Elapsed.TotalSeconds;
await feeding.CancelAsync();
await feeder;

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"entities: {model.Current.Entities.Count}; page loads: {plantLoad.Count} (after one warm-up); latency samples: {latency.Count}; events applied while sampling: {measuredRate:0}/s");
report.AppendLine(Line("plant page, navigation → interactive circuit with topology (ms)", plantLoad));
report.AppendLine(Line("plant page, DOMContentLoaded: prerendered page shown (ms)", plantDcl));
report.AppendLine(Line("peer: access page (same layout and circuit, no plant), navigation → interactive (ms)", accessPeer));
report.AppendLine(Line("peer: static file app.css, same Kestrel (ms)", staticPeer));
report.AppendLine(Line("peer: the same entities as JSON, same Kestrel (ms)", jsonPeer));
report.AppendLine(Line("event applied to the read model → shown in the browser's event log (ms)", latency));
foreach (var (key, values) in breakdown) report.AppendLine(Line("  load breakdown, " + key, values));
report.AppendLine(CultureInfo.InvariantCulture, $"ratio plant page / static file (median): {Median(plantLoad) / Median(staticPeer):0.0}×; plant page / JSON of the same entities: {Median(plantLoad) / Median(jsonPeer):0.0}×");
Console.Write(report);
await app.StopAsync();
return 0;

static async Task<double> LoadAsync(IBrowser browser, Uri uri)
{
    await using var context = await browser.NewContextAsync();
    var page = await context.NewPageAsync();
    var sw = Stopwatch.StartNew();
    await page.GotoAsync(uri.ToString(), new() { WaitUntil = WaitUntilState.Load });
    return sw.Elapsed.TotalMilliseconds;
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
