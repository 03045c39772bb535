using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Events;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests.Events;

/// <summary>Our client's event API against our server: the audit fields of Part 5 §6.4, monitoring control for event items, secrets kept out.</summary>
public sealed class EventSubscriptionTests
{
    private static readonly string[] Fields =
    [
        "EventId", "EventType", "SourceNode", "SourceName", "Time", "ReceiveTime", "Message", "Severity", "ActionTimeStamp", "Status", "ServerId",
        "ClientAuditEntryId", "ClientUserId", "SecureChannelId", "SessionId", "StatusCodeId", "UserIdentityToken",
    ];

    private static ServerOptions Options => TestPlant.Options with
    {
        ApplicationUri = "urn:planttrust:test:events",
        Users =
        [
            new UserAccount("admin", "admin-secret", new HashSet<string> { Roles.SecurityAdmin }),
            new UserAccount("operator", "op-secret", new HashSet<string> { Roles.Operator }),
        ],
    };

    private static readonly ClientOptions Admin = new() { User = ("admin", "admin-secret") };
    private static readonly ClientOptions Operator = new() { User = ("operator", "op-secret") };

    // The field as it goes over the wire (the channel is SecurityPolicy None, so a password in a token would be there in clear).
    private static bool Mentions(Variant v, string secret)
    {
        var e = new BinaryEncoder();
        e.WriteVariant(v);
        return e.Written.IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)) >= 0 || e.Written.IndexOf(System.Text.Encoding.Unicode.GetBytes(secret)) >= 0;
    }

    // Part 5 §6.4.3 AuditEventType, §6.4.10 AuditActivateSessionEventType: who, when, on which channel, and whether it succeeded.
    [Fact]
    public async Task A_second_session_raises_AuditActivateSession_with_its_audit_fields_and_no_password()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var watcher = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Admin);
        var subscription = await watcher.SubscribeAsync(50, cts.Token);
        var filter = EventFilter.Select(Fields).OfType(AuditEventTypes.AuditActivateSessionEventType);
        var item = await subscription.MonitorEventsAsync(WellKnownIds.Server, filter, ct: cts.Token);

        await using var second = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Operator);
        var ok = await item.Events.ReadAsync(cts.Token);
        await Assert.ThrowsAsync<UaException>(() => ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: new ClientOptions { User = ("operator", "wrong-guess") }));
        var refused = await item.Events.ReadAsync(cts.Token);

        Assert.Equal(AuditEventTypes.AuditActivateSessionEventType, item.Field(ok, "EventType").Value);
        Assert.Equal(16, ((byte[])item.Field(ok, "EventId").Value!).Length);
        Assert.NotEqual((byte[])item.Field(ok, "EventId").Value!, (byte[])item.Field(refused, "EventId").Value!);
        Assert.Equal(WellKnownIds.Server, item.Field(ok, "SourceNode").Value);
        Assert.Equal("Session/ActivateSession", item.Field(ok, "SourceName").Value);
        Assert.Equal((ushort)100, item.Field(ok, "Severity").Value);
        Assert.Equal(true, item.Field(ok, "Status").Value);
        Assert.Equal("urn:planttrust:test:events", item.Field(ok, "ServerId").Value);
        Assert.Equal("operator", item.Field(ok, "ClientUserId").Value);
        Assert.Equal(second.SessionId, item.Field(ok, "SessionId").Value);
        Assert.False(string.IsNullOrEmpty(item.Field(ok, "SecureChannelId").Value as string));
        Assert.IsType<DateTime>(item.Field(ok, "Time").Value);
        Assert.Equal(item.Field(ok, "Time"), item.Field(ok, "ActionTimeStamp"));
        var token = Assert.IsType<UserNameIdentityToken>(Assert.IsType<ExtensionObject>(item.Field(ok, "UserIdentityToken").Value).Body);
        Assert.Equal(("operator", null), (token.UserName, token.Password));
        Assert.Equal(false, item.Field(refused, "Status").Value);
        Assert.Equal((ushort)500, item.Field(refused, "Severity").Value);
        Assert.Equal(new StatusCode(StatusCodes.BadUserAccessDenied), item.Field(refused, "StatusCodeId").Value);
        Assert.All(ok.Concat(refused), v => Assert.False(Mentions(v, "op-secret") || Mentions(v, "wrong-guess"), $"a field carries a password: {v}"));
    }

    // Part 5 §6.4.6 AuditOpenSecureChannelEventType and §6.4.8 AuditCreateSessionEventType: what the client asked for and was granted.
    [Fact]
    public async Task Channel_and_session_audit_events_carry_their_type_specific_fields()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var watcher = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Admin);
        var subscription = await watcher.SubscribeAsync(50, cts.Token);
        var channel = await subscription.MonitorEventsAsync(WellKnownIds.Server,
            EventFilter.Select("EventType", "SecureChannelId", "RequestType", "SecurityMode", "SecurityPolicyUri", "RequestedLifetime", "Status")
                .OfType(AuditEventTypes.AuditOpenSecureChannelEventType), ct: cts.Token);
        var session = await subscription.MonitorEventsAsync(WellKnownIds.Server,
            EventFilter.Select("EventType", "SessionId", "RevisedSessionTimeout", "SecureChannelId").OfType(AuditEventTypes.AuditCreateSessionEventType), ct: cts.Token);

        await using var second = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Operator);
        var opened = await channel.Events.ReadAsync(cts.Token);
        var created = await session.Events.ReadAsync(cts.Token);

        Assert.Equal((int)SecurityTokenRequestType.Issue, channel.Field(opened, "RequestType").Value);
        Assert.Equal((int)MessageSecurityMode.None, channel.Field(opened, "SecurityMode").Value);
        Assert.Equal(SecureChannel.SecurityPolicies.None, channel.Field(opened, "SecurityPolicyUri").Value);
        Assert.True((double)channel.Field(opened, "RequestedLifetime").Value! > 0);
        Assert.Equal(true, channel.Field(opened, "Status").Value);
        Assert.Equal(second.SessionId, session.Field(created, "SessionId").Value);
        Assert.True((double)session.Field(created, "RevisedSessionTimeout").Value! > 0);
        Assert.Equal(channel.Field(opened, "SecureChannelId"), session.Field(created, "SecureChannelId"));
    }

    // Audit events name users, channels and certificates: only sessions with an audit role (SecurityAdmin by default) receive them.
    [Fact]
    public async Task A_session_without_an_audit_role_receives_no_audit_events()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var admin = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Admin);
        await using var op = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Operator);
        var adminItem = await (await admin.SubscribeAsync(50, cts.Token)).MonitorEventsAsync(WellKnownIds.Server, EventFilter.Select("EventType"), ct: cts.Token);
        var opSubscription = await op.SubscribeAsync(50, cts.Token);
        var opItem = await opSubscription.MonitorEventsAsync(WellKnownIds.Server, EventFilter.Select("EventType"), ct: cts.Token);

        await using var third = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token);
        await adminItem.Events.ReadAsync(cts.Token);
        // The audit records of the third session were offered to every item before its ActivateSession answered; the system event
        // comes after them in any queue that took them.
        host.ReportEvent(UaEvent.Create(EventTypeIds.SystemEventType, WellKnownIds.Server, "Server", DateTime.UtcNow, "a system event", 200));
        var system = await opItem.Events.ReadAsync(cts.Token);

        Assert.Equal(EventTypeIds.SystemEventType, system[0].Value);
    }

    // Part 4 §5.12.3 / §5.12.4 / §5.12.6: an event item's filter can be replaced, it can be paused (Sampling) and deleted.
    [Fact]
    public async Task Event_items_can_be_modified_paused_and_deleted()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var admin = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Admin);
        var subscription = await admin.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorEventsAsync(WellKnownIds.Server, EventFilter.Select("EventType", "Message").OfType(EventTypeIds.SystemEventType), ct: cts.Token);

        await subscription.ModifyEventsAsync(item, EventFilter.Select("Message", "EventType").OfType(EventTypeIds.EventQueueOverflowEventType), queueSize: 5, ct: cts.Token);
        host.ReportEvent(UaEvent.Create(EventTypeIds.SystemEventType, WellKnownIds.Server, "Server", DateTime.UtcNow, "filtered out", 200));
        host.ReportEvent(UaEvent.Create(EventTypeIds.EventQueueOverflowEventType, WellKnownIds.Server, "Server", DateTime.UtcNow, "passes", 200));
        var first = await item.Events.ReadAsync(cts.Token);
        await subscription.SetMonitoringModeAsync(MonitoringMode.Sampling, [item.MonitoredItemId], cts.Token);
        host.ReportEvent(UaEvent.Create(EventTypeIds.EventQueueOverflowEventType, WellKnownIds.Server, "Server", DateTime.UtcNow, "held while sampling", 200));
        await subscription.SetMonitoringModeAsync(MonitoringMode.Reporting, [item.MonitoredItemId], cts.Token);
        var held = await item.Events.ReadAsync(cts.Token);
        await subscription.DeleteItemsAsync([item.MonitoredItemId], cts.Token);
        var again = await Assert.ThrowsAsync<UaException>(() => subscription.DeleteItemsAsync([item.MonitoredItemId], cts.Token));

        Assert.Equal(5u, item.QueueSize);
        Assert.Equal("passes", ((LocalizedText)first[0].Value!).Text);
        Assert.Equal(EventTypeIds.EventQueueOverflowEventType, first[1].Value);
        Assert.Equal("held while sampling", ((LocalizedText)held[0].Value!).Text);
        Assert.Equal(StatusCodes.BadMonitoredItemIdInvalid, again.StatusCode.Code);
    }

    // Part 4 §7.22.3: a refused filter names the failing clause; an EventFilter on a Value attribute is BadFilterNotAllowed.
    [Fact]
    public async Task Refused_filters_name_the_failing_clause()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var admin = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token, options: Admin);
        var subscription = await admin.SubscribeAsync(50, cts.Token);
        var related = EventFilter.Select("EventType");
        related.WhereClause = new ContentFilter { Elements = [ContentFilterElement.Of(FilterOperator.RelatedTo, new LiteralOperand { Value = 1 }, new LiteralOperand { Value = 2 })] };
        var dangling = EventFilter.Select("EventType");
        dangling.WhereClause = new ContentFilter { Elements = [ContentFilterElement.Of(FilterOperator.Not, new ElementOperand { Index = 0 })] };

        var unsupported = await Assert.ThrowsAsync<EventFilterRefusedException>(() => subscription.MonitorEventsAsync(WellKnownIds.Server, related, ct: cts.Token));
        var cyclic = await Assert.ThrowsAsync<EventFilterRefusedException>(() => subscription.MonitorEventsAsync(WellKnownIds.Server, dangling, ct: cts.Token));
        var none = await Assert.ThrowsAsync<EventFilterRefusedException>(() => subscription.MonitorEventsAsync(WellKnownIds.Server, EventFilter.Select("NoSuchField"), ct: cts.Token));
        var notifier = await Assert.ThrowsAsync<UaException>(() => subscription.MonitorEventsAsync(new NodeId("Plant.Temperature", 2), EventFilter.Select("EventType"), ct: cts.Token));

        Assert.Equal(StatusCodes.BadEventFilterInvalid, unsupported.StatusCode.Code);
        Assert.Equal(StatusCodes.BadFilterOperatorUnsupported, unsupported.Result!.WhereClauseResult.ElementResults![0].StatusCode.Code);
        Assert.Equal(StatusCodes.BadFilterOperandInvalid, cyclic.Result!.WhereClauseResult.ElementResults![0].StatusCode.Code);
        Assert.Equal([new StatusCode(StatusCodes.BadFilterOperandInvalid)], cyclic.Result.WhereClauseResult.ElementResults[0].OperandStatusCodes!);
        Assert.Equal([new StatusCode(StatusCodes.BadNodeIdUnknown)], none.Result!.SelectClauseResults!);
        Assert.Equal(StatusCodes.BadAttributeIdInvalid, notifier.StatusCode.Code);
        Assert.Contains("where element 0: BadFilterOperatorUnsupported", unsupported.Message, StringComparison.Ordinal);
    }
}
