using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Server;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Gds;

/// <summary>
/// Push certificate management (OPC 10000-12 §7.10) on our server, driven by node-opcua's client through the standard
/// NodeIds: CreateSigningRequest → our CA signs → UpdateCertificate → ApplyChanges → a new client meets the new
/// certificate; access control; the TrustList file read and parsed by node-opcua.
/// </summary>
public sealed class PushManagementTests
{
    private static ServerOptions Options(ConcurrentQueue<AuditEvent> audit)
    {
        var sink = new AuditEventSink();
        sink.Raised += audit.Enqueue;
        return TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(), Audit = sink,
            Users =
            [
                new UserAccount("admin", "admin-secret", new HashSet<string> { Roles.SecurityAdmin }),
                new UserAccount("operator", "op-secret", new HashSet<string> { Roles.Operator }),
            ],
        };
    }

    private static string ClientFolder()
    {
        var folder = RepoPaths.NewScratch("node-push-client");
        TestPki.WritePem(TestPki.Shared.NodeClient, folder, "client");
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "certs"));
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "crl"));
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
        return folder;
    }

    private static async Task<JsonElement> PushAsync(string step, string url, string mode, string folder, string user, string password, params string[] extra)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "push.js");
        var result = await Peer.RunAsync("node", [script, step, url, mode, folder, user, password, .. extra], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))).RootElement;
    }

    // Part 12 §7.10.7 CreateSigningRequest, §7.10.4 UpdateCertificate, §7.10.6 ApplyChanges.
    [Fact]
    public async Task Node_opcua_renews_our_server_certificate_through_a_signing_request_and_sees_it_after_reconnecting()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));
        var folder = ClientFolder();
        var old = host.Certificate!.RawData;

        var csr = await PushAsync("csr", host.EndpointUrl, "SignAndEncrypt", folder, "admin", "admin-secret");
        Assert.Equal("Good", csr.GetProperty("status").GetString());
        var request = CertificationRequest.FromDer(Convert.FromBase64String(csr.GetProperty("csr").GetString()!));
        Assert.True(request.IsSignatureValid);
        Assert.Contains(TestPki.ServerUri, request.RequestedUris);
        Assert.False(host.ServerConfiguration.HasStagedChanges);

        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var issued = TestPki.Shared.Ca.Issue(request, CertificateProfile.OpcUaApplication, start, start.AddDays(90), r => r with { IpAddresses = [IPAddress.Loopback] });
        var file = Path.Combine(folder, "renewed.der");
        File.WriteAllBytes(file, issued.GetDer());
        var update = await PushAsync("update", host.EndpointUrl, "SignAndEncrypt", folder, "admin", "admin-secret", file);

        Assert.Equal("Good", update.GetProperty("update").GetString());
        Assert.True(update.GetProperty("applyChangesRequired").GetBoolean());
        Assert.Equal("Good", update.GetProperty("apply").GetString());
        var fresh = Convert.ToBase64String(issued.GetDer());
        Assert.NotEqual(Convert.ToBase64String(old), fresh);
        Assert.Equal(fresh, Convert.ToBase64String(host.Certificate!.RawData));
        var advertised = update.GetProperty("endpointCertificates").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.NotEmpty(advertised);
        Assert.All(advertised, c => Assert.Equal(fresh, c));
        Assert.Equal(fresh, update.GetProperty("sessionCertificate").GetString());
        Assert.Equal(21.5, update.GetProperty("read").GetDouble());
        Assert.Contains(audit, e => e.EventType == GdsIds.CertificateUpdatedAuditEventType && e.Status);
    }

    // Part 12 §7.10.3: only a SecurityAdmin over an encrypted channel may manage certificates.
    [Theory]
    [InlineData("operator", "op-secret", "SignAndEncrypt", "BadUserAccessDenied")]
    [InlineData("admin", "admin-secret", "Sign", "BadSecurityModeInsufficient")]
    public async Task Certificate_management_is_refused_to_others(string user, string password, string mode, string expected)
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));

        var r = await PushAsync("csr", host.EndpointUrl, mode, ClientFolder(), user, password);

        Assert.Equal(expected, r.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("csr").ValueKind);
    }

    // Part 12 §7.8.2: the TrustList is a file holding a UA Binary TrustListDataType; node-opcua's decoder reads ours.
    [Fact]
    public async Task Node_opcua_reads_and_parses_our_trust_list_file()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));

        var r = await PushAsync("trustlist", host.EndpointUrl, "SignAndEncrypt", ClientFolder(), "admin", "admin-secret");

        Assert.Equal("Good", r.GetProperty("status").GetString());
        Assert.Equal("Good", r.GetProperty("close").GetString());
        Assert.Equal(r.GetProperty("total").GetInt32(), r.GetProperty("consumed").GetInt32());
        Assert.Equal(15u, r.GetProperty("specifiedLists").GetUInt32());
        Assert.Equal([Convert.ToBase64String(TestPki.Shared.Ca.Certificate.GetDer())], r.GetProperty("trusted").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal([Convert.ToBase64String(TestPki.Shared.Crl)], r.GetProperty("trustedCrls").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Empty(r.GetProperty("issuers").EnumerateArray());
    }
}
