using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Twin.Actors.Scenarios;
using Twin.Host.Api;
using Twin.Host.Hosting;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Api;

/// <summary>
/// A running twin (in process, loopback, a free port) under design.revocation: ocsp with two devices below an issuing CA,
/// the API and the OCSP endpoints as the host maps them. Once both devices hold their certificates the clock is paused, so
/// openssl judges at a fixed simulated instant; the certificates and the chain are written to files for it.
/// </summary>
internal sealed class OcspTwin : IAsyncDisposable
{
    private WebApplication? _app;

    private OcspTwin(string folder) => Folder = folder;

    public string Folder { get; }
    public HttpClient Http { get; private set; } = null!;
    public int Port { get; private set; }
    public string Epoch { get; private set; } = "";
    public string RootPem => File("root.pem");
    public string IssuerPem => File("issuing.pem");

    public string File(string name) => Path.Combine(Folder, name);

    public string Url(string ca = "ca-issuing") => $"http://127.0.0.1:{Port}/ocsp/{ca}";

    public static async Task<OcspTwin> StartAsync(string responder)
    {
        var twin = new OcspTwin(RepoPaths.NewScratch("ocsp-twin-" + responder));
        await twin.InitializeAsync(responder);
        return twin;
    }

    private async Task InitializeAsync(string responder)
    {
        var yaml = $$"""
            name: OCSP test plant
            run: ocsp-test
            start: 2030-01-01T00:00:00Z
            clock: { mode: realtime, speed: 1 }
            design: { revocation: ocsp, ocspValidity: PT1H, ocspResponder: {{responder}} }
            topology:
              rootCa: { id: ca-root, subject: "CN=OCSP Test Root,O=PlantTrust,C=DE" }
              cas:
                - { id: ca-issuing, parent: ca-root, subject: "CN=OCSP Test Issuing CA,O=PlantTrust,C=DE" }
              devices:
                - { id: "pump-{n}", count: 2, ca: ca-issuing }
            """;
        var spec = ScenarioLoader.LoadFile(RepoPaths.WriteText(Folder, "scenario.yaml", yaml)).ToPlant();
        // On a loaded machine the journal's query side may miss its start-up deadline: try again on a fresh journal, bounded.
        for (var attempt = 1; ; attempt++)
        {
            // A port chosen now rather than at binding: the CAs name the responder's address in what they issue.
            var options = new TwinOptions { Urls = OcspAddress.ResolveFreePort("http://127.0.0.1:0"), Database = Path.Combine(Folder, $"db{attempt}", "planttrust.db") };
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls(options.Urls);
            builder.Services.AddTwin(options, spec);
            _app = builder.Build();
            _app.UseControlGuard(null);
            _app.MapTwinApi();
            _app.MapOcsp();
            try
            {
                await _app.StartAsync();
                break;
            }
            catch (AggregateException e) when (attempt < 3 && e.InnerExceptions.All(x => x is Akka.Actor.AskTimeoutException))
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }
        }
        var address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Port = address.Port;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        await UntilAsync(async () => (await Http.GetFromJsonAsync<List<JsonElement>>("/api/entities"))!
            .Count(e => e.GetProperty("id").GetString()!.StartsWith("pump-", StringComparison.Ordinal) && e.GetProperty("currentSerial").ValueKind == JsonValueKind.String) == 2);
        (await Http.PostAsJsonAsync("/api/clock", new { action = "pause" })).EnsureSuccessStatusCode();
        var clock = await Http.GetFromJsonAsync<JsonElement>("/api/clock");
        Epoch = DateTimeOffset.Parse(clock.GetProperty("now").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        await WriteCertificateAsync("ca-root", "root.pem");
        await WriteCertificateAsync("ca-issuing", "issuing.pem");
        await WriteCertificateAsync("pump-001", "pump-001.pem");
        await WriteCertificateAsync("pump-002", "pump-002.pem");
    }

    private async Task WriteCertificateAsync(string entity, string file)
    {
        var json = await Http.GetFromJsonAsync<JsonElement>($"/api/entities/{entity}");
        RepoPaths.WriteText(Folder, file, json.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
    }

    /// <summary>Runs `openssl ocsp` against the twin's responder for <paramref name="certFile"/>, checking the answer against the root.</summary>
    public Task<Peer.Result> AskAsync(string certFile, params string[] extra) =>
        Peer.RunAsync("openssl", ["ocsp", "-issuer", IssuerPem, "-cert", File(certFile), "-url", Url(), "-resp_text", "-CAfile", RootPem,
            // openssl checks thisUpdate/nextUpdate against its wall clock, not -attime; the twin's answers carry simulated 2030 instants.
            "-attime", Epoch, "-validity_period", "1000000000", "-timeout", "20", .. extra], timeout: TimeSpan.FromSeconds(60));

    /// <summary>Waits (bounded, on a periodic timer) until <paramref name="condition"/> holds: the read model follows the journal asynchronously.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!await condition())
            Assert.True(await timer.WaitForNextTickAsync(cts.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default), "condition not met within 60 s");
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
