using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>EST (RFC 7030) against the running HTTPS endpoint, with curl as the client and openssl judging every answer.</summary>
[Collection(EnrollmentHostGroup.Name)]
public sealed class EstEndpointTests(EnrollmentHost host)
{
    [Fact]
    public async Task Cacerts_over_HTTPS_prints_with_openssl_pkcs7_and_a_domain_label_selects_its_CA() // RFC 7030 §4.1
    {
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/cacerts");
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));
        var printed = await EnrollmentHost.PrintCertsAsync(body);
        Assert.Contains("CN = Operator Issuing CA", printed, StringComparison.Ordinal);
        Assert.Contains("CN = Operator Root CA", printed, StringComparison.Ordinal);

        var (rootStatus, rootBody, _) = await host.CurlAsync("/.well-known/est/ca-root/cacerts");
        Assert.Equal(200, rootStatus);
        var rootOnly = await EnrollmentHost.PrintCertsAsync(rootBody);
        Assert.DoesNotContain("Issuing", rootOnly, StringComparison.Ordinal);

        Assert.Contains("No domain 'no-such-domain'", await host.RefusedAsync(404, "/.well-known/est/no-such-domain/cacerts"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simpleenroll_with_an_allow_listed_IDevID_then_simplereenroll_with_the_enrolled_certificate() // RFC 7030 §4.2.1, §4.2.2
    {
        var subject = "/CN=pump-jada-0001/serialNumber=JADA-0001";
        var (key, csr) = await host.OpenSslCsrAsync(subject);
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/simpleenroll", host.Allowed.Cert, host.Allowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));
        var enrolled = RepoPaths.WriteText(host.Folder, "ldevid.pem", await EnrollmentHost.PrintCertsAsync(body));
        var issuing = RepoPaths.WriteText(host.Folder, "issuing.pem", (await host.Backend.CaCertificatesAsync(host.Backend.FindDomain(null)!, CancellationToken.None))[0].ToPem());
        var verify = await Peer.OpenSslAsync("verify", "-CAfile", host.RootPem, "-untrusted", issuing, "-purpose", "sslclient", enrolled);
        Assert.True(verify.ExitCode == 0, verify.All);
        var first = Certificate.FromPem(await File.ReadAllTextAsync(enrolled));

        // Re-enroll with the certificate just issued as the TLS client certificate, same subject, new key.
        var (_, recsr) = await host.OpenSslCsrAsync(subject);
        var (restatus, rebody, recurl) = await host.CurlAsync("/.well-known/est/simplereenroll", enrolled, key, recsr, EstPaths.Pkcs10MediaType);
        Assert.True(restatus == 200, EnrollmentHost.Told(restatus, rebody, recurl));
        var renewed = Certificate.FromPem(await EnrollmentHost.PrintCertsAsync(rebody));
        Assert.NotEqual(first.SerialNumber, renewed.SerialNumber);
        Assert.Equal(first.Subject, renewed.Subject);

        // The enrolled party is an entity of the twin, holding both certificates, and the journal says so.
        // (The IDevID's serial number names the entity; other tests may enroll the same device as well.)
        bool Holds(JsonElement e, Certificate c) => e.GetProperty("certificates").EnumerateArray().Any(x => x.GetProperty("serial").GetString() == c.SerialNumber.Hex);
        await WaitForEntityAsync("est-jada-0001", e => Holds(e, first) && Holds(e, renewed));
        var all = await host.Api.GetFromJsonAsync<List<JsonElement>>("/api/entities");
        Assert.Contains(all!, e => e.GetProperty("id").GetString() == "est-jada-0001" && e.GetProperty("kind").GetString() == "device");
        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.external-issued" && e.GetProperty("entity").GetString() == "est-jada-0001");
    }

    [Fact]
    public async Task Simplereenroll_with_an_IDevID_or_another_subject_is_refused() // RFC 7030 §4.2.2
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=pump-jada-0001/serialNumber=JADA-0001");
        Assert.Contains("certificate that is being renewed", await host.RefusedAsync(403, "/.well-known/est/simplereenroll", host.Allowed.Cert, host.Allowed.Key, csr, EstPaths.Pkcs10MediaType), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrollment_without_a_client_certificate_is_refused_and_audited() // RFC 7030 §3.3.2
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=anonymous-device");
        Assert.Contains("No TLS client certificate", await host.RefusedAsync(401, "/.well-known/est/simpleenroll", dataFile: csr, contentType: EstPaths.Pkcs10MediaType), StringComparison.Ordinal);
        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.decided" && e.GetProperty("summary").GetString()!.Contains("refused EST simpleenroll from anonymous", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_certificate_from_a_foreign_CA_is_refused()
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=intruder");
        var (status, body, _) = await host.CurlAsync("/.well-known/est/simpleenroll", host.Foreign.Cert, host.Foreign.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.Equal(401, status);
        var reason = await File.ReadAllTextAsync(body);
        Assert.Contains("neither from this plant's PKI nor a known manufacturer's IDevID", reason, StringComparison.Ordinal);
        Assert.Contains("Foreign CA", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_IDevID_not_on_the_allow_list_cannot_enroll()
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=pump-other/serialNumber=OTHER-0009");
        Assert.Contains("not on the allow-list", await host.RefusedAsync(403, "/.well-known/est/simpleenroll", host.NotAllowed.Cert, host.NotAllowed.Key, csr, EstPaths.Pkcs10MediaType), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_base64_and_wrong_media_type_are_refused_with_the_reason()
    {
        var bad = RepoPaths.WriteText(host.Folder, "bad.b64", "MIIB*notbase64");
        Assert.Contains("is not base64", await host.RefusedAsync(400, "/.well-known/est/simpleenroll", host.Allowed.Cert, host.Allowed.Key, bad, EstPaths.Pkcs10MediaType), StringComparison.Ordinal);
        var (mediaStatus, _, _) = await host.CurlAsync("/.well-known/est/simpleenroll", host.Allowed.Cert, host.Allowed.Key, bad, "application/json");
        Assert.Equal(415, mediaStatus);
    }

    [Fact]
    public async Task A_request_whose_signature_does_not_verify_is_refused_by_the_CA_for_lack_of_proof_of_possession() // RFC 7030 §3.4
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=tampered/serialNumber=JADA-0001");
        var der = Convert.FromBase64String(string.Concat((await File.ReadAllTextAsync(csr)).Split('\n')));
        der[^1] ^= 0x01; // the last byte of the signature
        var tampered = RepoPaths.WriteText(host.Folder, "tampered.b64", EstCodec.ToBase64Body(der));
        Assert.Contains("no proof of possession", await host.RefusedAsync(400, "/.well-known/est/simpleenroll", host.Allowed.Cert, host.Allowed.Key, tampered, EstPaths.Pkcs10MediaType), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serverkeygen_delivers_a_PKCS8_key_openssl_reads_for_the_certificate_and_then_destroys_it() // RFC 7030 §4.4
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=constrained-7/serialNumber=JADA-0007");
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/serverkeygen", host.Allowed.Cert, host.Allowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));

        // Split the multipart/mixed body by hand, then let openssl read each part.
        var text = await File.ReadAllTextAsync(body);
        var parts = text.Split("--" + ServerKeyGenResponse.Boundary).Skip(1).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, parts.Count);
        var keyPart = parts.Single(p => p.Contains("Content-Type: application/pkcs8", StringComparison.Ordinal));
        var certPart = parts.Single(p => p.Contains("smime-type=certs-only", StringComparison.Ordinal));
        var keyB64 = RepoPaths.WriteText(host.Folder, "skg-key.b64", keyPart[(keyPart.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        var certB64 = RepoPaths.WriteText(host.Folder, "skg-cert.b64", certPart[(certPart.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]);
        await EnrollmentHost.Must("base64", "-d", "-in", keyB64, "-out", keyB64 + ".der");
        var keyPub = await Peer.OpenSslAsync("pkey", "-inform", "DER", "-in", keyB64 + ".der", "-pubout");
        Assert.True(keyPub.ExitCode == 0, keyPub.All);
        var certFile = RepoPaths.WriteText(host.Folder, "skg-cert.pem", await EnrollmentHost.PrintCertsAsync(certB64));
        var certPub = await Peer.OpenSslAsync("x509", "-in", certFile, "-noout", "-pubkey");
        Assert.Equal(certPub.StdOut.Trim(), keyPub.StdOut.Trim());

        // The server kept nothing: its key store is empty and the destruction is journaled.
        Assert.Empty(host.Backend.ServerKeys.Labels);
        var serial = Certificate.FromPem(await File.ReadAllTextAsync(certFile)).SerialNumber.Hex;
        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "enroll.server-key-destroyed" && e.GetProperty("summary").GetString()!.Contains(serial, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Csrattrs_is_DER_that_openssl_asn1parse_reads() // RFC 7030 §4.5
    {
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/csrattrs");
        Assert.True(status == 200, curl.All);
        await EnrollmentHost.Must("base64", "-d", "-in", body, "-out", body + ".der");
        var parsed = await Peer.OpenSslAsync("asn1parse", "-inform", "DER", "-in", body + ".der");
        Assert.True(parsed.ExitCode == 0, parsed.All);
        Assert.Contains("ecdsa-with-SHA256", parsed.StdOut, StringComparison.Ordinal);
        Assert.Contains("prime256v1", parsed.StdOut, StringComparison.Ordinal);
        Assert.Contains("serialNumber", parsed.StdOut, StringComparison.Ordinal);
    }

    private async Task<JsonElement> WaitForEntityAsync(string id, Func<JsonElement, bool> condition)
    {
        // The projection follows the journal in the background: poll the API (bounded) until it shows the entity.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            var response = await host.Api.GetAsync($"/api/entities/{id}", cts.Token);
            if (response.IsSuccessStatusCode && await response.Content.ReadFromJsonAsync<JsonElement>(cts.Token) is var e && condition(e)) return e;
        }
        while (await poll.WaitForNextTickAsync(cts.Token));
        throw new TimeoutException(id);
    }
}

/// <summary>Enrolled certificates live under the plant's revocation like any other.</summary>
[Collection(EnrollmentHostGroup.Name)]
public sealed class EstRevocationTests(EnrollmentHost host)
{
    [Fact]
    public async Task A_revoked_enrolled_certificate_can_no_longer_re_enroll()
    {
        var subject = "/CN=pump-jada-0099/serialNumber=JADA-0099";
        var (key, csr) = await host.OpenSslCsrAsync(subject);
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/simpleenroll", host.Revocable.Cert, host.Revocable.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));
        var enrolled = RepoPaths.WriteText(host.Folder, "revocable.pem", await EnrollmentHost.PrintCertsAsync(body));
        var serial = Certificate.FromPem(await File.ReadAllTextAsync(enrolled)).SerialNumber.Hex;

        // The operator revokes it through the API: the issuing CA puts it on a new CRL at once.
        await WaitForHolderAsync("est-jada-0099", serial);
        using var revoke = await host.Api.PostAsJsonAsync("/api/entities/est-jada-0099/revoke", new { reason = "keyCompromise", serial });
        Assert.True(revoke.IsSuccessStatusCode, await revoke.Content.ReadAsStringAsync());

        var (_, recsr) = await host.OpenSslCsrAsync(subject);
        Assert.Contains("Revoked", await host.RefusedAsync(401, "/.well-known/est/simplereenroll", enrolled, key, recsr, EstPaths.Pkcs10MediaType), StringComparison.Ordinal);
    }

    private async Task WaitForHolderAsync(string id, string serial)
    {
        // The revocation path finds the certificate through the read model, which follows the journal: wait (bounded) until it shows it.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        do
        {
            var response = await host.Api.GetAsync($"/api/entities/{id}", cts.Token);
            if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(cts.Token)).Contains(serial, StringComparison.Ordinal)) return;
        }
        while (await poll.WaitForNextTickAsync(cts.Token));
    }
}
