using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// Determinism with real OPC UA in the run: a PEA with two servers, sibling sessions, the POL's probes and service
/// orchestration (scenarios/multi-server-pea.yaml) — two max-mode runs with one seed give the same digest, although every
/// server listens on a port the operating system picks anew.
/// </summary>
public sealed class OpcUaDeterminismTests
{
    [Fact]
    public async Task Two_max_mode_runs_of_a_plant_with_OPC_UA_servers_give_the_same_digest()
    {
        var plant = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "multi-server-pea.yaml")).ToPlant();

        var first = await PlantRun.ToEndAsync(plant, "opcua-determinism-1");
        var second = await PlantRun.ToEndAsync(plant, "opcua-determinism-2");

        // The runs did talk OPC UA, on ports of their own.
        var ports = new[] { first, second }.Select(o => o.Journal.OfType<ConnectionAttempted>().Select(a => a.EndpointUrl).First(u => u is not null)).ToList();
        Assert.All(ports, u => Assert.StartsWith("opc.tcp://", u, StringComparison.Ordinal));
        Assert.Contains(first.Journal, e => e is PeaSiblingAttempted);
        Assert.Contains(first.Journal, e => e is PolServiceObserved);

        Assert.Equal(first.DigestLines, second.DigestLines); // on failure, shows the first event where the runs part ways
        Assert.Equal(first.Digest, second.Digest);
    }

    [Theory]
    [InlineData("opc.tcp://127.0.0.1:40123", "opc.tcp://127.0.0.1:*")]
    [InlineData("opc.tcp://localhost:4840/planttrust", "opc.tcp://localhost:*/planttrust")]
    [InlineData("BadCertificateRevoked at opc.tcp://127.0.0.1:39001 (SignAndEncrypt, Basic256Sha256)", "BadCertificateRevoked at opc.tcp://127.0.0.1:* (SignAndEncrypt, Basic256Sha256)")]
    [InlineData("no endpoint", "no endpoint")]
    [InlineData(null, null)]
    public void The_digest_leaves_out_only_the_port_of_an_OPC_UA_endpoint(string? text, string? expected) =>
        Assert.Equal(expected, RunDigest.WithoutPorts(text));
}
