using System.Security.Cryptography;
using System.Text.Json;
using Twin.Host.Enrollment;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>BRSKI (RFC 8995) against the running HTTPS endpoint: curl carries the pledge's request, openssl judges the voucher.</summary>
[Collection(EnrollmentHostGroup.Name)]
public sealed class BrskiEndpointTests(EnrollmentHost host)
{
    [Fact]
    public async Task Pledge_gets_a_voucher_that_openssl_cms_verifies_against_the_MASA_s_CA_then_enrolls_its_LDevID_over_EST() // RFC 8995 §5.2–§5.9
    {
        // The pledge learns the registrar's certificate from the provisional TLS session (openssl s_client shows what the server sent).
        var registrar = await RegistrarCertificateAsync();
        var nonce = RandomNumberGenerator.GetBytes(16);
        var request = Pledge.CreateVoucherRequest(host.Allowed.Certificate, host.Allowed.KeyPair, registrar, nonce, host.Backend.Now);
        var requestFile = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(requestFile, request);

        var (status, body, curl) = await host.CurlAsync("/.well-known/brski/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));

        var json = body + ".json";
        var verify = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", body, "-CAfile", host.ManufacturerPem, "-purpose", "any", "-out", json);
        Assert.True(verify.ExitCode == 0, verify.All);
        using (var voucher = JsonDocument.Parse(await File.ReadAllBytesAsync(json)))
        {
            var v = voucher.RootElement.GetProperty("ietf-voucher:voucher");
            Assert.Equal("JADA-0001", v.GetProperty("serial-number").GetString());
            Assert.Equal(nonce, v.GetProperty("nonce").GetBytesFromBase64());
            Assert.Equal(registrar.GetDer(), v.GetProperty("pinned-domain-cert").GetBytesFromBase64());
            Assert.Equal(BrskiIdentity.AuthorityKeyIdOf(host.Allowed.Certificate), v.GetProperty("idevid-issuer").GetBytesFromBase64());
            Assert.True(v.TryGetProperty("created-on", out _));
            Assert.Equal("proximity", v.GetProperty("assertion").GetString());
        }

        // The pledge accepts the voucher and now trusts the pinned registrar.
        var check = Pledge.VerifyVoucher(await File.ReadAllBytesAsync(body), [host.Manufacturer], host.Allowed.Certificate, nonce, registrar, host.Backend.Now);
        Assert.True(check.Accepted, check.Problem);
        var statusFile = RepoPaths.WriteText(host.Folder, "voucher-status.json", """{"version":1,"status":true,"reason":"Voucher accepted"}""");
        var (vs, _, _) = await host.CurlAsync("/.well-known/brski/voucher_status", host.Allowed.Cert, host.Allowed.Key, statusFile, "application/json");
        Assert.Equal(200, vs);

        // Then its LDevID over EST, authenticated with the IDevID, trusting the pinned certificate's issuer.
        var (_, csr) = await host.OpenSslCsrAsync("/CN=pump/serialNumber=JADA-0001");
        var (enrolled, enrolledBody, enrollCurl) = await host.CurlAsync("/.well-known/est/simpleenroll", host.Allowed.Cert, host.Allowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(enrolled == 200, EnrollmentHost.Told(enrolled, enrolledBody, enrollCurl));
        Assert.Contains("serialNumber = JADA-0001", await EnrollmentHost.PrintCertsAsync(enrolledBody), StringComparison.Ordinal);
        var (es, _, _) = await host.CurlAsync("/.well-known/brski/enrollstatus", host.Allowed.Cert, host.Allowed.Key, statusFile, "application/json");
        Assert.Equal(200, es);

        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.decided" && e.GetProperty("summary").GetString()!.StartsWith("granted BRSKI requestvoucher", StringComparison.Ordinal));
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.decided" && e.GetProperty("summary").GetString()!.StartsWith("granted BRSKI enrollstatus", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_voucher_request_from_an_IDevID_not_on_the_allow_list_is_refused_and_audited()
    {
        var registrar = await RegistrarCertificateAsync();
        var request = Pledge.CreateVoucherRequest(host.NotAllowed.Certificate, host.NotAllowed.KeyPair, registrar, RandomNumberGenerator.GetBytes(16), host.Backend.Now);
        var requestFile = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(requestFile, request);

        var (status, body, _) = await host.CurlAsync("/.well-known/brski/requestvoucher", host.NotAllowed.Cert, host.NotAllowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(403, status);
        Assert.Contains("'OTHER-0009'", await File.ReadAllTextAsync(body), StringComparison.Ordinal);
        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.decided"
            && e.GetProperty("summary").GetString()!.StartsWith("refused BRSKI requestvoucher", StringComparison.Ordinal)
            && e.GetProperty("summary").GetString()!.Contains("not on the allow-list", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_voucher_request_signed_by_one_IDevID_over_another_s_TLS_session_is_refused()
    {
        var registrar = await RegistrarCertificateAsync();
        var request = Pledge.CreateVoucherRequest(host.NotAllowed.Certificate, host.NotAllowed.KeyPair, registrar, RandomNumberGenerator.GetBytes(16), host.Backend.Now);
        var requestFile = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(requestFile, request);
        var (status, body, _) = await host.CurlAsync("/.well-known/brski/requestvoucher", host.Allowed.Cert, host.Allowed.Key, requestFile, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(403, status);
        Assert.Contains("another IDevID", await File.ReadAllTextAsync(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_voucher_request_without_a_client_certificate_is_refused()
    {
        var requestFile = RepoPaths.WriteText(host.Folder, "empty.p7", "x");
        var (status, _, _) = await host.CurlAsync("/.well-known/brski/requestvoucher", dataFile: requestFile, contentType: BrskiEndpoints.VoucherMediaType);
        Assert.Equal(401, status);
    }

    [Fact]
    public async Task A_malformed_or_misdirected_voucher_request_is_refused_with_the_reason_and_audited() // RFC 8995 §5.3
    {
        var garbage = RepoPaths.WriteText(host.Folder, "garbage.p7", "this is not CMS");
        var (status, body, _) = await host.CurlAsync("/.well-known/brski/requestvoucher", host.Allowed.Cert, host.Allowed.Key, garbage, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(400, status);
        Assert.Contains("CMS SignedData: malformed", await File.ReadAllTextAsync(body), StringComparison.Ordinal);

        // A request the pledge made for another registrar (its proximity-registrar-cert is not ours).
        var elsewhere = Certificate.FromPem(await File.ReadAllTextAsync(host.RootPem));
        var request = Pledge.CreateVoucherRequest(host.Allowed.Certificate, host.Allowed.KeyPair, elsewhere, RandomNumberGenerator.GetBytes(16), host.Backend.Now);
        var file = Path.Combine(host.Folder, "pvr-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(file, request);
        var (misdirected, misBody, _) = await host.CurlAsync("/.well-known/brski/requestvoucher", host.Allowed.Cert, host.Allowed.Key, file, BrskiEndpoints.VoucherMediaType);
        Assert.Equal(400, misdirected);
        Assert.Contains("proximity-registrar-cert", await File.ReadAllTextAsync(misBody), StringComparison.Ordinal);

        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.decided"
            && e.GetProperty("summary").GetString()!.StartsWith("refused BRSKI requestvoucher", StringComparison.Ordinal)
            && e.GetProperty("summary").GetString()!.Contains("proximity-registrar-cert", StringComparison.Ordinal));
    }

    private async Task<Certificate> RegistrarCertificateAsync()
    {
        var connect = await Peer.RunAsync("openssl", ["s_client", "-connect", $"127.0.0.1:{host.Est.Port}", "-showcerts", "-CAfile", host.RootPem, "-verify_return_error"],
            stdin: [], timeout: TimeSpan.FromSeconds(30));
        Assert.Contains("Verify return code: 0 (ok)", connect.StdOut, StringComparison.Ordinal);
        return Certificate.FromPem(connect.StdOut);
    }
}
