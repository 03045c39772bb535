using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Twin.Actors.Scenarios;
using Microsoft.AspNetCore.Hosting;
using Twin.Host.Api;
using Twin.Host.Enrollment;
using Twin.Host.Hosting;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// A running twin (in process, loopback, a free port) with two domains: "plant" in CA mode (issuing CA
/// below the root, an IDevID allow-list) and "upstream" in RA mode forwarding to openssl's mock CMP
/// server. Once every registrar holds its certificate the clock is paused, so openssl can judge
/// certificates at a fixed simulated instant (-attime).
/// </summary>
public sealed class CmpTwinFixture : IAsyncLifetime
{
    public const string RootSubject = "CN=Test Root CA,O=PlantTrust,C=DE";
    public const string IssuingSubject = "CN=Test Issuing CA,O=PlantTrust,C=DE";
    public const string MockSecret = "mock-upstream-secret";

    private WebApplication? _app;
    private OpenSslCmpMock? _mock;

    public string Folder { get; } = RepoPaths.NewScratch("cmp-twin");
    public HttpClient Http { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public string RootPem { get; private set; } = "";
    public string Epoch { get; private set; } = "";

    /// <summary>The running twin's services (its actor system, for tests that kill an entity).</summary>
    public IServiceProvider Services => _app!.Services;

    /// <summary>Path of a file in the fixture's folder.</summary>
    public string File(string name) => Path.Combine(Folder, name);

    public async Task InitializeAsync()
    {
        await MakeManufacturerAndUpstreamAsync();
        _mock = await OpenSslCmpMock.StartAsync(Folder, MockSecret, File("upstream-ca.pem"), File("upstream-ca.key"), File("upstream-ee.pem"), ["-no_check_time"]);
        var yaml = $$"""
            name: CMP test plant
            run: cmp-test
            start: 2030-01-01T00:00:00Z
            clock: { mode: realtime, speed: 1 }
            topology:
              rootCa: { id: ca-root, subject: "{{RootSubject}}" }
              cas:
                - { id: ca-issuing, parent: ca-root, subject: "{{IssuingSubject}}" }
              domains:
                - name: plant
                  issuingCa: ca-issuing
                  signatureSuite: EcdsaP256
                  mode: ca
                  implicitConfirm: true
                  allowList:
                    - { manufacturerCa: manufacturer-ca.pem, serialNumber: "SN-[0-9]{4}", san: "urn:acme:.*" }
                  templates:
                    - { name: ldevid, profile: LDevId, lifetime: P30D, subject: "CN=[a-z0-9-]+(,.*)?" }
                - name: upstream
                  issuingCa: ca-issuing
                  mode: ra
                  upstream: { url: "{{_mock.Url}}", recipient: "CN=Upstream Mock CA", reference: "{{RaPlantYaml.Reference}}", secret: "{{MockSecret}}" }
            """;
        var scenarioFile = RepoPaths.WriteText(Folder, "scenario.yaml", yaml);
        var spec = ScenarioLoader.LoadFile(scenarioFile).ToPlant();
        // The API and the CMP endpoints as the host maps them, without the dashboard (its static assets belong to the executable).
        // On a loaded machine the journal's query side may miss its start-up deadline: try again on a fresh journal, bounded.
        for (var attempt = 1; ; attempt++)
        {
            var options = new TwinOptions { Urls = "http://127.0.0.1:0", Database = Path.Combine(Folder, $"db{attempt}", "planttrust.db") };
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseUrls(options.Urls);
            builder.Services.AddTwin(options, spec);
            _app = builder.Build();
            _app.UseControlGuard(null);
            _app.MapTwinApi();
            _app.MapCmp();
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
        BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (!cts.IsCancellationRequested && !await ReadyAsync()) await timer.WaitForNextTickAsync(cts.Token);
        (await Http.PostAsJsonAsync("/api/clock", new { action = "pause" })).EnsureSuccessStatusCode();
        var clock = await Http.GetFromJsonAsync<JsonElement>("/api/clock");
        Epoch = DateTimeOffset.Parse(clock.GetProperty("now").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var root = await Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-root");
        RootPem = RepoPaths.WriteText(Folder, "root.pem", root.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
    }

    private async Task<bool> ReadyAsync()
    {
        var entities = await Http.GetFromJsonAsync<List<JsonElement>>("/api/entities");
        return entities!.Count(e => e.GetProperty("kind").GetString() == "registrar" && e.GetProperty("currentSerial").ValueKind == JsonValueKind.String) == 2;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_mock is not null) await _mock.DisposeAsync();
    }

    /// <summary>A fresh one-time reference and secret from the API.</summary>
    public async Task<(string Reference, string Secret)> OtpAsync(string domain)
    {
        var response = await Http.PostAsync($"/api/domains/{domain}/otp", null);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("reference").GetString()!, json.GetProperty("secret").GetString()!);
    }

    /// <summary>Runs openssl cmp against domain <paramref name="domain"/> at the paused simulated instant.</summary>
    public Task<Peer.Result> CmpAsync(string domain, params string[] args) =>
        Peer.RunAsync("openssl", ["cmp", "-server", $"127.0.0.1:{BaseAddress.Port}", "-path", $".well-known/cmp/p/{domain}", "-attime", Epoch, "-msg_timeout", "20", "-total_timeout", "40", .. args],
            workingDirectory: Folder, timeout: TimeSpan.FromSeconds(60));

    /// <summary>Waits (bounded, on a periodic timer) until <paramref name="condition"/> holds: the read model follows the journal asynchronously.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!await condition())
            Assert.True(await timer.WaitForNextTickAsync(cts.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default), "condition not met within 20 s");
    }

    /// <summary>A new P-256 key file.</summary>
    public async Task<string> NewKeyAsync(string name)
    {
        var path = File(name);
        var result = await Peer.OpenSslAsync("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", path);
        Assert.True(result.ExitCode == 0, result.All);
        return path;
    }

    /// <summary>The registrar's latest decisions.</summary>
    public async Task<List<JsonElement>> AuditAsync(string domain) =>
        (await Http.GetFromJsonAsync<List<JsonElement>>($"/api/domains/{domain}/audit"))!;

    // An IDevID from a manufacturer CA (allow-listed) and one with a serial the list does not admit; the upstream mock CA and the certificate it hands out.
    private async Task MakeManufacturerAndUpstreamAsync()
    {
        await Ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", File("manufacturer-ca.key"), "-out", File("manufacturer-ca.pem"),
            "-subj", "/CN=ACME Manufacturer CA", "-days", "36500", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
        foreach (var (name, serial) in new[] { ("idevid", "SN-0042"), ("stranger", "XX-0001") })
        {
            await Ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", File($"{name}.key"), "-out", File($"{name}.csr"), "-subj", $"/CN=acme-device/serialNumber={serial}");
            RepoPaths.WriteText(Folder, $"{name}.ext", $"subjectAltName=URI:urn:acme:{serial}\nkeyUsage=critical,digitalSignature\n");
            await Ssl("x509", "-req", "-in", File($"{name}.csr"), "-CA", File("manufacturer-ca.pem"), "-CAkey", File("manufacturer-ca.key"), "-set_serial", "0x" + (name == "idevid" ? "42" : "43"),
                "-days", "36500", "-extfile", File($"{name}.ext"), "-out", File($"{name}.pem"));
        }
        await Ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", File("upstream-ca.key"), "-out", File("upstream-ca.pem"),
            "-subj", "/CN=Upstream Mock CA", "-days", "36500", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature");
        await Ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", File("upstream-ee.key"), "-out", File("upstream-ee.csr"), "-subj", "/CN=upstream-device");
        RepoPaths.WriteText(Folder, "upstream-ee.ext", "keyUsage=critical,digitalSignature\n");
        await Ssl("x509", "-req", "-in", File("upstream-ee.csr"), "-CA", File("upstream-ca.pem"), "-CAkey", File("upstream-ca.key"), "-set_serial", "0x77", "-days", "36500",
            "-extfile", File("upstream-ee.ext"), "-out", File("upstream-ee.pem"));
    }

    private static async Task Ssl(params string[] args)
    {
        var result = await Peer.OpenSslAsync(args);
        Assert.True(result.ExitCode == 0, $"openssl {string.Join(' ', args)}: {result.All}");
    }
}
