using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests.Server;

/// <summary>Our client against our server, over TCP and over the in-process transport (which carries the same bytes).</summary>
public sealed class ClientServerTests
{
    private static readonly ClientOptions Operator = new() { User = ("operator", "op-secret") };

    [Fact]
    public async Task In_process_session_reads_writes_calls_and_gets_data_changes()
    {
        await using var host = new UaServerHost(TestPlant.Create(), TestPlant.Options);
        var inproc = host.ListenInProcess();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var session = await ClientSession.ConnectAsync(inproc.EndpointUrl, _ => Task.FromResult(inproc.Connect()), Operator, cts.Token);

        var setpoint = new NodeId("Plant.Setpoint", 2);
        var subscription = await session.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorAsync(setpoint, ct: cts.Token);
        var initial = await item.Values.ReadAsync(cts.Token);
        var write = await session.WriteValueAsync(setpoint, 30.0, cts.Token);
        var changed = await item.Values.ReadAsync(cts.Token);
        var sum = await session.CallMethodAsync(new NodeId("Plant", 2), new NodeId("Plant.Add", 2), [1.0, 2.0], cts.Token);
        var secret = await session.ReadValueAsync(new NodeId("Plant.OperatorOnly", 2), cts.Token);

        Assert.Equal(20.0, initial.Value.Value);
        Assert.Equal(StatusCode.Good, write);
        Assert.Equal(30.0, changed.Value.Value);
        Assert.Equal(3.0, sum[0].Value);
        Assert.Equal(7, secret.Value.Value);
        Assert.Equal(1, host.SessionCount);
    }

