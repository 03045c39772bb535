using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Host.Api;
using Twin.Host.Hosting;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

// OCSP answers per second over loopback HTTP against a live twin in this process (design.revocation: ocsp, P-256 CAs, SQLite
// journal, realtime clock): the load generator keeps C requests in flight on kept-alive connections, each a POST
// /ocsp/ca-issuing with a fresh RFC 8954 nonce, so every answer is signed anew by the issuing CA's responder. The peer,
// measured in the same run right after, is CRL fetches: GET /api/entities/ca-issuing/crl.der from the same twin, with the
// same load generator — the other way a relying party learns of revocations. Also measured: the responder alone (no HTTP).
// Usage: dotnet run -c Release --project bench/Twin.Revocation.Bench -- [--seconds N] [--concurrency C] [--revoked R]
var seconds = Arg("--seconds", 10);
var concurrency = Arg("--concurrency", 16);
var revokedCount = Arg("--revoked", 100);

var folder = Path.Combine(Path.GetTempPath(), "planttrust-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var start = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
var scenario = ScenarioLoader.Load($"""
    name: Revocation bench
    run: revocation-bench
    start: {start}
    clock: {"{"} mode: realtime, speed: 1 {"}"}
    design: {"{"} revocation: ocsp, ocspValidity: PT1H {"}"}
    topology:
      rootCa: {"{"} id: ca-root, subject: CN=Bench Root {"}"}
      cas:
        - {"{"} id: ca-issuing, parent: ca-root, subject: CN=Bench Issuing CA {"}"}
      devices:
        - {"{"} id: "dev-{"{"}n{"}"}", count: {revokedCount + 1}, ca: ca-issuing {"}"}
    """, Path.Combine(folder, "bench.yaml"));
var options = new TwinOptions { Urls = "http://127.0.0.1:0", Database = Path.Combine(folder, "planttrust.db") };
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = folder, Args = [] });
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(options.Urls);
builder.Services.AddTwin(options, scenario.ToPlant());
await using var app = builder.Build();
app.MapTwinApi();
app.MapOcsp();
await app.StartAsync();
var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
var model = app.Services.GetRequiredService<IPlantReadModel>();
var devices = Enumerable.Range(1, revokedCount + 1).Select(i => $"dev-{i:000}").ToList();
while (!devices.All(d => model.Current.Entities.TryGetValue(d, out var e) && e.Current is not null)) await Task.Delay(100);

// Revoke all but the first device, so the CRL has entries to carry and the responder records to search.
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
foreach (var d in devices.Skip(1))
    (await http.PostAsync($"/api/entities/{d}/revoke", new StringContent("""{"reason":"keyCompromise"}""", new MediaTypeHeaderValue("application/json")))).EnsureSuccessStatusCode();
while (model.Current.Entities["ca-issuing"].Crl is not { } crl || crl.Entries < revokedCount) await Task.Delay(100);
var device = Certificate.FromDer(model.Current.Entities[devices[0]].Current!.Der.AsSpan());
var issuer = Certificate.FromDer(model.Current.Entities["ca-issuing"].Current!.Der.AsSpan());
var crlBytes = (await http.GetByteArrayAsync("/api/entities/ca-issuing/crl.der")).Length;
Console.WriteLine($"twin up: {devices.Count} devices, {revokedCount} revoked, CRL {crlBytes} bytes; {concurrency} requests in flight, {seconds} s per load");

var service = app.Services.GetRequiredService<PlantRuntime>().Distribution.OcspFor("ca-issuing")!;
var alone = Stopwatch.StartNew();
var aloneCount = 0;
while (alone.Elapsed < TimeSpan.FromSeconds(3)) { service.Answer(Ocsp.CreateRequest(device, issuer, Nonce()), DateTimeOffset.UtcNow); aloneCount++; }
Console.WriteLine(FormattableString.Invariant($"responder alone (request + signed answer, no HTTP, 1 thread): {aloneCount / alone.Elapsed.TotalSeconds:0} /s"));

await OcspAsync(TimeSpan.FromSeconds(2)); // warm-up: connections, JIT
var (ocspOk, ocspFailed, ocspElapsed) = await OcspAsync(TimeSpan.FromSeconds(seconds));
await CrlAsync(TimeSpan.FromSeconds(2));
var (crlOk, crlFailed, crlElapsed) = await CrlAsync(TimeSpan.FromSeconds(seconds));
var ocspRate = ocspOk / ocspElapsed.TotalSeconds;
var crlRate = crlOk / crlElapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"OCSP over HTTP (POST, fresh nonce, good answer checked): {ocspOk} ok, {ocspFailed} failed = {ocspRate:0} /s"));
Console.WriteLine(FormattableString.Invariant($"CRL fetch over HTTP (GET crl.der, {crlBytes} bytes): {crlOk} ok, {crlFailed} failed = {crlRate:0} /s"));
Console.WriteLine(FormattableString.Invariant($"OCSP ÷ CRL fetches: {ocspRate / crlRate:0.00}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
await app.StopAsync();
Directory.Delete(folder, recursive: true);
return;

async Task<(long Ok, long Failed, TimeSpan Elapsed)> OcspAsync(TimeSpan duration) => await LoadAsync(duration, async () =>
{
    var nonce = Nonce();
    using var content = new ByteArrayContent(Ocsp.CreateRequest(device, issuer, nonce));
    content.Headers.ContentType = new MediaTypeHeaderValue(OcspEndpoints.RequestType);
    using var response = await http.PostAsync("/ocsp/ca-issuing", content);
    var body = await response.Content.ReadAsByteArrayAsync();
    return response.IsSuccessStatusCode && Ocsp.ReadResponse(body, device, issuer, DateTimeOffset.UtcNow, nonce).Status == OcspCertificateStatus.Good;
});

async Task<(long Ok, long Failed, TimeSpan Elapsed)> CrlAsync(TimeSpan duration) => await LoadAsync(duration, async () =>
{
    using var response = await http.GetAsync("/api/entities/ca-issuing/crl.der");
    var body = await response.Content.ReadAsByteArrayAsync();
    return response.IsSuccessStatusCode && body.Length == crlBytes;
});

async Task<(long Ok, long Failed, TimeSpan Elapsed)> LoadAsync(TimeSpan duration, Func<Task<bool>> one)
{
    long ok = 0, failed = 0;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (watch.Elapsed < duration)
        {
            if (await one()) Interlocked.Increment(ref ok);
            else Interlocked.Increment(ref failed);
        }
    }));
    return (ok, failed, watch.Elapsed);
}

static byte[] Nonce()
{
    var nonce = new byte[16];
    PkiRandom.System.NextBytes(nonce);
    return nonce;
}

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) && v > 0 ? v : fallback;
}
