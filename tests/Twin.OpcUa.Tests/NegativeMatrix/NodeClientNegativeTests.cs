using System.Text.Json;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.NegativeMatrix;

/// <summary>
/// The negative matrix, node-opcua's client against our server, all cases in one node process: what the client is told,
/// the code our server keeps (rejected list), and node-opcua's own verdict on the same certificate under the same trust.
/// </summary>
public sealed class NodeClientNegativeTests
{
    private sealed record Case(string Name, Fault Fault, string Policy = "Basic256Sha256", string? User = null, string? Password = null);

    private static readonly Case[] Cases =
    [
        new("good", Fault.None),
        new("untrusted", Fault.Untrusted),
        new("expired", Fault.Expired),
        new("not-yet-valid", Fault.NotYetValid),
        new("revoked", Fault.Revoked),
        new("issuer-revoked", Fault.IssuerRevoked),
        new("crl-missing", Fault.CrlMissing),
        new("wrong-uri", Fault.WrongApplicationUri),
        new("wrong-password", Fault.None, User: "operator", Password: "not-the-password"),
        new("policy-not-offered", Fault.None, Policy: "Aes256_Sha256_RsaPss"),
        new("sha1-basic256", Fault.None, Policy: "Basic256"),
        new("sha1-basic128rsa15", Fault.None, Policy: "Basic128Rsa15"),
    ];

