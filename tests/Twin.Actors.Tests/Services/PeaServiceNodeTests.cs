using System.Text.Json;
using Twin.Actors.Entities.Pea;
using Twin.OpcUa;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Services;

/// <summary>
/// A PEA server's MTP services as OPC UA objects, judged by node-opcua's client (the independent peer): it browses to the service
/// objects, subscribes to CurrentState, calls the command methods and sees the 2658-4 states in order; commands the state does not allow
/// are refused with BadInvalidState. Transient states end here as soon as they begin (the test stands in for the PEA's clock).
/// </summary>
public sealed class PeaServiceNodeTests
{
    private static (UaServerHost Host, PeaServiceSet Services) Serve(string pea)
    {
        var services = new PeaServiceSet(MtpServices.Default, () => DateTime.UtcNow);
        services.Transitioned += t =>
        {
            if (ServiceStateMachine.IsTransient(t.To)) _ = Task.Run(() => services.Advance(t.Service, t.To));
        };
        var space = new AddressSpace("urn:planttrust:test:" + pea, "urn:planttrust:test:" + pea + ":services");
        services.Bind(space, space.AddFolder(null, pea).NodeId);
        // SecurityPolicy None: this test is about the address space and the state machine; secure sessions are proven elsewhere.
        return (UaServerHost.StartTcp(space, new ServerOptions { ApplicationUri = "urn:planttrust:test:" + pea }), services);
    }

    [Fact]
    public async Task Node_opcua_finds_the_service_objects_subscribes_to_the_state_and_runs_a_service_to_Completed()
    {
        var (host, services) = Serve("pea-07");
        await using var _ = host;
        var script = Path.Combine(AppContext.BaseDirectory, "Services", "Peers", "mtp-services.js");

        var run = await Peer.RunAsync("node", [script, host.EndpointUrl, "pea-07"], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(90));

        Assert.True(run.ExitCode == 0, run.All);
        var result = JsonDocument.Parse(run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))).RootElement;
        Assert.Equal(["Dose", "Mix", "Temper"], Strings(result, "services"));
        Assert.Equal(["Start", "Complete", "Pause", "Resume", "Hold", "Unhold", "Stop", "Abort", "Reset"], Strings(result, "methods"));
        Assert.Equal(["CurrentState", "StateCur", "Procedures"], Strings(result, "variables"));
        Assert.Equal("BadInvalidState", result.GetProperty("completeWhileIdle").GetString());
        Assert.Equal("Good", result.GetProperty("start").GetString());
        Assert.Equal("BadInvalidState", result.GetProperty("startWhileExecuting").GetString());
        Assert.Equal("Good", result.GetProperty("complete").GetString());
        Assert.Equal(131072u, result.GetProperty("stateCur").GetUInt32());
        // Every state the service passed through, in order: the subscription delivers each change, transient ones included.
        Assert.Equal(["Idle", "Starting", "Execute", "Completing", "Completed"], Strings(result, "seen"));
        Assert.Equal(ServiceState.Completed, services.StateOf("Dose"));
        Assert.Equal(ServiceState.Idle, services.StateOf("Mix"));
    }

    [Fact]
    public async Task A_command_the_state_does_not_allow_is_refused_with_BadInvalidState_and_changes_nothing()
    {
        var (host, services) = Serve("pea-08");
        await using var _ = host;
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl);

        var refused = await Assert.ThrowsAsync<UaException>(() => session.CallMethodAsync(
            PeaServiceNodes.ServiceObject("pea-08", "Mix"), PeaServiceNodes.Method("pea-08", "Mix", ServiceCommand.Resume), []));

        Assert.Equal(StatusCodes.BadInvalidState, refused.StatusCode.Code);
        Assert.Equal(ServiceState.Idle, services.StateOf("Mix"));
        Assert.Equal("Idle", (await session.ReadValueAsync(PeaServiceNodes.State("pea-08", "Mix"))).Value.Value);
        // A method of another service is not a component of this one (Part 4 §5.11.2).
        var wrongObject = await Assert.ThrowsAsync<UaException>(() => session.CallMethodAsync(
            PeaServiceNodes.ServiceObject("pea-08", "Mix"), PeaServiceNodes.Method("pea-08", "Dose", ServiceCommand.Start), []));
        Assert.Equal(StatusCodes.BadMethodInvalid, wrongObject.StatusCode.Code);
    }

    private static string[] Strings(JsonElement result, string name) => [.. result.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
