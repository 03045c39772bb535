using Twin.Actors.Clock;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Encoding;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Services;

/// <summary>
/// A PEA with two OPC UA servers (scenarios/multi-server-pea.yaml): each server holds its own application instance certificate, the two
/// hold SignAndEncrypt sessions with each other under their own trust lists, and the POL connects to both. After the second server's
/// certificate is revoked, its sibling and the POL refuse it with BadCertificateRevoked, and the sibling refuses it as a client too.
/// </summary>
public sealed class MultiServerPeaTests
{
    [Fact]
    public async Task The_servers_of_a_PEA_authenticate_each_other_and_a_revoked_one_is_refused_by_its_sibling_and_the_POL()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "multi-server-pea.yaml"));
        var plant = scenario.ToPlant();
        var revokedAt = scenario.Start.Add(TimeSpan.FromHours(8));

        var outcome = await PlantRun.ToEndAsync(plant, "multi-server-pea");

        // Two servers, two application instance certificates, each naming its own ApplicationUri.
        var installed = outcome.Journal.OfType<DeviceCertificateInstalled>().Where(c => c.Entity.Value.StartsWith("pea-001", StringComparison.Ordinal))
            .GroupBy(c => c.Entity.Value).ToDictionary(g => g.Key, g => Certificate.FromDer(g.First().CertificateDer));
        Assert.Equal(["pea-001", "pea-001-s2"], installed.Keys.Order(StringComparer.Ordinal));
        Assert.NotEqual(installed["pea-001"].SerialNumber, installed["pea-001-s2"].SerialNumber);
        Assert.Contains("urn:planttrust:multi-server-pea:pea-001-s2", System.Text.Encoding.ASCII.GetString(installed["pea-001-s2"].GetDer()), StringComparison.Ordinal);

        var links = outcome.Journal.OfType<PeaSiblingAttempted>().ToList();
        var toSecond = links.Where(a => a.Entity.Value == "pea-001" && a.Target.Value == "pea-001-s2").ToList();
        var toFirst = links.Where(a => a.Entity.Value == "pea-001-s2" && a.Target.Value == "pea-001").ToList();
        Assert.Contains(toSecond, a => a.At < revokedAt);
        Assert.All(toSecond.Concat(toFirst).Where(a => a.At < revokedAt), a => Assert.Contains("(SignAndEncrypt,", a.Reason, StringComparison.Ordinal));
        Assert.All(toSecond.Concat(toFirst).Where(a => a.At < revokedAt), a => Assert.Equal(0u, a.StatusCode));
        var after = toSecond.Where(a => a.At > revokedAt).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, a => Assert.Equal(StatusCodes.BadCertificateRevoked, a.StatusCode));
        // As a client, the revoked server is refused by its sibling's server (which does not tell it why: Part 4 §5.5.2).
        Assert.All(toFirst.Where(a => a.At > revokedAt), a => Assert.NotEqual(0u, a.StatusCode));

        var pol = outcome.Journal.OfType<ConnectionAttempted>().Where(a => a.Entity.Value == "pol").ToList();
        Assert.All(pol.Where(a => a.Target.Value == "pea-001-s2" && a.At > revokedAt), a => Assert.Equal(StatusCodes.BadCertificateRevoked, a.StatusCode));
        Assert.Contains(pol, a => a.Target.Value == "pea-001-s2" && a.At > revokedAt);
        Assert.All(pol.Where(a => a.Target.Value == "pea-001"), a => Assert.Equal(0u, a.StatusCode));

        // Only the first server exposes the MTP services; the POL orchestrates it alone.
        var sessions = outcome.Journal.OfType<PolServiceSessionOpened>().ToList();
        Assert.All(sessions, s => Assert.Equal("pea-001", s.Target.Value));
        Assert.Equal(["Dose", "Mix", "Temper"], sessions[0].Services);
        Assert.Equal("Completed", outcome.Snapshot.Entities["pea-001"].Services["Dose"].State);
        Assert.Empty(outcome.Snapshot.Entities["pea-001-s2"].Services);
        Assert.Equal(StatusCodes.BadCertificateRevoked, outcome.Snapshot.Entities["pea-001"].Connections["pea-001-s2"].StatusCode);
        Assert.Equal("device", outcome.Snapshot.Entities["pea-001"].Kind);
    }

    [Fact]
    public void Servers_on_a_PEA_become_entities_that_link_to_each_other_and_the_POL_reaches_every_one()
    {
        var plant = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "multi-server-pea.yaml")).ToPlant();
        var settings = plant.Devices.ToDictionary(d => d.Id.Value, d => d.Settings);

        Assert.Equal(["pea-001-s2"], settings["pea-001"].ProbeTargets.Select(t => t.Value));
        Assert.Equal(["pea-001"], settings["pea-001-s2"].ProbeTargets.Select(t => t.Value));
        Assert.True(settings["pea-001"].ExposesServices);
        Assert.False(settings["pea-001-s2"].ExposesServices);
        Assert.Equal("urn:planttrust:multi-server-pea:pea-001-s2", settings["pea-001-s2"].OpcUaApplicationUri);
        Assert.Equal("CN=pea-001-s2,OU=Modules,O=Operator,C=DE", settings["pea-001-s2"].Subject);
        Assert.Equal(["pea-001", "pea-001-s2"], settings["pol"].ProbeTargets.Select(t => t.Value));
        Assert.Equal(["pea-001"], settings["pol"].OrchestrationTargets.Select(t => t.Value));
    }

    [Theory]
    [InlineData("servers: 0", 9, 16, "pea.servers")]
    [InlineData("servers: 17", 9, 16, "pea.servers")]
    [InlineData("servers: two", 9, 16, "pea.servers")]
    public void A_bad_server_count_is_refused_with_its_position(string servers, int line, int column, string named)
    {
        var yaml = $"name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: {{ id: r, subject: CN=r }}\n  peas:\n    - id: p\n      subject: CN=p\n      ca: r\n      {servers}\n";
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "bad.yaml"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal((line, column), (problem.Line, problem.Column));
        Assert.Contains(named, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Servers_on_a_plain_device_are_refused_and_a_server_id_that_clashes_is_named()
    {
        var onDevice = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(
            "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  devices:\n    - { id: d, servers: 2 }\n", "bad.yaml"));
        Assert.Contains(onDevice.Problems, p => p.Message.Contains("only a PEA runs OPC UA servers", StringComparison.Ordinal) && p.Line == 6);

        var clash = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(
            "name: x\nstart: 2030-01-01T00:00:00Z\ntopology:\n  rootCa: { id: r, subject: CN=r }\n  devices:\n    - { id: p-s2 }\n  peas:\n    - { id: p, servers: 2 }\n", "bad.yaml"));
        Assert.Contains(clash.Problems, p => p.Message.Contains("'p-s2' of p clashes", StringComparison.Ordinal) && p.Line == 8);
    }
}
