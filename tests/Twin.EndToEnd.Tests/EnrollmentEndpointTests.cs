using System.Net.Sockets;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The real executable opens its EST/BRSKI listener beside the dashboard, and reports bad enrollment settings by name.</summary>
public sealed class EnrollmentEndpointTests
{
    [Fact]
    public async Task The_demo_serves_EST_cacerts_over_HTTPS_that_openssl_prints()
    {
        var folder = RepoPaths.NewScratch("est-demo");
        await using var host = await HostProcess.StartAsync(Path.Combine(folder, "planttrust.db"), "--speed", "1");
        Assert.NotNull(host.EnrollmentAddress);
        Assert.Equal("127.0.0.1", host.EnrollmentAddress!.Host);
        await host.WaitForEntitiesAsync(e => e.Any(x => x.Id == "ca-root" && x.CurrentSerial is not null));

        // The demo's certificates carry simulated time (2030): curl cannot judge them by its own clock, so -k for this
        // bootstrap exchange (RFC 7030 §4.1.1); the root it returns is compared with the API's below.
        var body = Path.Combine(folder, "cacerts.b64");
        var curl = await Peer.RunAsync("curl", ["-sS", "-k", "--max-time", "30", "-o", body, "-w", "%{http_code}", new Uri(host.EnrollmentAddress, "/.well-known/est/cacerts").ToString()]);
        Assert.True(curl.StdOut.Trim() == "200", curl.All);
        Assert.Equal(0, (await Peer.OpenSslAsync("base64", "-d", "-in", body, "-out", body + ".der")).ExitCode);
        var printed = await Peer.OpenSslAsync("pkcs7", "-inform", "DER", "-in", body + ".der", "-print_certs");
        Assert.Contains("CN = PlantTrust Demo Root CA", printed.StdOut, StringComparison.Ordinal);
        var api = await host.Http.GetStringAsync("/api/entities/ca-root/certificates/" + (await host.WaitForEntitiesAsync(e => true)).Single(x => x.Id == "ca-root").CurrentSerial + ".pem");
        Assert.Contains(api.Split("-----")[2].Replace("\n", "", StringComparison.Ordinal), printed.StdOut.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Without a client certificate, enrollment is refused with the reason.
        var refused = await Peer.RunAsync("curl", ["-sS", "-k", "--max-time", "30", "-w", "\n%{http_code}", "-H", "Content-Type: application/pkcs10", "--data-binary", "MIIB", new Uri(host.EnrollmentAddress, "/.well-known/est/simpleenroll").ToString()]);
        Assert.EndsWith("401", refused.StdOut.Trim(), StringComparison.Ordinal);
        Assert.Contains("No TLS client certificate", refused.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_manufacturer_file_ends_the_start_naming_the_setting()
    {
        var db = Path.Combine(RepoPaths.NewScratch("est-setting"), "planttrust.db");
        var (code, _, stderr) = await HostProcess.RunToExitAsync(["--db", db, "--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["Twin__Est__Manufacturers__0__CaFile"] = "/nonexistent/idevid-ca.pem" });
        Assert.Equal(2, code);
        Assert.Contains("Twin:Est:Manufacturers:0:CaFile", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_enrollment_port_in_use_ends_with_one_clear_message()
    {
        using var squatter = new TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var db = Path.Combine(RepoPaths.NewScratch("est-port"), "planttrust.db");
        var (code, _, stderr) = await HostProcess.RunToExitAsync(["--db", db, "--urls", "http://127.0.0.1:0"],
            new Dictionary<string, string> { ["Twin__Est__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(1, code);
        Assert.Contains($"127.0.0.1:{port} (Twin:Est:Port)", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}
