using System.Text.Json;
using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Interop;

/// <summary>node-opcua's client (an independent implementation) against our server over real TCP with SecurityPolicy None.</summary>
public sealed class NodeOpcUaClientTests
{
    internal static Task<JsonElement> RunClientAsync(string endpointUrl, params string[] extra) => RunClientAsync([], endpointUrl, extra);

    /// <summary>Runs Peers/client.js with node options (e.g. <see cref="Sha1PolicyTests.AllowPkcs1Decryption"/>) before the script.</summary>
    internal static async Task<JsonElement> RunClientAsync(string[] nodeOptions, string endpointUrl, params string[] extra)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "client.js");
        var result = await Peer.RunAsync("node", [.. nodeOptions, script, endpointUrl, .. extra], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.All);
        var line = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'));
        return JsonDocument.Parse(line).RootElement;
    }

    // Part 4 §5.8.2 Browse, §5.8.4 TranslateBrowsePathsToNodeIds, §5.10.2 Read, §5.10.4 Write, §5.11.2 Call, §5.13 subscriptions.
    [Fact]
    public async Task Anonymous_client_browses_reads_writes_calls_and_receives_data_changes()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);

        var r = await RunClientAsync(host.EndpointUrl, "None", "None", "-");

        Assert.Equal("urn:planttrust:test:plant", r.GetProperty("namespaces")[2].GetString());
        Assert.Contains("Server", r.GetProperty("objects").EnumerateArray().Select(x => x.GetString()));
        Assert.Contains("2:Plant", r.GetProperty("objects").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["2:Temperature", "2:Setpoint", "2:OperatorOnly", "2:Add"], r.GetProperty("plant").EnumerateArray().Select(x => x.GetString()!).ToArray());
        Assert.Equal("Good", r.GetProperty("translateStatus").GetString());
        Assert.Equal(["ns=2;s=Plant.Temperature"], r.GetProperty("translated").EnumerateArray().Select(x => x.GetString()!).ToArray());
        Assert.Equal(21.5, r.GetProperty("temperature").GetDouble());
        Assert.Equal(0, r.GetProperty("state").GetInt32());
        Assert.Equal("PlantTrust Twin.OpcUa", r.GetProperty("serverStatusProduct").GetString());
        Assert.Equal("ns=0;i=11", r.GetProperty("dataType").GetString());
        Assert.Equal("BadNodeIdUnknown", r.GetProperty("unknownStatus").GetString());
        Assert.Equal("BadUserAccessDenied", r.GetProperty("operatorOnly").GetProperty("status").GetString());
        Assert.Equal("Good", r.GetProperty("write").GetString());
        Assert.Equal("BadNotWritable", r.GetProperty("writeReadOnly").GetString());
        Assert.Equal(42.5, r.GetProperty("setpoint").GetDouble());
        Assert.Equal("Good", r.GetProperty("call").GetProperty("status").GetString());
        Assert.Equal(5.5, r.GetProperty("call").GetProperty("out")[0].GetDouble());
        var changes = r.GetProperty("changes").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(42.5, changes[0]);
        Assert.Equal(77, changes[^1]);
    }

    // Part 4 §5.13.3 ModifySubscription, §5.13.4 SetPublishingMode, §5.12.4 SetMonitoringMode, §5.12.3 ModifyMonitoredItems, §5.13.6 Republish.
    [Fact]
    public async Task Subscription_control_services_work_for_node_opcua()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "subscription-control.js");

        var result = await Peer.RunAsync("node", [script, host.EndpointUrl], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.All);
        var r = JsonDocument.Parse(result.StdOut.Split('\n').Last(l => l.StartsWith('{'))).RootElement;
        Assert.Equal(200, r.GetProperty("revisedInterval").GetDouble());
        Assert.Equal("Good", r.GetProperty("publishingOff").GetString());
        Assert.Equal("Good", r.GetProperty("publishingOn").GetString());
        Assert.Equal("Good", r.GetProperty("sampling").GetString());
        Assert.Equal("Good", r.GetProperty("reporting").GetString());
        Assert.Equal("Good", r.GetProperty("modifyItem").GetProperty("status").GetString());
        Assert.Equal(5u, r.GetProperty("modifyItem").GetProperty("queueSize").GetUInt32());
        Assert.Contains("BadMessageNotAvailable", r.GetProperty("republishUnknown").GetString());
        Assert.Equal([20.0, 11.0, 12.0], r.GetProperty("seen").EnumerateArray().Select(x => x.GetDouble()).ToArray());
    }

    // Part 4 §7.41.4 UserNameIdentityToken; a wrong password is BadUserAccessDenied (Part 4 §5.6.3.2).
    [Fact]
    public async Task UserName_client_is_accepted_with_the_right_password_and_refused_with_a_wrong_one()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);

        var good = await RunClientAsync(host.EndpointUrl, "None", "None", "-", "operator", "op-secret");
        var bad = await RunClientAsync(host.EndpointUrl, "None", "None", "-", "operator", "wrong");

        Assert.Equal(5.5, good.GetProperty("call").GetProperty("out")[0].GetDouble());
        Assert.Equal("Good", good.GetProperty("operatorOnly").GetProperty("status").GetString());
        Assert.Equal(7, good.GetProperty("operatorOnly").GetProperty("value").GetInt32());
        Assert.Contains("BadUserAccessDenied", bad.GetProperty("sessionError").GetString());
    }
}