    internal static async Task<Dictionary<string, JsonElement>> RunCasesAsync(string url, IEnumerable<object> cases)
    {
        var file = Path.Combine(RepoPaths.NewScratch("negative-clients"), "cases.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { cases }));
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "negative.js");
        var result = await Peer.RunAsync("node", [script, "clients", file], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromMinutes(4));
        Assert.True(result.ExitCode == 0, result.All);
        var line = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('['));
        return JsonDocument.Parse(line).RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.Clone());
    }

    // Part 4 §6.1.3 Table 106 (certificate faults), §5.6.2 (ApplicationUri), §5.6.3 (user token), Part 6 §6.7.4 (policy).
    [Fact]
    public async Task Node_opcua_client_is_refused_with_the_Part_4_codes_and_node_opcua_agrees_on_each_certificate()
    {
        var pki = MatrixPki.Shared;
        var rejected = new RejectionRecorder();
        var audit = new List<AuditEvent>();
        var sink = new AuditEventSink();
        sink.Raised += e => { lock (audit) audit.Add(e); };
        var options = TestPlant.Options with
        {
            Audit = sink,
            ApplicationUri = TestPki.ServerUri, Certificate = pki.OurServer.Certificate, CertificateValidator = pki.Validator(rejected),
            SecurityPolicyUris = [SecurityPolicies.Basic256Sha256, SecurityPolicies.Aes128Sha256RsaOaep],
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        var folder = RepoPaths.NewScratch("negative-client-certs");
        var serverPki = pki.NodePkiFolder("negative-server-side-pki");
        var clientPki = pki.NodePkiFolder("negative-client-side-pki");
        var cases = Cases.Select(c =>
        {
            var (cert, key) = MatrixPki.WritePem(pki.NodeClient[c.Fault], folder, c.Name);
            return new
            {
                name = c.Name, url = host.EndpointUrl, policy = c.Policy, mode = "SignAndEncrypt", cert, key, appUri = TestPki.NodeClientUri, clientPki, serverPki,
                user = c.User, password = c.Password, claimApplicationUri = c.Fault == Fault.WrongApplicationUri ? TestPki.NodeClientUri : null,
                serverCertificate = c.Policy == "Basic256Sha256" ? null : Convert.ToBase64String(pki.OurServer.Certificate.RawData),
            };
        }).ToList();

        var r = await RunCasesAsync(host.EndpointUrl, cases);

        var table = string.Join('\n', r.Values.Select(v => v.ToString()));
        // A service result node-opcua reports itself, or the code of the transport ERR it decoded (its client drops that one).
        string? Told(string name) => r[name].GetProperty("code").GetString() ?? r[name].GetProperty("transportError").GetString();
        string? NodeVerdict(string name) => r[name].GetProperty("verdict").GetString();
        uint[] Ours(Fault f) => [.. rejected.CodesFor(pki.NodeClient[f].Certificate)];
        Assert.True(r["good"].GetProperty("connected").GetBoolean(), table);
        Assert.Equal("Good", NodeVerdict("good"));
        foreach (var (name, fault, code) in new[]
        {
            ("untrusted", Fault.Untrusted, StatusCodes.BadCertificateUntrusted),
            ("expired", Fault.Expired, StatusCodes.BadCertificateTimeInvalid),
            ("not-yet-valid", Fault.NotYetValid, StatusCodes.BadCertificateTimeInvalid),
            ("revoked", Fault.Revoked, StatusCodes.BadCertificateRevoked),
            ("issuer-revoked", Fault.IssuerRevoked, StatusCodes.BadCertificateIssuerRevoked),
            ("crl-missing", Fault.CrlMissing, StatusCodes.BadCertificateRevocationUnknown),
        })
        {
            // Part 6 §6.7.4 / Part 4 §5.5.2: the client is told only that security checks failed; the reason stays on the server.
            Assert.True("BadSecurityChecksFailed" == Told(name), $"{name}: {table}");
            Assert.True(Ours(fault).SequenceEqual([code]), $"{name}: ours {string.Join(',', Ours(fault).Select(StatusCodes.NameOf))}");
            // node-opcua reports a revoked issuer as BadSecurityChecksFailed (its chain walk gives up on any issuer fault but
            // time and revocation-unknown); Part 4 Table 106 names BadCertificateIssuerRevoked, which is what we keep.
            var expectedNode = fault == Fault.IssuerRevoked ? "BadSecurityChecksFailed" : StatusCodes.NameOf(code);
            Assert.True(expectedNode == NodeVerdict(name), $"{name}: node-opcua says {NodeVerdict(name)}");
            // Part 5 §6.4.6 and §6.4.18 – §6.4.23: the refused channel and the certificate fault are both audited with the precise code.
            var events = EventsFor(pki.NodeClient[fault].Certificate);
            Assert.Contains(events, e => e.EventType == AuditEventTypes.AuditOpenSecureChannelEventType && !e.Status && e.StatusCode.Code == code);
            Assert.Contains(events, e => e.EventType == AuditEventTypes.ForCertificateFault(code) && !e.Status && e.StatusCode.Code == code);
        }
        // node-opcua's certificate manager does not look at URIs; CreateSession does (Part 4 §5.6.2).
        Assert.Equal("Good", NodeVerdict("wrong-uri"));
        Assert.Equal("BadCertificateUriInvalid", Told("wrong-uri"));
        Assert.Equal([StatusCodes.BadCertificateUriInvalid], Ours(Fault.WrongApplicationUri));
        Assert.Equal("BadUserAccessDenied", Told("wrong-password"));
        Assert.Equal("BadSecurityPolicyRejected", Told("policy-not-offered"));
        Assert.Equal("BadSecurityPolicyRejected", Told("sha1-basic256"));
        Assert.Equal("BadSecurityPolicyRejected", Told("sha1-basic128rsa15"));
        Assert.Equal(0, host.SessionCount);

        Assert.Equal(AuditEventTypes.AuditCertificateUntrustedEventType, AuditEventTypes.ForCertificateFault(StatusCodes.BadCertificateUntrusted));
        Assert.Equal(AuditEventTypes.AuditCertificateExpiredEventType, AuditEventTypes.ForCertificateFault(StatusCodes.BadCertificateTimeInvalid));
        Assert.Equal(AuditEventTypes.AuditCertificateRevokedEventType, AuditEventTypes.ForCertificateFault(StatusCodes.BadCertificateRevocationUnknown));
        var good = EventsFor(pki.NodeClient[Fault.None].Certificate);
        Assert.Contains(good, e => e.EventType == AuditEventTypes.AuditOpenSecureChannelEventType && e.Status && e.SecurityPolicyUri == SecurityPolicies.Basic256Sha256);
        Assert.Contains(good, e => e.EventType == AuditEventTypes.AuditCreateSessionEventType && e.Status && e.SessionId is not null);
        Assert.Contains(good, e => e.EventType == AuditEventTypes.AuditActivateSessionEventType && e.Status);
        // Part 4 §5.6.2: the ApplicationUri mismatch is a failed CreateSession and a certificate data mismatch.
        var wrongUri = EventsFor(pki.NodeClient[Fault.WrongApplicationUri].Certificate);
        Assert.Contains(wrongUri, e => e.EventType == AuditEventTypes.AuditCreateSessionEventType && !e.Status && e.StatusCode.Code == StatusCodes.BadCertificateUriInvalid);
        Assert.Contains(wrongUri, e => e.EventType == AuditEventTypes.AuditCertificateDataMismatchEventType && e.StatusCode.Code == StatusCodes.BadCertificateUriInvalid);
        // Part 4 §5.6.3: a wrong password is a failed ActivateSession naming the user.
        Assert.Contains(good, e => e.EventType == AuditEventTypes.AuditActivateSessionEventType && !e.Status && e.StatusCode.Code == StatusCodes.BadUserAccessDenied && e.ClientUserId == "operator");
        // Part 4 §5.5.2: a policy the server does not offer (SHA-1 included) is a failed OpenSecureChannel.
        foreach (var policy in new[] { SecurityPolicies.Aes256Sha256RsaPss, SecurityPolicies.Basic256, SecurityPolicies.Basic128Rsa15 })
            Assert.Contains(good, e => e.EventType == AuditEventTypes.AuditOpenSecureChannelEventType && !e.Status && e.SecurityPolicyUri == policy && e.StatusCode.Code == StatusCodes.BadSecurityPolicyRejected);

        List<AuditEvent> EventsFor(System.Security.Cryptography.X509Certificates.X509Certificate2 c)
        {
            lock (audit) return [.. audit.Where(e => e.Certificate is { } der && der.AsSpan().SequenceEqual(c.RawData))];
        }
    }
}
