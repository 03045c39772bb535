using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Api;

/// <summary>The twin's OCSP responders over HTTP (RFC 6960 Appendix A), judged by `openssl ocsp` as the client.</summary>
public sealed class OcspEndpointTests
{
    // RFC 5280 §4.2.2.1: the responder named in the certificate's authorityInfoAccess is the one the host serves, at the address it is
    // bound to — openssl reads the URL out of the certificate and asks there.
    [Fact]
    public async Task The_certificates_name_the_responder_at_the_address_the_host_is_bound_to()
    {
        await using var twin = await OcspTwin.StartAsync("ca");

        var uri = await Peer.OpenSslAsync("x509", "-noout", "-ocsp_uri", "-in", twin.File("pump-001.pem"));
        Assert.True(uri.ExitCode == 0, uri.All);
        Assert.Equal(twin.Url(), uri.StdOut.Trim());
        var asked = await Peer.RunAsync("openssl", ["ocsp", "-issuer", twin.IssuerPem, "-cert", twin.File("pump-001.pem"), "-url", uri.StdOut.Trim(), "-CAfile", twin.RootPem,
            "-attime", twin.Epoch, "-validity_period", "1000000000", "-timeout", "20"], timeout: TimeSpan.FromSeconds(60));
        Assert.True(asked.ExitCode == 0, asked.All);
        Assert.Contains("pump-001.pem: good", asked.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ca")]
    [InlineData("delegated")]
    public async Task Openssl_hears_good_then_revoked_with_the_reason_after_a_revocation_through_the_api(string responder)
    {
        await using var twin = await OcspTwin.StartAsync(responder);

        var before = await twin.AskAsync("pump-001.pem");
        var revoke = await twin.Http.PostAsJsonAsync("/api/entities/pump-001/revoke", new { reason = "keyCompromise" });
        revoke.EnsureSuccessStatusCode();
        var after = await twin.AskAsync("pump-001.pem");
        var other = await twin.AskAsync("pump-002.pem");

        // RFC 6960 §4.2.2.2: openssl verifies the signer — the issuing CA, or the delegated responder it certified — up to the root.
        Assert.True(before.ExitCode == 0, before.All);
        Assert.Contains("Response verify OK", before.All, StringComparison.Ordinal);
        Assert.Contains("pump-001.pem: good", before.StdOut, StringComparison.Ordinal);
        Assert.True(after.ExitCode == 0, after.All);
        Assert.Contains("Response verify OK", after.All, StringComparison.Ordinal);
        Assert.Contains("pump-001.pem: revoked", after.StdOut, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", after.StdOut, StringComparison.Ordinal);
        Assert.Contains("pump-002.pem: good", other.StdOut, StringComparison.Ordinal);
        // RFC 8954: openssl sends a nonce by default and complains when it does not come back.
        Assert.DoesNotContain("WARNING: no nonce", after.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Nonce Verify error", after.All, StringComparison.Ordinal);
        var responderId = responder == "delegated" ? "CN = OCSP Responder ca-issuing" : "CN = OCSP Test Issuing CA";
        Assert.Contains("Responder Id: " + responderId, after.StdOut, StringComparison.Ordinal);
        if (responder == "delegated")
        {
            // The delegated responder's certificate travels in the answer with id-kp-OCSPSigning and id-pkix-ocsp-nocheck.
            Assert.Contains("OCSP Signing", after.StdOut, StringComparison.Ordinal);
            Assert.Contains("OCSP No Check", after.StdOut, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ca", false)]
    [InlineData("delegated", true)]
    public async Task While_the_ca_is_cut_off_only_a_delegated_responder_answers(string responder, bool answers)
    {
        await using var twin = await OcspTwin.StartAsync(responder);

        var cut = await twin.Http.PostAsJsonAsync("/api/entities/ca-issuing/reachability", new { reachable = false });
        cut.EnsureSuccessStatusCode();
        var asked = await twin.AskAsync("pump-002.pem");

        if (answers)
        {
            Assert.True(asked.ExitCode == 0, asked.All);
            Assert.Contains("pump-002.pem: good", asked.StdOut, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotEqual(0, asked.ExitCode);
            Assert.Contains("503", asked.All, StringComparison.Ordinal);
            Assert.DoesNotContain("pump-002.pem: good", asked.StdOut, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_with_the_base64_request_answers_like_post_and_bad_requests_get_clear_answers()
    {
        await using var twin = await OcspTwin.StartAsync("ca");
        var requestFile = twin.File("request.der");
        var written = await Peer.OpenSslAsync("ocsp", "-issuer", twin.IssuerPem, "-cert", twin.File("pump-002.pem"), "-no_nonce", "-reqout", requestFile);
        Assert.True(File.Exists(requestFile), written.All);
        var request = await File.ReadAllBytesAsync(requestFile);

        // RFC 6960 Appendix A.1: GET {url}/{url-encoded base64 of the DER request}.
        var get = await twin.Http.GetAsync($"/ocsp/ca-issuing/{Uri.EscapeDataString(Convert.ToBase64String(request))}");
        var malformed = await PostAsync(twin, "/ocsp/ca-issuing", [0x30, 0x03, 0x02, 0x01], "application/ocsp-request");
        var notBase64 = await twin.Http.GetAsync("/ocsp/ca-issuing/%%%not-base64");
        var wrongType = await PostAsync(twin, "/ocsp/ca-issuing", request, "application/json");
        var unknownCa = await PostAsync(twin, "/ocsp/ca-nowhere", request, "application/ocsp-request");
        var tooLarge = await PostAsync(twin, "/ocsp/ca-issuing", new byte[64 * 1024], "application/ocsp-request");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("application/ocsp-response", get.Content.Headers.ContentType?.MediaType);
        var read = await ReadWithOpenSslAsync(twin, "get.der", await get.Content.ReadAsByteArrayAsync(), "-issuer", twin.IssuerPem, "-cert", twin.File("pump-002.pem"), "-CAfile", twin.RootPem,
            "-attime", twin.Epoch, "-validity_period", "1000000000", "-no_nonce");
        Assert.Contains("Response verify OK", read.All, StringComparison.Ordinal);
        Assert.Contains("pump-002.pem: good", read.StdOut, StringComparison.Ordinal);
        foreach (var (name, response) in new[] { ("malformed.der", malformed), ("not-base64.der", notBase64), ("too-large.der", tooLarge) })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await ReadWithOpenSslAsync(twin, name, await response.Content.ReadAsByteArrayAsync(), "-resp_text", "-noverify");
            Assert.Contains("Responder Error: malformedrequest (1)", text.All, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Contains("application/ocsp-request", await wrongType.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknownCa.StatusCode);
        Assert.Contains("ca-nowhere", await unknownCa.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("ca-issuing", await unknownCa.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(OcspTwin twin, string path, byte[] body, string type)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return await twin.Http.PostAsync(path, content);
    }

    private static async Task<Peer.Result> ReadWithOpenSslAsync(OcspTwin twin, string file, byte[] response, params string[] args)
    {
        await File.WriteAllBytesAsync(twin.File(file), response);
        return await Peer.OpenSslAsync(["ocsp", "-respin", twin.File(file), .. args]);
    }
}