    // Part 4 §5.10.4: a value of another type is BadTypeMismatch; §5.11.2: a missing argument is BadArgumentsMissing.
    [Fact]
    public async Task Wrong_types_and_missing_arguments_are_refused_with_their_status_codes()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl);

        var write = await session.WriteValueAsync(new NodeId("Plant.Setpoint", 2), "hot");
        var call = await Assert.ThrowsAsync<UaException>(() => session.CallMethodAsync(new NodeId("Plant", 2), new NodeId("Plant.Add", 2), [1.0]));
        var denied = await session.WriteValueAsync(new NodeId("Plant.OperatorOnly", 2), 8);

        Assert.Equal(StatusCodes.BadTypeMismatch, write.Code);
        Assert.Equal(StatusCodes.BadArgumentsMissing, call.StatusCode.Code);
        Assert.Equal(StatusCodes.BadUserAccessDenied, denied.Code);
    }

    // Part 4 §5.8.3: a browse limited to one reference per call returns continuation points that BrowseNext follows.
    [Fact]
    public async Task Browse_with_a_small_limit_follows_continuation_points_to_the_same_references()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl);

        var paged = await session.BrowseAsync(WellKnownIds.Server, maxReferencesPerCall: 1);
        var whole = await session.BrowseAsync(WellKnownIds.Server);

        Assert.True(whole.Count > 3);
        Assert.Equal(whole.Select(r => r.NodeId.ToString()), paged.Select(r => r.NodeId.ToString()));
    }

    // Part 4 §5.5.2: a renewed token replaces the old one; Part 4 §5.6.3.1: a session moves to a new channel on reconnect.
    [Fact]
    public async Task Channel_renews_its_token_and_the_session_survives_a_dropped_connection()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl);
        var firstToken = session.ChannelToken.TokenId;
        var sessionId = session.SessionId;

        await session.RenewChannelAsync();
        var renewed = session.ChannelToken.TokenId;
        var afterRenew = await session.ReadValueAsync(new NodeId("Plant.Temperature", 2));
        await session.AbortConnectionAsync();
        await session.ReconnectAsync();
        var afterReconnect = await session.ReadValueAsync(new NodeId("Plant.Temperature", 2));

        Assert.NotEqual(firstToken, renewed);
        Assert.Equal(21.5, afterRenew.Value.Value);
        Assert.Equal(21.5, afterReconnect.Value.Value);
        Assert.Equal(sessionId, session.SessionId);
        Assert.Equal(1, host.SessionCount);
    }

    // Part 4 §5.6.3: a session whose connection died without a word stays on the server until it times out; re-activated on a new
    // channel (same client), it is closed there with its subscriptions (CloseSession, deleteSubscriptions), and no orphan is left.
    [Fact]
    public async Task A_session_lost_with_its_connection_is_closed_on_a_new_channel_and_the_server_keeps_no_orphan()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { AutoReconnect = false }, cts.Token);
        var subscription = await session.SubscribeAsync(50, cts.Token);
        await subscription.MonitorAsync(new NodeId("Plant.Setpoint", 2), ct: cts.Token);

        await session.AbortConnectionAsync();
        await session.ChannelClosed.WaitAsync(cts.Token);
        Assert.Equal(1, host.SessionCount); // the server was told nothing: it keeps the session
        var closed = await session.CloseAfterLossAsync(cts.Token);

        Assert.True(closed);
        Assert.Equal(0, host.SessionCount);
        Assert.True(host.AcceptedConnections >= 2);
    }

    // Part 4 §5.6.3.1: after a dropped connection the client re-activates its session on a new channel by itself; the session's
    // subscription lives on the server and keeps publishing into it.
    [Fact]
    public async Task Client_reconnects_by_itself_and_its_subscription_keeps_delivering()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, ct: cts.Token);
        var setpoint = new NodeId("Plant.Setpoint", 2);
        var subscription = await session.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorAsync(setpoint, ct: cts.Token);
        await item.Values.ReadAsync(cts.Token);
        var sessionId = session.SessionId;

        await session.AbortConnectionAsync();
        var write = await session.WriteValueAsync(setpoint, 55.0, cts.Token);
        var changed = await item.Values.ReadAsync(cts.Token);

        Assert.Equal(StatusCode.Good, write);
        Assert.Equal(55.0, changed.Value.Value);
        Assert.Equal(sessionId, session.SessionId);
        Assert.True(host.AcceptedConnections >= 2);
    }

    // Part 4 §5.4.2 FindServers, §5.4.4 GetEndpoints, §5.8.5 RegisterNodes; an unimplemented service is BadServiceUnsupported (Part 4 §7.35).
    [Fact]
    public async Task Discovery_services_describe_the_server_and_unknown_services_are_unsupported()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        var endpoints = await ClientSession.GetEndpointsAsync(host.EndpointUrl);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl);

        var servers = await session.FindServersAsync();
        var unsupported = await Assert.ThrowsAsync<UaException>(() => session.CallAsync<ResponseHeaderOnly>(new HistoryReadProbe(), default).AsTask());
        var registered = await session.CallAsync<RegisterNodesResponse>(new RegisterNodesRequest { NodesToRegister = [new NodeId("Plant.Setpoint", 2)] }, default);

        var endpoint = Assert.Single(endpoints);
        Assert.Equal(host.EndpointUrl, endpoint.EndpointUrl);
        Assert.Equal(MessageSecurityMode.None, endpoint.SecurityMode);
        Assert.Equal([UserTokenType.Anonymous, UserTokenType.UserName], endpoint.UserIdentityTokens!.Select(t => t.TokenType));
        Assert.Equal("urn:planttrust:twin:server", Assert.Single(servers).ApplicationUri);
        Assert.Equal(StatusCodes.BadServiceUnsupported, unsupported.StatusCode.Code);
        Assert.Equal([new NodeId("Plant.Setpoint", 2)], registered.RegisteredNodeIds!);
    }

    /// <summary>The start of a HistoryReadRequest (Part 4 §5.10.3, encoding i=664), a service this server does not implement.</summary>
    private sealed class HistoryReadProbe : IServiceRequest
    {
        public RequestHeader RequestHeader { get; set; } = new();
        public NodeId BinaryEncodingId => 664u;
        public void Encode(BinaryEncoder e) { RequestHeader.Encode(e); e.WriteInt32(1); e.WriteNodeId(85u); }
        public void Decode(BinaryDecoder d) => throw new NotSupportedException();
    }

    private sealed class ResponseHeaderOnly : IServiceResponse
    {
        public ResponseHeader ResponseHeader { get; set; } = new();
        public NodeId BinaryEncodingId => 0u;
        public void Encode(BinaryEncoder e) => throw new NotSupportedException();
        public void Decode(BinaryDecoder d) => throw new NotSupportedException();
    }
}
