using Akka.Actor;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// An RA-mode registrar stopped alone (a crash: a persist failure stops a persistent actor) while its member's ir is upstream, and
/// started again by its back-off supervisor while the rest of the plant goes on. The new start relays the upstream's answer: the member
/// gets its certificate at the instant it asked, not at its retry an hour later, and the run ends as an uninterrupted one.
/// </summary>
public sealed class RaRegistrarRestartTests
{
    private const string UpstreamName = "CN=Restart Upstream CA,O=PlantTrust";
    private const string UpstreamSecret = "restart-upstream-secret";

    // One member enrolling through the RA; the upstream's certificate (30 days) needs no renewal within the run.
    private static readonly string Yaml = RaPlantYaml.Build("RA restarted alone", "ra-restart", new Uri("http://127.0.0.1:9/pkix/"), UpstreamName, UpstreamSecret, "PlantTrust");

    [Fact] // RFC 9483 §5.2.3 (RA forwarding): the upstream's answer reaches the member through the registrar's next start
    public async Task An_RA_registrar_stopped_alone_with_a_request_upstream_relays_the_answer_at_once_and_the_run_ends_as_an_uninterrupted_one()
    {
        var spec = ScenarioLoader.Load(Yaml, "ra-restart.yaml").ToPlant();
        var whole = await PlantRun.ToEndAsync(spec, "ra-restart-whole", runtime: new PlantRuntime { CmpTransport = new FakeUpstreamCa(UpstreamName, UpstreamSecret) });

        var upstream = new FakeUpstreamCa(UpstreamName, UpstreamSecret);
        upstream.HoldNext(); // the member's ir stays upstream until the registrar is gone
        var registrarId = RegistrarSettings.EntityIdOf("plant").Value;
        var outcome = await PlantRun.ToEndAsync(spec, "ra-restart-alone", runtime: new PlantRuntime { CmpTransport = upstream }, started: async (system, plant) =>
        {
            await upstream.FirstArrived.Task.WaitAsync(TimeSpan.FromMinutes(2));
            // The registrar itself, under its back-off supervisor (which starts it again): stopped at once, as a crash would.
            var registrar = await system.ActorSelection(plant.Path / registrarId / registrarId).ResolveOne(TimeSpan.FromMinutes(1));
            var inbox = Inbox.Create(system);
            inbox.Watch(registrar);
            system.Stop(registrar);
            Assert.IsType<Terminated>(await inbox.ReceiveAsync(TimeSpan.FromMinutes(1)));
            upstream.Release();
        });

        Assert.True(whole.Digest == outcome.Digest,
            "digests differ:\n" + string.Join("\n", whole.DigestLines.Except(outcome.DigestLines).Take(8)) + "\n---\n" + string.Join("\n", outcome.DigestLines.Except(whole.DigestLines).Take(8)));
        Assert.Single(upstream.Received); // the ir went upstream once: its answer was taken over, not asked for again
        var asked = Assert.Single(outcome.Events, e => e.Kind == "dev.cmp-requested");
        var installed = Assert.Single(outcome.Events, e => e.Kind == "dev.cert-installed");
        Assert.Equal(asked.At, installed.At); // not at the member's retry an hour later
        Assert.Equal(["forwarded"], outcome.Events.Where(e => e.Kind == "reg.decision").Select(e => e.Summary.Split(' ')[0]));
    }

    [Fact] // the run stopped while the member's ir is upstream: no next start of the registrar comes, so nothing is left for one
    public async Task A_run_stopped_with_a_request_upstream_at_its_RA_leaves_nothing_for_a_next_start()
    {
        var spec = ScenarioLoader.Load(Yaml, "ra-restart.yaml").ToPlant();
        var upstream = new FakeUpstreamCa(UpstreamName, UpstreamSecret);
        upstream.HoldNext(); // the member's ir stays upstream until the run has ended
        var runtime = new PlantRuntime { CmpTransport = upstream };
        var registrarId = RegistrarSettings.EntityIdOf("plant");
        await PlantRun.ToEndAsync(spec, "ra-run-stopped", runtime: runtime, started: async (system, plant) =>
        {
            await upstream.FirstArrived.Task.WaitAsync(TimeSpan.FromMinutes(2));
            var registrar = await system.ActorSelection(plant.Path / registrarId.Value / registrarId.Value).ResolveOne(TimeSpan.FromMinutes(1));
            var inbox = Inbox.Create(system);
            inbox.Watch(registrar);
            await plant.Ask<RunEnded>(new StopRun("test"), TimeSpan.FromMinutes(1));
            Assert.IsType<Terminated>(await inbox.ReceiveAsync(TimeSpan.FromMinutes(1)));

            // Before, the exchange stayed there for a start that never came, and its requester waited out its own time-out.
            Assert.Null(runtime.Handovers!.Take<object>(registrarId));
            upstream.Release();
        });
    }
}
