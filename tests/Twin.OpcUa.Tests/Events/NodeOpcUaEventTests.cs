using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Server;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Events;

/// <summary>
/// Events on our server (Part 4 §5.12.1.5, §7.22.3; Part 5 §6.4; Part 12 §7.8.2.10, §7.10.11), seen by node-opcua's client:
/// audit events for a second session and for certificate and trust-list changes, an OfType where clause, the queue overflow event
/// and refused filters — decoded by node-opcua's own EventFieldList, EventFilterResult and status code tables.
/// </summary>
public sealed class NodeOpcUaEventTests
{
    private static ServerOptions Options(ConcurrentQueue<AuditEvent> audit)
    {
        var sink = new AuditEventSink();
        sink.Raised += audit.Enqueue;
        return TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(), Audit = sink,
            Users = [new UserAccount("admin", "admin-secret", new HashSet<string> { Roles.SecurityAdmin })],
        };
    }

    private static string ClientFolder()
    {
        var folder = RepoPaths.NewScratch("node-events-client");
        TestPki.WritePem(TestPki.Shared.NodeClient, folder, "client");
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "certs"));
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "crl"));
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
        return folder;
    }

    private static async Task<JsonElement> EventsAsync(string step, string url, string folder, params string[] extra)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "events.js");
        var result = await Peer.RunAsync("node", [script, step, url, folder, "admin", "admin-secret", .. extra], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))).RootElement;
    }

    private static (string Type, string Source, string Message, int Severity, bool Status)[] Events(JsonElement r) =>
        [.. r.GetProperty("events").EnumerateArray().Select(e => (e.GetProperty("eventType").GetString()!, e.GetProperty("sourceName").GetString()!,
            e.GetProperty("message").GetString()!, e.GetProperty("severity").GetInt32(), e.GetProperty("status").ValueKind == JsonValueKind.True))];

    // Part 5 §6.4.10 AuditActivateSession; Part 12 §7.8.2.10 TrustListUpdatedAuditEventType, §7.10.11 CertificateUpdatedAuditEventType.
    [Fact]
    public async Task Node_opcua_receives_audit_events_for_a_second_session_a_trust_list_change_and_a_certificate_update()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));
        var folder = ClientFolder();
        var start = DateTimeOffset.UtcNow.AddMinutes(-5);
        var renewed = TestPki.Shared.Ca.Issue(new IssuanceRequest("CN=Test Server renewed", TestPki.Shared.Server.Key.PublicKey, CertificateProfile.OpcUaApplication, start, start.AddDays(90))
        {
            UriNames = [TestPki.ServerUri], DnsNames = ["localhost"], IpAddresses = [IPAddress.Loopback],
        });
        File.WriteAllBytes(Path.Combine(folder, "renewed.der"), renewed.GetDer());
        File.WriteAllBytes(Path.Combine(folder, "trusted.der"), TestPki.Shared.NodeServer.Certificate.RawData);

        var r = await EventsAsync("audit", host.EndpointUrl, folder, Path.Combine(folder, "renewed.der"), Path.Combine(folder, "trusted.der"));

        var steps = r.GetProperty("steps");
        Assert.Equal("Good", steps.GetProperty("addCertificate").GetString());
        Assert.Equal("Good", steps.GetProperty("updateCertificate").GetString());
        Assert.Equal("Good", steps.GetProperty("applyChanges").GetString());
        var events = Events(r);
        var activate = Assert.Single(events, e => e.Type == "ns=0;i=2075");
        Assert.Equal(("Session/ActivateSession", true, 100), (activate.Source, activate.Status, activate.Severity));
        var trustList = Assert.Single(events, e => e.Type == "ns=0;i=12561");
        Assert.Equal(("Method/AddCertificate", true, "trust list change staged"), (trustList.Source, trustList.Status, trustList.Message));
        var certificate = Assert.Single(events, e => e.Type == "ns=0;i=12620");
        Assert.Equal(("Method/UpdateCertificate", true, "application certificate staged"), (certificate.Source, certificate.Status, certificate.Message));
        var users = r.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("eventType").GetString() is "ns=0;i=2075" or "ns=0;i=12561" or "ns=0;i=12620")
            .Select(e => e.GetProperty("clientUserId").GetString() ?? "(null)").ToArray();
        Assert.Equal(["admin", "admin", "admin"], users);
        Assert.Contains(events, e => e.Type == "ns=0;i=2060" && e.Source == "SecureChannel/OpenSecureChannel");
        Assert.Contains(events, e => e.Type == "ns=0;i=2071" && e.Source == "Session/CreateSession");
        Assert.All(events, e => Assert.DoesNotContain("admin-secret", e.Message, StringComparison.Ordinal));
        // The sink still hears every record the events came from.
        Assert.Contains(audit, e => e.EventType == GdsIds.CertificateUpdatedAuditEventType && e.Status);
        Assert.Contains(audit, e => e.EventType == GdsIds.TrustListUpdatedAuditEventType && e.Status);
        Assert.Equal(renewed.GetDer(), host.Certificate!.RawData);
    }

    // Part 5 §6.4 / Part 3 §6.4: the Server object is a notifier and the event types with their fields are where NodeSet2 puts them.
    [Fact]
    public async Task Node_opcua_finds_the_event_types_and_their_fields_by_browse_path()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));

        var r = await EventsAsync("types", host.EndpointUrl, ClientFolder());

        Assert.Equal(1, r.GetProperty("eventNotifier").GetInt32());
        var paths = r.GetProperty("paths");
        Assert.Equal("ns=0;i=2050", paths.GetProperty("i=2041/Message").GetString());
        Assert.Equal("ns=0;i=2051", paths.GetProperty("i=2041/Severity").GetString());
        Assert.Equal("ns=0;i=2057", paths.GetProperty("i=2052/ClientUserId").GetString());
        Assert.Equal("ns=0;i=13735", paths.GetProperty("i=12620/CertificateGroup").GetString());
        Assert.Equal("ns=0;i=32281", paths.GetProperty("i=12561/TrustListId").GetString());
        Assert.Equal("ns=0;i=2077", paths.GetProperty("i=2075/UserIdentityToken").GetString());
        Assert.Equal(["AuditSecurityEventType", "AuditUpdateMethodEventType"], r.GetProperty("auditSubtypes").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(["CertificateUpdatedAuditEventType", "TrustListUpdatedAuditEventType"], r.GetProperty("updateMethodSubtypes").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(["EventId", "EventType", "Message", "ReceiveTime", "Severity", "SourceName", "SourceNode", "Time"],
            r.GetProperty("baseEventProperties").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("ns=0;i=17", r.GetProperty("certificateGroupDataType").GetString());
        Assert.True(r.GetProperty("baseEventTypeIsAbstract").GetBoolean());
    }

    // Part 4 §7.7.3 OfType: only AuditActivateSession events (and no subtype of another branch) pass.
    [Fact]
    public async Task An_OfType_where_clause_lets_only_that_type_through()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));

        var r = await EventsAsync("oftype", host.EndpointUrl, ClientFolder(), "i=2075");

        var events = Events(r);
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal("ns=0;i=2075", e.Type));
        // Other audit records were raised meanwhile: the filter, not silence, kept them out.
        Assert.Contains(audit, e => e.EventType == AuditEventTypes.AuditOpenSecureChannelEventType);
        Assert.Contains(audit, e => e.EventType == AuditEventTypes.AuditCreateSessionEventType);
    }

    // Part 4 §7.7.3 Table 119: Or, And and Equals over SimpleAttributeOperands and literals, as node-opcua's makeContentFilter lays them out.
    [Fact]
    public async Task A_where_clause_with_Or_And_and_Equals_keeps_exactly_the_matching_events()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));

        var r = await EventsAsync("where", host.EndpointUrl, ClientFolder());

        Assert.Contains("BadUserAccessDenied", r.GetProperty("refused").GetString(), StringComparison.Ordinal);
        // B: CreateSession, ActivateSession (good); C: CreateSession only (its ActivateSession failed); D: CreateSession, ActivateSession.
        Assert.Equal(["ns=0;i=2071", "ns=0;i=2075", "ns=0;i=2071", "ns=0;i=2071", "ns=0;i=2075"], Events(r).Select(e => e.Type).ToArray());
        Assert.All(Events(r).Where(e => e.Type == "ns=0;i=2075"), e => Assert.True(e.Status));
        Assert.Contains(audit, e => e.EventType == AuditEventTypes.AuditActivateSessionEventType && !e.Status);
    }

    // Part 4 §5.12.1.5: a full queue loses events and says so with one EventQueueOverflowEventType event — first in the queue when
    // the oldest are discarded, last when the newest are.
    [Theory]
    [InlineData(true, new[] { "ns=0;i=3035", "ns=0;i=2075", "ns=0;i=2075" })]
    [InlineData(false, new[] { "ns=0;i=2075", "ns=0;i=2075", "ns=0;i=3035" })]
    public async Task A_full_event_queue_reports_an_overflow_event_where_the_spec_puts_it(bool discardOldest, string[] expected)
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));

        var r = await EventsAsync("overflow", host.EndpointUrl, ClientFolder(), discardOldest ? "true" : "false");

        Assert.Equal(expected, Events(r).Select(e => e.Type).ToArray());
        Assert.Equal("Server", Events(r).Single(e => e.Type == "ns=0;i=3035").Source);
    }

    // Part 4 §7.22.3 / §7.7.1: a refused filter answers BadEventFilterInvalid with the verdict per select clause and per element.
    [Fact]
    public async Task Invalid_filters_are_refused_with_the_status_codes_node_opcua_reports()
    {
        var audit = new ConcurrentQueue<AuditEvent>();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options(audit));

        var r = await EventsAsync("invalid", host.EndpointUrl, ClientFolder());

        var unsupported = r.GetProperty("unsupportedOperator");
        Assert.Equal("BadEventFilterInvalid", unsupported.GetProperty("status").GetString());
        Assert.Equal("EventFilterResult", unsupported.GetProperty("filterResultType").GetString());
        Assert.Equal(["BadFilterOperatorUnsupported"], unsupported.GetProperty("where").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var count = r.GetProperty("operandCount");
        Assert.Equal("BadEventFilterInvalid", count.GetProperty("status").GetString());
        Assert.Equal(["BadFilterOperandCountMismatch"], count.GetProperty("where").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var unknown = r.GetProperty("unknownType");
        Assert.Equal("BadEventFilterInvalid", unknown.GetProperty("status").GetString());
        Assert.Equal(["BadTypeDefinitionInvalid"], unknown.GetProperty("select").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}
