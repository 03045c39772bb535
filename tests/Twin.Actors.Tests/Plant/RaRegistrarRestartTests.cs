using Akka.Actor;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Plant;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;

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
    private const string Yaml = $$"""
        name: RA restarted alone
        run: ra-restart
        seed: 4711
        start: 2030-01-01T00:00:00Z
        duration: PT6H
        clock: { mode: max }
        design: { deviceLifetime: P20D, crlInterval: PT12H, crlValidity: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Ra Root,O=PlantTrust" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Ra Issuing,O=PlantTrust" }
          devices:
            - { id: "sensor-{n}", count: 1, ca: ca-issuing, subject: "CN={id},O=PlantTrust" }
          domains:
            - name: plant
              issuingCa: ca-issuing
              mode: ra
              upstream: { url: "http://127.0.0.1:9/pkix/", recipient: "{{UpstreamName}}", reference: "4711", secret: "{{UpstreamSecret}}" }
              members: [sensor-001]
              templates: [ { name: ldevid, profile: LDevId, lifetime: P20D } ]
        """;

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
}
