using System.Net.Http.Json;
using System.Text.Json;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// EST in, CMP out (RFC 7030 to RFC 9483 §5.2): domain "remote" is in RA mode; its registrar judges the EST client and the request,
/// then forwards a p10cr signed with its own CMP certificate to openssl's mock CMP server, which checks that signature against the
/// twin's root. curl is the EST client; openssl reads the certs-only answer.
/// </summary>
[Collection(EnrollmentHostGroup.Name)]
public sealed class EstRaModeTests(EnrollmentHost host)
{
    [Fact]
    public async Task Simpleenroll_into_an_RA_domain_is_forwarded_upstream_as_signed_CMP_and_the_upstream_certificate_comes_back()
    {
        // The mock hands out one fixed certificate: ask for exactly its key, so the certificate is the one requested.
        var (_, csr) = await host.OpenSslCsrAsync(UpstreamMock.DeviceSubject, host.Upstream.DeviceKey);
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/remote/simpleenroll", host.Allowed.Cert, host.Allowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 200, EnrollmentHost.Told(status, body, curl));
        var received = RepoPaths.WriteText(host.Folder, "remote-device.pem", await EnrollmentHost.PrintCertsAsync(body));
        var shown = await Peer.OpenSslAsync("x509", "-in", received, "-noout", "-issuer", "-serial");
        Assert.Contains("Upstream Mock CA", shown.StdOut, StringComparison.Ordinal);
        Assert.Contains("serial=77", shown.StdOut, StringComparison.Ordinal);
        var same = await Peer.OpenSslAsync("x509", "-in", host.Upstream.DeviceCert, "-noout", "-fingerprint", "-sha256");
        var got = await Peer.OpenSslAsync("x509", "-in", received, "-noout", "-fingerprint", "-sha256");
        Assert.Equal(same.StdOut, got.StdOut); // relayed unchanged

        var audit = await host.AuditAsync("remote");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "est:simpleenroll" && d.GetProperty("verdict").GetString() == "forwarded"
            && d.GetProperty("who").GetString()!.StartsWith("idevid:", StringComparison.Ordinal) && d.GetProperty("reason").GetString()!.Contains("p10cr", StringComparison.Ordinal));
        await CmpTwinFixture.UntilAsync(async () => (await host.Api.GetAsync("/api/entities/remote.upstream-device")).IsSuccessStatusCode);
        var entity = await host.Api.GetFromJsonAsync<JsonElement>("/api/entities/remote.upstream-device");
        Assert.Equal("77", entity.GetProperty("currentSerial").GetString());
    }

    [Fact] // the RA vouches for the key it checked: an upstream certificate for another key is refused, rejected upstream and audited
    public async Task An_upstream_certificate_for_another_key_is_refused_and_audited()
    {
        var (_, csr) = await host.OpenSslCsrAsync(UpstreamMock.DeviceSubject); // a fresh key: the mock's fixed certificate does not certify it
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/remote/simpleenroll", host.Allowed.Cert, host.Allowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 502, EnrollmentHost.Told(status, body, curl));
        var text = await File.ReadAllTextAsync(body);
        Assert.Contains("certifies public key", text, StringComparison.Ordinal);
        Assert.Contains("rejected upstream with certConf", text, StringComparison.Ordinal);
        Assert.Contains(await host.AuditAsync("remote"), d => d.GetProperty("what").GetString() == "est:simpleenroll" && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("failure").GetString() == "badCertTemplate" && d.GetProperty("reason").GetString()!.Contains("certifies public key", StringComparison.Ordinal));
    }

    [Fact] // still judged locally first: an IDevID off the domain's allow-list never reaches the upstream
    public async Task A_client_the_RA_domain_does_not_admit_is_refused_before_anything_is_forwarded()
    {
        var (_, csr) = await host.OpenSslCsrAsync(UpstreamMock.DeviceSubject, host.Upstream.DeviceKey);
        var (status, body, curl) = await host.CurlAsync("/.well-known/est/remote/simpleenroll", host.NotAllowed.Cert, host.NotAllowed.Key, csr, EstPaths.Pkcs10MediaType);
        Assert.True(status == 403, EnrollmentHost.Told(status, body, curl));
        var audit = await host.AuditAsync("remote");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "est:simpleenroll" && d.GetProperty("verdict").GetString() == "refused"
            && d.GetProperty("who").GetString()!.Contains("OTHER-0009", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, d => d.GetProperty("who").GetString()!.Contains("OTHER-0009", StringComparison.Ordinal) && d.GetProperty("verdict").GetString() == "forwarded");
    }
}
