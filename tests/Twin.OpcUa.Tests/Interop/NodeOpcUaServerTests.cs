using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Tests.Interop;

/// <summary>Our client against node-opcua's server (an independent implementation) over TCP with SecurityPolicy None.</summary>
public sealed class NodeOpcUaServerTests
{
    // Part 4 §5.4.4 GetEndpoints, §5.6 sessions, §5.8 browse, §5.10 read/write, §5.11 call, §5.13 subscriptions.
    [Fact]
    public async Task Client_browses_reads_writes_calls_and_subscribes_on_a_node_opcua_server()
    {
        await using var peer = await NodePeerServer.StartAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var session = await ClientSession.ConnectAsync(peer.EndpointUrl, ct: cts.Token);
        var ns = (ushort)session.NamespaceUris.ToList().IndexOf("urn:node-opcua:peer:server");
        Assert.Equal(1, ns);

        var objects = await session.BrowseAsync(85u, ct: cts.Token);
        var plantRefs = await session.BrowseAsync(new NodeId("Plant", ns), maxReferencesPerCall: 1, ct: cts.Token);
        var temperature = await session.TranslateAsync(85u, [new QualifiedName(ns, "Plant"), new QualifiedName(ns, "Temperature")], cts.Token);
        var value = await session.ReadValueAsync(temperature, cts.Token);
        var state = await session.ReadValueAsync(2259u, cts.Token);
        var write = await session.WriteValueAsync(new NodeId("Plant.Setpoint", ns), 42.5, cts.Token);
        var setpoint = await session.ReadValueAsync(new NodeId("Plant.Setpoint", ns), cts.Token);
        var sum = await session.CallMethodAsync(new NodeId("Plant", ns), new NodeId("Plant.Add", ns), [2.0, 3.5], cts.Token);
        var subscription = await session.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorAsync(new NodeId("Plant.Setpoint", ns), 50, cts.Token);
        var first = await item.Values.ReadAsync(cts.Token);
        await session.WriteValueAsync(new NodeId("Plant.Setpoint", ns), 77.0, cts.Token);
        var changed = await item.Values.ReadAsync(cts.Token);
        await session.DeleteSubscriptionAsync(subscription, cts.Token);

        Assert.Contains(objects, r => r.BrowseName.Name == "Plant");
        Assert.Equal(["Temperature", "Setpoint", "Add"], plantRefs.Select(r => r.BrowseName.Name ?? "").Where(n => n is "Temperature" or "Setpoint" or "Add").ToArray());
        Assert.Equal(new NodeId("Plant.Temperature", ns), temperature);
        Assert.Equal(21.5, value.Value.Value);
        Assert.Equal(0, state.Value.Value);
        Assert.Equal(StatusCode.Good, write);
        Assert.Equal(42.5, setpoint.Value.Value);
        Assert.Equal(5.5, sum[0].Value);
        Assert.Equal(42.5, first.Value.Value);
        Assert.Equal(77.0, changed.Value.Value);
    }

    // Part 4 §5.10.2: an unknown node is reported per operation, not as a service fault.
    [Fact]
    public async Task Unknown_node_read_on_node_opcua_reports_BadNodeIdUnknown()
    {
        await using var peer = await NodePeerServer.StartAsync();
        await using var session = await ClientSession.ConnectAsync(peer.EndpointUrl);

        var value = await session.ReadValueAsync(new NodeId("Nope", 1));

        Assert.Equal(StatusCodes.BadNodeIdUnknown, value.StatusCode.Code);
    }
}
