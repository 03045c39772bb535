using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The JSON API of a running twin, with openssl judging the certificates it hands out.</summary>
public sealed class ApiTests
{
    [Fact]
    public async Task Certificates_from_the_API_verify_with_openssl_at_simulated_now_and_events_page_by_offset()
    {
        var folder = RepoPaths.NewScratch("api");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "--speed", "1");
        await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));

        var device = await host.Http.GetFromJsonAsync<JsonElement>("/api/entities/device-001");
        var ca = await host.Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-root");
        var clock = await host.Http.GetFromJsonAsync<JsonElement>("/api/clock");
        var serial = device.GetProperty("currentSerial").GetString()!;
        var devicePem = RepoPaths.WriteText(folder, "device.pem", device.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        var caPem = RepoPaths.WriteText(folder, "ca.pem", ca.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        var now = DateTimeOffset.Parse(clock.GetProperty("now").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var verify = await Peer.OpenSslAsync("verify", "-attime", now, "-CAfile", caPem, devicePem);
        Assert.True(verify.ExitCode == 0, verify.All);

        var der = await host.Http.GetByteArrayAsync($"/api/entities/device-001/certificates/{serial}.der");
        var derFile = Path.Combine(folder, "device.der");
        await File.WriteAllBytesAsync(derFile, der);
        var shown = await Peer.OpenSslAsync("x509", "-inform", "DER", "-in", derFile, "-noout", "-serial");
        Assert.Equal($"serial={serial.ToUpperInvariant()}", shown.StdOut.Trim());
        Assert.Contains(device.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "dev.cert-installed");

        // Paging: offsets are exclusive, so the second page continues exactly where the first ended.
        var all = await host.Http.GetFromJsonAsync<List<JsonElement>>("/api/events?since=0&limit=1000");
        var first = await host.Http.GetFromJsonAsync<List<JsonElement>>("/api/events?since=0&limit=3");
        var next = await host.Http.GetFromJsonAsync<List<JsonElement>>($"/api/events?since={first![^1].GetProperty("offset").GetInt64()}&limit=3");
        Assert.Equal(3, first.Count);
        Assert.Equal(
            all!.Take(6).Select(e => e.GetProperty("offset").GetInt64()),
            first.Concat(next!).Select(e => e.GetProperty("offset").GetInt64()));

        // The dashboard's biggest static file goes out as the build compressed it, not re-read and sent at level none.
        using var plain = await host.Http.GetAsync("/_content/MudBlazor/MudBlazor.min.css");
        var css = await plain.Content.ReadAsByteArrayAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/_content/MudBlazor/MudBlazor.min.css");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var packed = await host.Http.SendAsync(request);
        Assert.Equal("gzip", Assert.Single(packed.Content.Headers.ContentEncoding));
        var wire = await packed.Content.ReadAsByteArrayAsync();
        Assert.True(wire.Length * 4 < css.Length, $"{wire.Length} bytes on the wire for {css.Length} bytes of CSS");
        var gz = Path.Combine(folder, "mud.css.gz");
        await File.WriteAllBytesAsync(gz, wire);
        var unpacked = await Peer.RunAsync("gzip", ["-dc", gz]);
        Assert.Equal(0, unpacked.ExitCode);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(css).TrimStart('\uFEFF'), unpacked.StdOut);
    }

    [Fact]
    public async Task Revoking_through_the_API_puts_the_certificate_on_the_CA_s_CRL_and_openssl_refuses_it()
    {
        var folder = RepoPaths.NewScratch("api-revoke");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "--speed", "1");
        await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));

        var revoke = await host.Http.PostAsJsonAsync("/api/entities/device-001/revoke", new { reason = "keyCompromise" });
        Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());
        var answer = await revoke.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("ca-root", answer.GetProperty("ca").GetString());

        await host.WaitForEntitiesAsync(e => e.Single(x => x.Id == "device-001").Certificates[^1].Status == "Revoked");
        var device = await host.Http.GetFromJsonAsync<JsonElement>("/api/entities/device-001");
        var ca = await host.Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-root");
        Assert.Equal(1, ca.GetProperty("crl").GetProperty("entries").GetInt32());
        var crlPem = RepoPaths.WriteText(folder, "crl.pem", await host.Http.GetStringAsync("/api/entities/ca-root/crl.pem"));
        var caPem = RepoPaths.WriteText(folder, "ca.pem", ca.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        var devicePem = RepoPaths.WriteText(folder, "device.pem", device.GetProperty("certificates")[0].GetProperty("pem").GetString()!);
        var clock = await host.Http.GetFromJsonAsync<JsonElement>("/api/clock");
        var now = DateTimeOffset.Parse(clock.GetProperty("now").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var verify = await Peer.OpenSslAsync("verify", "-crl_check", "-attime", now, "-CAfile", caPem, "-CRLfile", crlPem, devicePem);
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("certificate revoked", verify.All, StringComparison.Ordinal);

        var again = await host.Http.PostAsJsonAsync("/api/entities/device-001/revoke", new { reason = "superseded" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already revoked", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_CA_taken_offline_refuses_revocations_and_publishes_a_fresh_CRL_when_back()
    {
        await using var host = await HostProcess.StartAsync(Path.Combine(RepoPaths.NewScratch("api-offline"), "planttrust.db"), "--speed", "1");
        await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "device-001" && x.CurrentSerial is not null));
        var crlBefore = (await host.Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-root")).GetProperty("crl").GetProperty("number").GetInt64();

        var off = await host.Http.PostAsJsonAsync("/api/entities/ca-root/reachability", new { reachable = false });
        Assert.True(off.IsSuccessStatusCode, await off.Content.ReadAsStringAsync());
        await host.WaitForEntitiesAsync(e => e.Single(x => x.Id == "ca-root").Reachable == false);
        var refused = await host.Http.PostAsJsonAsync("/api/entities/device-001/revoke", new { reason = "keyCompromise" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("unreachable", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var on = await host.Http.PostAsJsonAsync("/api/entities/ca-root/reachability", new { reachable = true });
        Assert.True(on.IsSuccessStatusCode, await on.Content.ReadAsStringAsync());
        await host.WaitForEntitiesAsync(e => e.Single(x => x.Id == "ca-root").Reachable == true);
        // The fresh CRL is journaled after the reachability change: wait for it rather than race it.
        JsonElement ca = default;
        await host.WaitForEntitiesAsync(_ =>
        {
            ca = host.Http.GetFromJsonAsync<JsonElement>("/api/entities/ca-root").GetAwaiter().GetResult();
            return ca.GetProperty("crl").GetProperty("number").GetInt64() > crlBefore;
        });
        Assert.Contains(ca.GetProperty("history").EnumerateArray(), h => h.GetProperty("kind").GetString() == "ca.reachability");
    }

    [Fact]
    public async Task A_PEA_serves_OPC_UA_on_loopback_with_the_application_certificate_its_CA_issued()
    {
        var folder = RepoPaths.NewScratch("api-endpoints");
        var scenario = RepoPaths.WriteText(folder, "pea.yaml", """
            name: One PEA
            start: 2030-01-01T00:00:00Z
            clock: { mode: realtime, speed: 1 }
            topology:
              rootCa: { id: ca-root, subject: "CN=Root" }
              peas:
                - { id: pea-001 }
            """);
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "serve", scenario);
        await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "pea-001" && x.CurrentSerial is not null));

        List<JsonElement>? endpoints = null;
        await host.WaitForEntitiesAsync(_ =>
        {
            endpoints = host.Http.GetFromJsonAsync<List<JsonElement>>("/api/endpoints").GetAwaiter().GetResult();
            return endpoints!.Count == 1;
        });
        var endpoint = endpoints![0];
        Assert.Equal("pea-001", endpoint.GetProperty("entity").GetString());
        Assert.StartsWith("opc.tcp://127.0.0.1:", endpoint.GetProperty("url").GetString(), StringComparison.Ordinal);
        var pem = RepoPaths.WriteText(folder, "server.pem", endpoint.GetProperty("serverCertificatePem").GetString()!);
        var text = await Peer.OpenSslAsync("x509", "-in", pem, "-noout", "-ext", "subjectAltName,extendedKeyUsage");
        Assert.Contains("URI:urn:planttrust:one-pea:pea-001", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("TLS Web Server Authentication", text.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_entities_and_bad_queries_are_answered_with_a_reason()
    {
        await using var host = await HostProcess.StartAsync(Path.Combine(RepoPaths.NewScratch("api-bad"), "planttrust.db"), "--speed", "1");

        var missing = await host.Http.GetAsync("/api/entities/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no-such-thing", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var badLimit = await host.Http.GetAsync("/api/events?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Contains("limit", await badLimit.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var badFormat = await host.Http.GetAsync("/api/entities/ca-root/certificates/abc.txt");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);

        var badReason = await host.Http.PostAsJsonAsync("/api/entities/ca-root/revoke", new { reason = "bored" });
        Assert.Equal(HttpStatusCode.BadRequest, badReason.StatusCode);
        Assert.Contains("keyCompromise", await badReason.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        var badClock = await host.Http.PostAsJsonAsync("/api/clock", new { action = "warp" });
        Assert.Equal(HttpStatusCode.BadRequest, badClock.StatusCode);
        Assert.Contains("pause, resume, step or speed", await badClock.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
