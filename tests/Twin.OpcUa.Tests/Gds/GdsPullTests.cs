using System.Collections.Concurrent;
using System.Text.Json;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Server;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Gds;

/// <summary>
/// The GDS pull server (OPC 10000-12 §7.9) on our server, driven by node-opcua's client through the standard identifiers of the
/// GDS namespace: registration, a signing request openssl made, FinishRequest pending then done, the TrustList file,
/// a key pair made by the GDS, certificate status, revocation and access control. openssl judges what was issued.
/// </summary>
public sealed class GdsPullTests
{
    private const string PeaUri = "urn:planttrust:test:pea";

    private static ServerOptions Options(AuditEventSink audit) => TestPlant.Options with
    {
        ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(), Audit = audit,
        Users =
        [
            new UserAccount("gds-admin", "admin-secret", new HashSet<string> { GdsRoles.DiscoveryAdmin, GdsRoles.CertificateAuthorityAdmin }),
            new UserAccount("operator", "op-secret", new HashSet<string> { Roles.Operator }),
        ],
    };

    private static string ClientFolder()
    {
        var folder = RepoPaths.NewScratch("node-gds-client");
        TestPki.WritePem(TestPki.Shared.NodeClient, folder, "client");
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "certs"));
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "crl"));
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
        File.WriteAllText(Path.Combine(folder, "ca.pem"), TestPki.Shared.Ca.Certificate.ToPem());
        return folder;
    }

    private static async Task<JsonElement> RunAsync(string step, string url, string mode, string folder, string user, string password, params string[] extra)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "gds-pull.js");
        var result = await Peer.RunAsync("node", [script, step, url, mode, folder, user, password, PeaUri, .. extra], Path.Combine(RepoPaths.Root, "tests", "peers"),
            TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))).RootElement;
    }

    private static async Task<string> OpenSsl(params string[] args)
    {
        var r = await Peer.OpenSslAsync(args);
        Assert.True(r.ExitCode == 0, $"openssl {string.Join(' ', args)}: {r.All}");
        return r.StdOut;
    }

    // Part 12 §7.9.3 RegisterApplication, §7.9.8 StartSigningRequest, §7.9.11 FinishRequest, §7.9.13 GetTrustList,
    // §7.9.9 StartNewKeyPairRequest, §7.9.14 GetCertificateStatus, §7.9.15 RevokeCertificate.
    [Fact]
    public async Task Node_opcua_pulls_a_certificate_for_an_openssl_request_and_reads_the_trust_list()
    {
        var audit = new AuditEventSink();
        var events = new ConcurrentQueue<AuditEvent>();
        audit.Raised += events.Enqueue;
        var backend = new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: true);
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));
        var gds = new GdsDirectory(host, backend);
        var folder = ClientFolder();
        await OpenSsl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(folder, "pea.key"), "-subj", "/CN=PEA under test/O=PlantTrust",
            "-addext", $"subjectAltName=URI:{PeaUri},DNS:localhost", "-outform", "DER", "-out", Path.Combine(folder, "pea.csr"));

        var r = await RunAsync("pull", host.EndpointUrl, "SignAndEncrypt", folder, "gds-admin", "admin-secret", Path.Combine(folder, "pea.csr"));

        Assert.Equal(gds.NamespaceIndex, r.GetProperty("ns").GetInt32());
        Assert.Equal("Good", r.GetProperty("register").GetString());
        Assert.True(r.GetProperty("registerAgainSameId").GetBoolean());
        var found = Assert.Single(r.GetProperty("found").EnumerateArray());
        Assert.Equal(PeaUri, found.GetProperty("applicationUri").GetString());
        Assert.Equal(r.GetProperty("applicationId").GetString(), found.GetProperty("applicationId").GetString());
        Assert.Equal(["PEA under test"], found.GetProperty("applicationNames").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.True(found.GetProperty("consumed").GetBoolean());
        Assert.Equal($"ns={gds.NamespaceIndex};i=134", found.GetProperty("encoding").GetString());
        Assert.Equal("urn:planttrust:test:pea", r.GetProperty("got").GetProperty("productUri").GetString());
        Assert.Equal([$"ns={gds.NamespaceIndex};i=615"], r.GetProperty("groups").EnumerateArray().Select(e => e.GetString()!).ToArray());

        // Signing waits for the trust list to be read, so the first FinishRequest meets a pending request.
        Assert.Equal("Good", r.GetProperty("start").GetString());
        Assert.Equal("BadNothingToDo", r.GetProperty("firstFinish").GetString());
        Assert.Equal($"ns={gds.NamespaceIndex};i=616", r.GetProperty("trustListId").GetString());
        var list = r.GetProperty("trustList");
        Assert.Equal("Good", list.GetProperty("open").GetString());
        Assert.Equal("BadNotWritable", list.GetProperty("openForWriting").GetString());
        Assert.True(list.GetProperty("consumed").GetBoolean());
        Assert.Equal(15u, list.GetProperty("specifiedLists").GetUInt32());
        Assert.Equal([Convert.ToBase64String(TestPki.Shared.Ca.Certificate.GetDer())], list.GetProperty("trusted").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal([Convert.ToBase64String(TestPki.Shared.Crl)], list.GetProperty("trustedCrls").EnumerateArray().Select(e => e.GetString()!).ToArray());

        Assert.Equal("Good", r.GetProperty("finish").GetString());
        Assert.Equal(0, r.GetProperty("privateKeyLength").GetInt32());
        Assert.Equal([Convert.ToBase64String(TestPki.Shared.Ca.Certificate.GetDer())], r.GetProperty("issuers").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("BadInvalidArgument", r.GetProperty("finishAgain").GetString());
        Assert.False(r.GetProperty("updateRequiredAfterIssue").GetBoolean());

        // openssl: the certificate chains to the CA and certifies the key openssl made.
        var issuedPem = Path.Combine(folder, "issued.pem");
        await OpenSsl("x509", "-inform", "DER", "-in", Path.Combine(folder, "issued.der"), "-out", issuedPem);
        Assert.Contains(": OK", await OpenSsl("verify", "-CAfile", Path.Combine(folder, "ca.pem"), issuedPem), StringComparison.Ordinal);
        Assert.Equal(await OpenSsl("pkey", "-in", Path.Combine(folder, "pea.key"), "-pubout"), await OpenSsl("x509", "-in", issuedPem, "-pubkey", "-noout"));
        Assert.Contains(PeaUri, await OpenSsl("x509", "-in", issuedPem, "-noout", "-ext", "subjectAltName"), StringComparison.Ordinal);

        // The key pair the GDS made: delivered once as PKCS#8 PEM that belongs to the certificate, then gone.
        Assert.Equal("Good", r.GetProperty("newKeyFinish").GetString());
        Assert.Equal("BadInvalidArgument", r.GetProperty("newKeyFinishAgain").GetString());
        var newPem = Path.Combine(folder, "newkey-cert.pem");
        await OpenSsl("x509", "-inform", "DER", "-in", Path.Combine(folder, "newkey.der"), "-out", newPem);
        Assert.Contains(": OK", await OpenSsl("verify", "-CAfile", Path.Combine(folder, "ca.pem"), newPem), StringComparison.Ordinal);
        Assert.Equal(await OpenSsl("pkey", "-in", Path.Combine(folder, "newkey.pem"), "-pubout"), await OpenSsl("x509", "-in", newPem, "-pubkey", "-noout"));
        Assert.Contains("DNS:localhost", await OpenSsl("x509", "-in", newPem, "-noout", "-ext", "subjectAltName"), StringComparison.Ordinal);
        Assert.Equal(0, gds.PendingRequests);

        // Revocation goes to the backend; the application then needs a new certificate.
        Assert.Equal("Good", r.GetProperty("revoke").GetString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "newkey.der")), Assert.Single(backend.Revoked));
        Assert.True(r.GetProperty("updateRequiredAfterRevoke").GetBoolean());
        Assert.Equal("Good", r.GetProperty("unregister").GetString());
        Assert.Equal("BadNotFound", r.GetProperty("getAfterUnregister").GetString());
        Assert.Empty(gds.Applications);

        var ns = gds.NamespaceIndex;
        Assert.Contains(events, e => e.EventType == GdsDirectoryIds.At(GdsDirectoryIds.CertificateRequestedAuditEventType, ns) && e.Status);
        Assert.Contains(events, e => e.EventType == GdsDirectoryIds.At(GdsDirectoryIds.CertificateDeliveredAuditEventType, ns) && e.Status);
        Assert.Contains(events, e => e.EventType == GdsDirectoryIds.At(GdsDirectoryIds.CertificateRevokedAuditEventType, ns) && e.Status);
        Assert.Contains(events, e => e.EventType == GdsDirectoryIds.At(GdsDirectoryIds.ApplicationRegistrationChangedAuditEventType, ns));
    }

    // Part 12 §7.9.9: a key the GDS makes comes back protected by the password given, as PFX or encrypted PKCS#8 PEM.
    [Fact]
    public async Task Keys_made_by_the_GDS_come_as_password_protected_PFX_and_PEM_that_openssl_opens()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(new AuditEventSink()));
        var gds = new GdsDirectory(host, new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false));
        var folder = ClientFolder();

        var r = await RunAsync("keypairs", host.EndpointUrl, "SignAndEncrypt", folder, "gds-admin", "admin-secret");

        Assert.Equal("Good", r.GetProperty("pfx").GetString());
        Assert.Equal("Good", r.GetProperty("pem").GetString());
        Assert.Equal("BadInvalidArgument", r.GetProperty("unknownFormat").GetString());
        Assert.Equal(0, gds.PendingRequests);
        var pfxKey = await OpenSsl("pkcs12", "-in", Path.Combine(folder, "key.pfx"), "-passin", "pass:pfx-secret", "-nocerts", "-nodes");
        var pfxCert = await OpenSsl("pkcs12", "-in", Path.Combine(folder, "key.pfx"), "-passin", "pass:pfx-secret", "-clcerts", "-nokeys");
        File.WriteAllText(Path.Combine(folder, "pfx-key.pem"), pfxKey);
        File.WriteAllText(Path.Combine(folder, "pfx-cert.pem"), pfxCert);
        var pfxDelivered = Path.Combine(folder, "pfx-delivered.pem");
        await OpenSsl("x509", "-inform", "DER", "-in", Path.Combine(folder, "key-pfx.der"), "-out", pfxDelivered);
        Assert.Equal(await OpenSsl("x509", "-in", pfxDelivered, "-fingerprint", "-noout"), await OpenSsl("x509", "-in", Path.Combine(folder, "pfx-cert.pem"), "-fingerprint", "-noout"));
        Assert.Equal(await OpenSsl("pkey", "-in", Path.Combine(folder, "pfx-key.pem"), "-pubout"), await OpenSsl("x509", "-in", pfxDelivered, "-pubkey", "-noout"));

        Assert.Contains("ENCRYPTED PRIVATE KEY", File.ReadAllText(Path.Combine(folder, "key.pem")), StringComparison.Ordinal);
        var wrong = await Peer.OpenSslAsync("pkey", "-in", Path.Combine(folder, "key.pem"), "-passin", "pass:wrong", "-pubout");
        Assert.NotEqual(0, wrong.ExitCode);
        var pemDelivered = Path.Combine(folder, "pem-delivered.pem");
        await OpenSsl("x509", "-inform", "DER", "-in", Path.Combine(folder, "key-pem.der"), "-out", pemDelivered);
        Assert.Equal(await OpenSsl("pkey", "-in", Path.Combine(folder, "key.pem"), "-passin", "pass:pem-secret", "-pubout"), await OpenSsl("x509", "-in", pemDelivered, "-pubkey", "-noout"));
        var names = await OpenSsl("x509", "-in", pemDelivered, "-noout", "-ext", "subjectAltName");
        Assert.Contains("DNS:pea-1.plant.example", names, StringComparison.Ordinal);
        Assert.Contains("IP Address:127.0.0.1", names, StringComparison.Ordinal);
        Assert.Contains("URI:" + PeaUri, names, StringComparison.Ordinal);
    }

    // Part 12 §7.9.3 / §9: registering takes DiscoveryAdmin (or the application's own certificate); FinishRequest needs encryption.
    [Theory]
    [InlineData("register", "operator", "op-secret", "SignAndEncrypt", "status", "BadUserAccessDenied")]
    [InlineData("register", "gds-admin", "admin-secret", "None", "status", "BadSecurityModeInsufficient")]
    [InlineData("finish", "gds-admin", "admin-secret", "Sign", "finish", "BadSecurityModeInsufficient")]
    [InlineData("finish", "gds-admin", "admin-secret", "SignAndEncrypt", "finish", "BadInvalidArgument")]
    public async Task The_directory_refuses_callers_without_the_role_or_the_channel(string step, string user, string password, string mode, string field, string expected)
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(new AuditEventSink()));
        _ = new GdsDirectory(host, new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false));

        var r = await RunAsync(step, host.EndpointUrl, mode, ClientFolder(), user, password);

        Assert.Equal(expected, r.GetProperty(field).GetString());
    }

    // Part 12 §6.5.12 ApplicationRegistrationChangedAuditEventType, §7.9.12 CertificateRequested, §7.9.13 CertificateDelivered,
    // §7.9.14 CertificateRevoked: raised on the Server object (an EventNotifier), typed by the GDS namespace, with their fields.
    [Fact]
    public async Task Node_opcua_subscribes_to_the_GDS_audit_events_on_the_Server_object()
    {
        var backend = new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false);
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(new AuditEventSink()) with
        {
            Users = [new UserAccount("gds-auditor", "auditor-secret", new HashSet<string> { GdsRoles.DiscoveryAdmin, GdsRoles.CertificateAuthorityAdmin, Roles.SecurityAdmin })],
        });
        var gds = new GdsDirectory(host, backend);
        var folder = ClientFolder();
        await OpenSsl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", Path.Combine(folder, "pea.key"), "-subj", "/CN=PEA under test",
            "-addext", $"subjectAltName=URI:{PeaUri},DNS:localhost", "-outform", "DER", "-out", Path.Combine(folder, "pea.csr"));

        var r = await RunAsync("events", host.EndpointUrl, "SignAndEncrypt", folder, "gds-auditor", "auditor-secret", Path.Combine(folder, "pea.csr"));

        var ns = gds.NamespaceIndex;
        Assert.All(r.GetProperty("calls").EnumerateObject(), c => Assert.Equal("Good", c.Value.GetString()));
        var events = r.GetProperty("events").EnumerateArray().ToArray();
        JsonElement One(uint type, string method) => Assert.Single(events, e => e.GetProperty("eventType").GetString() == $"ns={ns};i={type}"
            && e.GetProperty("sourceName").GetString() == "Method/" + method);
        var registered = One(GdsDirectoryIds.ApplicationRegistrationChangedAuditEventType, "RegisterApplication");
        Assert.Equal($"ns={ns};i={GdsDirectoryIds.RegisterApplication}", registered.GetProperty("methodId").GetString());
        var requested = One(GdsDirectoryIds.CertificateRequestedAuditEventType, "StartSigningRequest");
        Assert.True(requested.GetProperty("status").GetBoolean());
        var delivered = One(GdsDirectoryIds.CertificateDeliveredAuditEventType, "FinishRequest");
        Assert.Equal($"ns={ns};i={GdsDirectoryIds.DefaultApplicationGroup}", delivered.GetProperty("certificateGroup").GetString());
        Assert.Equal("ns=0;i=12560", delivered.GetProperty("certificateType").GetString());
        Assert.Equal($"ns={ns};i={GdsDirectoryIds.FinishRequest}", delivered.GetProperty("methodId").GetString());
        Assert.True(One(GdsDirectoryIds.CertificateRevokedAuditEventType, "RevokeCertificate").GetProperty("status").GetBoolean());
        Assert.Single(events, e => e.GetProperty("sourceName").GetString() == "Method/UnregisterApplication");

        // They are audit events (AuditUpdateMethodEventType's subtypes): only sessions with an audit role receive them.
        Assert.All(new[] { GdsDirectoryIds.ApplicationRegistrationChangedAuditEventType, GdsDirectoryIds.CertificateRequestedAuditEventType,
            GdsDirectoryIds.CertificateDeliveredAuditEventType, GdsDirectoryIds.CertificateRevokedAuditEventType },
            t => Assert.True(Twin.OpcUa.Events.EventTypeTree.IsSubtypeOf(GdsDirectoryIds.At(t, ns), Twin.OpcUa.Events.EventTypeIds.AuditUpdateMethodEventType)));
    }
}
