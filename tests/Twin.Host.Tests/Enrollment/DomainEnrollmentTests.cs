using System.Net.Http.Json;
using System.Text.Json;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// The enrollment TLS listener and the operator domain's registrar together: EST into domain "line" is decided by its registrar
/// (allow-list, template, issuing CA) and audited in its trail; CMP to the same domain travels over the same TLS listener.
/// curl and openssl are the clients, openssl judges the certificates.
/// </summary>
[Collection(EnrollmentHostGroup.Name)]
public sealed class DomainEnrollmentTests(EnrollmentHost host)
{
    [Fact] // RFC 7030 §4.2.1 into a registrar domain: the domain's allow-list admits the IDevID, the domain's audit trail records it
    public async Task Simpleenroll_into_a_registrar_domain_is_audited_there_and_the_device_becomes_an_entity()
    {
        var (key, csr) = await host.OpenSslCsrAsync("/CN=line-pump-1");
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/line/simpleenroll", host.Allowed.Cert, host.Allowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));
        var enrolled = RepoPaths.WriteText(host.Folder, "line-pump-1.pem", await EnrollmentHost.PrintCertsAsync(body));
        var issuing = RepoPaths.WriteText(host.Folder, "line-issuing.pem", (await host.Backend.CaCertificatesAsync(host.Backend.FindDomain("ca-issuing")!, CancellationToken.None))[0].ToPem());
        var verify = await Peer.OpenSslAsync("verify", "-CAfile", host.RootPem, "-untrusted", issuing, enrolled);
        Assert.True(verify.ExitCode == 0, verify.All);
        var certificate = Certificate.FromPem(await File.ReadAllTextAsync(enrolled));
        var serial = certificate.SerialNumber.Hex;

        var audit = await host.AuditAsync("line");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "est:simpleenroll" && d.GetProperty("verdict").GetString() == "granted"
            && d.GetProperty("who").GetString()!.StartsWith("idevid:", StringComparison.Ordinal) && d.GetProperty("reason").GetString()!.Contains(serial, StringComparison.Ordinal));
        // The holder is an entity of the twin (the read model follows the journal), and the journal says how it enrolled.
        await CmpTwinFixture.UntilAsync(async () => (await host.Api.GetAsync("/api/entities/line.line-pump-1")).IsSuccessStatusCode);
        var entity = await host.Api.GetFromJsonAsync<JsonElement>("/api/entities/line.line-pump-1");
        Assert.Equal(serial, entity.GetProperty("currentSerial").GetString());
        var all = await host.Api.GetFromJsonAsync<List<JsonElement>>("/api/entities");
        Assert.Contains(all!, e => e.GetProperty("id").GetString() == "line.line-pump-1");
        var events = await host.EventsAsync();
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "reg.enrolled" && e.GetProperty("summary").GetString()!.Contains(serial, StringComparison.Ordinal));

        // Re-enrollment with the domain certificate just issued: the registrar recognises it and keeps the holder.
        var (_, recsr) = await host.OpenSslCsrAsync("/CN=line-pump-1");
        var (restatus, rebody, recurl) = await host.CurlAsync("/.well-known/est/line/simplereenroll", enrolled, key, recsr, EstPaths.Pkcs10MediaType);
        Assert.True(restatus == 200, EnrollmentHost.Told(restatus, rebody, recurl));
        var renewed = Certificate.FromPem(await EnrollmentHost.PrintCertsAsync(rebody));
        Assert.NotEqual(certificate.SerialNumber, renewed.SerialNumber);
        await CmpTwinFixture.UntilAsync(async () =>
            (await host.Api.GetFromJsonAsync<JsonElement>("/api/entities/line.line-pump-1")).GetProperty("currentSerial").GetString() == renewed.SerialNumber.Hex);
        Assert.Contains(await host.AuditAsync("line"), d => d.GetProperty("what").GetString() == "est:simplereenroll" && d.GetProperty("verdict").GetString() == "granted"
            && d.GetProperty("who").GetString()!.StartsWith("cert:", StringComparison.Ordinal));
    }

    [Fact] // the domain's allow-list, not the listener's: an IDevID it does not admit is refused, audited in the domain, nothing issued
    public async Task An_IDevID_off_the_domain_allow_list_is_refused_and_the_refusal_is_in_the_domain_audit_trail()
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=line-intruder");
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/line/simpleenroll", host.NotAllowed.Cert, host.NotAllowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 403, EnrollmentHost.Told(status, body, curl));
        Assert.Contains("allow-listed IDevID", await File.ReadAllTextAsync(body), StringComparison.Ordinal);
        var audit = await host.AuditAsync("line");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "est:simpleenroll" && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("failure").GetString() == "signerNotTrusted" && d.GetProperty("who").GetString()!.Contains("OTHER-0009", StringComparison.Ordinal));
        Assert.False((await host.Api.GetAsync("/api/entities/line.line-intruder")).IsSuccessStatusCode);

        // Without a client certificate the registrar refuses as well, and says so in the same trail.
        var (anonymous, anonymousBody, _) = await host.CurlAsync("/.well-known/est/line/simpleenroll", dataFile: csr, contentType: EstPaths.Pkcs10MediaType);
        Assert.Equal(401, anonymous);
        Assert.Contains("no TLS client certificate", await File.ReadAllTextAsync(anonymousBody), StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync("line"), d => d.GetProperty("what").GetString() == "est:simpleenroll" && d.GetProperty("who").GetString()!.StartsWith("unauthenticated:", StringComparison.Ordinal));
    }

    [Fact] // refusals the endpoints decide before the registrar is asked still land in the domain's one decision journal
    public async Task Refusals_decided_before_the_registrar_is_asked_are_in_the_domain_audit_trail()
    {
        var (_, csr) = await host.OpenSslCsrAsync("/CN=line-early-refusals");
        var wrongType = await host.CurlAsync("/.well-known/est/line/simpleenroll", host.Allowed.Cert, host.Allowed.Key, csr, "text/plain");
        Assert.True(wrongType.Status == 415, wrongType.Curl.All);

        var garbage = RepoPaths.WriteText(host.Folder, "not-base64.txt", "this is %%% not base64 at all");
        var malformed = await host.CurlAsync("/.well-known/est/line/simpleenroll", host.Allowed.Cert, host.Allowed.Key, garbage, EstPaths.Pkcs10MediaType);
        Assert.True(malformed.Status == 400, malformed.Curl.All);
        var notDer = RepoPaths.WriteText(host.Folder, "not-der.b64", Convert.ToBase64String("not a PKCS#10 request"u8.ToArray()));
        var badDer = await host.CurlAsync("/.well-known/est/line/simpleenroll", host.Allowed.Cert, host.Allowed.Key, notDer, EstPaths.Pkcs10MediaType);
        Assert.True(badDer.Status == 400, badDer.Curl.All);

        var big = Path.Combine(host.Folder, "oversized.b64");
        await File.WriteAllTextAsync(big, new string('A', EstCodec.MaxBodyBytes + 4096));
        var oversized = await host.CurlAsync("/.well-known/est/line/simpleenroll", host.Allowed.Cert, host.Allowed.Key, big, EstPaths.Pkcs10MediaType);
        Assert.True(oversized.Status == 413, oversized.Curl.All);

        var unknown = await host.CurlAsync("/.well-known/est/line/enrollme", host.Allowed.Cert, host.Allowed.Key);
        Assert.True(unknown.Status == 404, unknown.Curl.All);

        var audit = await host.AuditAsync("line");
        bool Refused(string what, string failure, string because) => audit.Any(d => d.GetProperty("what").GetString() == what && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("failure").GetString() == failure && d.GetProperty("reason").GetString()!.Contains(because, StringComparison.Ordinal)
            && d.GetProperty("who").GetString()!.StartsWith("cert:", StringComparison.Ordinal) && d.GetProperty("who").GetString()!.Contains("JADA-0001", StringComparison.Ordinal));
        Assert.True(Refused("est:simpleenroll", "badRequest", "text/plain"), "wrong media type not in the domain trail");
        Assert.True(Refused("est:simpleenroll", "badDataFormat", "base64"), "malformed base64 not in the domain trail");
        Assert.True(Refused("est:simpleenroll", "badDataFormat", "malformed DER"), "malformed DER not in the domain trail");
        Assert.True(Refused("est:simpleenroll", "badRequest", $"{EstCodec.MaxBodyBytes}"), "oversized body not in the domain trail");
        Assert.True(Refused("est:enrollme", "badRequest", "names no EST operation"), "unknown operation not in the domain trail");
        // ... and not a second time in the general enrollment log: one decision journal per domain.
        var events = await host.EventsAsync();
        Assert.DoesNotContain(events, e => e.GetProperty("kind").GetString() == "enroll.decided" && e.GetProperty("summary").GetString()!.Contains("text/plain", StringComparison.Ordinal));
    }

    [Fact] // RFC 6712 over TLS, RFC 9483 §4.1.5: openssl cmp ir with a one-time secret from the API, trusting only the twin's root for TLS
    public async Task Openssl_cmp_ir_over_the_enrollment_TLS_listener_enrolls_with_a_one_time_secret()
    {
        var (reference, secret) = await host.OtpAsync("line");
        var key = Path.Combine(host.Folder, "cmp-tls.key");
        await EnrollmentHost.Must("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
        var cert = Path.Combine(host.Folder, "cmp-tls.pem");
        // The simulated clock runs at wall-clock speed from wall-clock now, so openssl judges the TLS chain at its own now (as curl does).
        var ir = await Peer.RunAsync("openssl", ["cmp", "-cmd", "ir", "-server", $"https://127.0.0.1:{host.Est.Port}/.well-known/cmp/p/line", "-tls_used", "-tls_trusted", host.RootPem,
            "-ref", reference, "-secret", $"pass:{secret}", "-recipient", "/CN=PlantTrust Registrar line", "-newkey", key, "-subject", "/CN=cmp-over-tls",
            "-certout", cert, "-msg_timeout", "20", "-total_timeout", "40"], workingDirectory: host.Folder, timeout: TimeSpan.FromSeconds(60));
        Assert.True(ir.ExitCode == 0, ir.All);
        var issued = Certificate.FromPem(await File.ReadAllTextAsync(cert));
        Assert.Equal("CN=cmp-over-tls", issued.Subject);
        Assert.Contains(await host.AuditAsync("line"), d => d.GetProperty("what").GetString() == "ir" && d.GetProperty("verdict").GetString() == "granted"
            && d.GetProperty("reason").GetString()!.Contains(issued.SerialNumber.Hex, StringComparison.Ordinal));

        // The TLS layer is real: a client that trusts another root does not get through to CMP at all.
        var foreign = await Peer.RunAsync("openssl", ["cmp", "-cmd", "ir", "-server", $"https://127.0.0.1:{host.Est.Port}/.well-known/cmp/p/line", "-tls_used", "-tls_trusted", host.ManufacturerPem,
            "-ref", reference, "-secret", $"pass:{secret}", "-recipient", "/CN=PlantTrust Registrar line", "-newkey", key, "-subject", "/CN=cmp-over-tls-2",
            "-certout", Path.Combine(host.Folder, "cmp-tls-2.pem"), "-msg_timeout", "20", "-total_timeout", "40"], workingDirectory: host.Folder, timeout: TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, foreign.ExitCode);
        Assert.False(File.Exists(Path.Combine(host.Folder, "cmp-tls-2.pem")));
    }
}
