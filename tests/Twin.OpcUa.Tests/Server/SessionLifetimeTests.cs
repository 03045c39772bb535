using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Server;

/// <summary>
/// A client session's channel can end without CloseSession or ERR (Part 4 §5.5, §5.6): the connection reset under it, the network gone
/// quiet (found by the missing publish keep-alive, Part 4 §5.13.1.1), the server process killed. The session says so at once through
/// <see cref="ClientSession.ChannelClosed"/> with a status code, and a session that does not reconnect ends its monitored items with the
/// same cause, so that whoever reads them is not left waiting. The waits below are bounded by generous cancellation, never timed.
/// </summary>
public sealed class SessionLifetimeTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private static readonly NodeId Setpoint = new("Plant.Setpoint", 2);

    private static ClientOptions NoReconnect => new() { User = ("operator", "op-secret"), AutoReconnect = false };

    private static async Task<(CuttableRelay Relay, ClientSession Session, ClientMonitoredItem Item)> ThroughRelayAsync(UaServerHost host, ClientOptions options, CancellationToken ct)
    {
        var relay = new CuttableRelay("127.0.0.1", new Uri(host.EndpointUrl).Port);
        var session = await ClientSession.ConnectAsync(host.EndpointUrl, c => SocketPipes.ConnectAsync($"opc.tcp://127.0.0.1:{relay.Port}", options.ReceiveThread, c), options, ct);
        var subscription = await session.SubscribeAsync(50, ct);
        var item = await subscription.MonitorAsync(Setpoint, ct: ct);
        await item.Values.ReadAsync(ct); // the value at creation: the subscription is live
        return (relay, session, item);
    }

    // Also with the session's socket read by a receive thread of its own (ClientOptions.ReceiveThread).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_connection_reset_under_the_session_closes_its_channel_with_BadConnectionClosed_and_ends_its_items(bool receiveThread)
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        using var cts = new CancellationTokenSource(Generous);
        var (relay, session, item) = await ThroughRelayAsync(host, NoReconnect with { ReceiveThread = receiveThread }, cts.Token);
        await using var _ = relay;
        await using var __ = session;
        Assert.False(session.ChannelClosed.IsCompleted);

        Assert.Equal(1, relay.Cut());
        var cause = await session.ChannelClosed.WaitAsync(cts.Token);
        var ended = await Assert.ThrowsAsync<UaException>(async () => { await foreach (var v in item.Values.ReadAllAsync(cts.Token)) { } });

        Assert.Equal(StatusCodes.BadConnectionClosed, cause.StatusCode.Code);
        Assert.Same(cause, ended);
        Assert.False(session.IsConnected);
        // The server keeps serving: a new session through the same relay works.
        await using var again = await ClientSession.ConnectAsync(host.EndpointUrl, c => SocketPipes.ConnectAsync($"opc.tcp://127.0.0.1:{relay.Port}", c), NoReconnect, cts.Token);
        Assert.Equal(20.0, (await again.ReadValueAsync(Setpoint, cts.Token)).Value.Value);
    }

    // Part 4 §5.13.1.1: with nothing to report the server still answers a Publish every keep-alive period; a connection that carries
    // nothing any more is found by that silence.
    // Also with the session's socket read by a receive thread of its own (ClientOptions.ReceiveThread).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_network_gone_quiet_is_found_by_the_missing_keep_alive_and_closes_the_channel_with_BadTimeout(bool receiveThread)
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        using var cts = new CancellationTokenSource(Generous);
        var (relay, session, item) = await ThroughRelayAsync(host, NoReconnect with { KeepAliveTimeout = TimeSpan.FromSeconds(2), ReceiveThread = receiveThread }, cts.Token);
        await using var _ = relay;
        await using var __ = session;

        relay.Freeze();
        var cause = await session.ChannelClosed.WaitAsync(cts.Token);
        var ended = await Assert.ThrowsAsync<UaException>(async () => { await foreach (var v in item.Values.ReadAllAsync(cts.Token)) { } });

        Assert.Equal(StatusCodes.BadTimeout, cause.StatusCode.Code);
        Assert.Equal(StatusCodes.BadTimeout, ended.StatusCode.Code);
    }

    // With AutoReconnect (the default) a reset is repaired by a new channel and the same session: the items live on.
    // Also with the session's socket read by a receive thread of its own (ClientOptions.ReceiveThread).
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reconnecting_session_reports_the_closed_channel_but_keeps_its_items_on_the_new_one(bool receiveThread)
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        using var cts = new CancellationTokenSource(Generous);
        var (relay, session, item) = await ThroughRelayAsync(host, NoReconnect with { AutoReconnect = true, ReceiveThread = receiveThread }, cts.Token);
        await using var _ = relay;
        await using var __ = session;
        var first = session.ChannelClosed;

        relay.Cut();
        Assert.Equal(StatusCodes.BadConnectionClosed, (await first.WaitAsync(cts.Token)).StatusCode.Code);
        await session.WriteValueAsync(Setpoint, 31.0, cts.Token); // finds the channel gone, reconnects, writes
        DataValue changed;
        do changed = await item.Values.ReadAsync(cts.Token);
        while (!Equals(changed.Value.Value, 31.0));

        Assert.NotSame(first, session.ChannelClosed);
        Assert.False(session.ChannelClosed.IsCompleted);
    }

    [Fact]
    public async Task Disposing_the_session_closes_its_channel_with_BadSessionClosed_and_ends_its_items()
    {
        await using var host = new UaServerHost(TestPlant.Create(), TestPlant.Options);
        var inproc = host.ListenInProcess();
        using var cts = new CancellationTokenSource(Generous);
        var session = await ClientSession.ConnectAsync(inproc.EndpointUrl, _ => Task.FromResult(inproc.Connect()), NoReconnect, cts.Token);
        var item = await (await session.SubscribeAsync(50, cts.Token)).MonitorAsync(Setpoint, ct: cts.Token);

        await session.DisposeAsync();
        var cause = await session.ChannelClosed.WaitAsync(cts.Token);

        Assert.Equal(StatusCodes.BadSessionClosed, cause.StatusCode.Code);
        await Assert.ThrowsAsync<UaException>(async () => { await foreach (var v in item.Values.ReadAllAsync(cts.Token)) { } });
    }

    // The in-process transport carries the same bytes as TCP: its end closing under the session is a closed connection too.
    [Fact]
    public async Task An_in_process_connection_dropped_under_the_session_closes_its_channel_with_BadConnectionClosed()
    {
        await using var host = new UaServerHost(TestPlant.Create(), TestPlant.Options);
        var inproc = host.ListenInProcess();
        using var cts = new CancellationTokenSource(Generous);
        UaConnection? connection = null;
        await using var session = await ClientSession.ConnectAsync(inproc.EndpointUrl, _ => Task.FromResult(connection = inproc.Connect()), NoReconnect, cts.Token);
        var item = await (await session.SubscribeAsync(50, cts.Token)).MonitorAsync(Setpoint, ct: cts.Token);

        await connection!.DisposeAsync();
        var cause = await session.ChannelClosed.WaitAsync(cts.Token);

        Assert.Equal(StatusCodes.BadConnectionClosed, cause.StatusCode.Code);
        var ended = await Assert.ThrowsAsync<UaException>(async () => { await foreach (var v in item.Values.ReadAllAsync(cts.Token)) { } });
        Assert.Equal(StatusCodes.BadConnectionClosed, ended.StatusCode.Code);
    }

    // An independent server dies without a word (SIGKILL): our secure session hears of it from the operating system's closed socket.
    [Fact]
    public async Task A_node_opcua_server_killed_under_a_secure_session_closes_its_channel_with_a_status_code()
    {
        var peer = await NodePeerServer.StartAsync(secure: true);
        await using var _ = peer;
        using var cts = new CancellationTokenSource(Generous);
        var options = new ClientOptions
        {
            ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
            User = ("operator", "op-secret"), AutoReconnect = false,
        };
        await using var session = await ClientSession.ConnectAsync(peer.EndpointUrl, options, cts.Token);
        var ns = (ushort)session.NamespaceUris.ToList().IndexOf(TestPki.NodeServerUri);
        var item = await (await session.SubscribeAsync(50, cts.Token)).MonitorAsync(new NodeId("Plant.Setpoint", ns), 50, cts.Token);
        await item.Values.ReadAsync(cts.Token);
        Assert.NotEqual(Messages.MessageSecurityMode.None, session.Endpoint.SecurityMode);

        await peer.KillAsync();
        var cause = await session.ChannelClosed.WaitAsync(cts.Token);
        var ended = await Assert.ThrowsAsync<UaException>(async () => { await foreach (var v in item.Values.ReadAllAsync(cts.Token)) { } });

        Assert.True(cause.StatusCode.Code is StatusCodes.BadConnectionClosed or StatusCodes.BadSecureChannelClosed, cause.Message);
        Assert.Same(cause, ended);
        await Assert.ThrowsAsync<UaException>(() => session.ReadValueAsync(2259u, cts.Token));
    }
}
