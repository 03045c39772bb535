using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Twin.Actors.Control;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Scenarios;
using Microsoft.AspNetCore.Hosting;
using Twin.Host.Api;
using Twin.Host.Enrollment;
using Twin.Host.Hosting;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Hosting;

/// <summary>`serve` started again on the journal of a run that was stopped: the run stays stopped, and a start is a fresh run.</summary>
public sealed class StoppedRunRestartTests
{
    private const string Plant = """
        name: Stopped plant
        run: stopped-plant
        seed: 3
        start: 2030-01-01T00:00:00Z
        duration: P30D
        clock: { mode: realtime, speed: 3600 }
        design: { deviceLifetime: P1D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Stopped Root" }
          devices:
            - { id: "sensor-{n}", count: 2 }
        """;

    [Fact]
    public async Task A_run_stopped_before_a_restart_stays_stopped_and_a_start_brings_a_fresh_run()
    {
        var folder = RepoPaths.NewScratch("stopped-restart");
        var scenarioFile = RepoPaths.WriteText(folder, "stopped.yaml", Plant);
        var options = new TwinOptions { Urls = "http://127.0.0.1:0", Database = Path.Combine(folder, "planttrust.db"), Est = new EstOptions { Enabled = false } };
        var spec = ScenarioLoader.LoadFile(scenarioFile).ToPlant();

        // First life: the run goes on until the dashboard's Stop ends it.
        var first = new LiveRunSwitch(scenarioFile);
        var app = Build(options, spec, first);
        await app.StartAsync();
        _ = first.NextRunAsync(app, scenarioFile, CancellationToken.None);
        await WaitForAsync(app, s => s.Entities.TryGetValue("sensor-001", out var d) && d.Current is not null);
        await first.StopAsync();
        await WaitForAsync(app, s => s.Ended is not null);
        var endedAt = app.Services.GetRequiredService<IPlantReadModel>().Current.Ended;
        await app.StopAsync();
        await app.DisposeAsync();

        // Second life on the same journal, as `serve FILE --db PATH` starts it.
        var second = new LiveRunSwitch(scenarioFile);
        app = Build(options, spec, second);
        await app.StartAsync();
        _ = second.NextRunAsync(app, scenarioFile, CancellationToken.None);
        try
        {
            // The dashboard's banner reads the end from the journal.
            await WaitForAsync(app, s => s.Ended is not null);
            Assert.Equal(endedAt, app.Services.GetRequiredService<IPlantReadModel>().Current.Ended);
            Assert.False(second.Running);
            Assert.True(second.Ended);

            // The plant knows it ended: asking to stop again answers the first end; time stands still; no entity acts.
            var control = app.Services.GetRequiredService<ITwinControl>();
            Assert.Equal(endedAt, await control.StopRunAsync("test"));
            var plant = app.Services.GetRequiredService<IRequiredActor<PlantSupervisor>>().ActorRef;
            var reading = (await plant.Ask<ClockReady>(new WhenClockReady(), TimeSpan.FromSeconds(30))).Reading;
            Assert.True(reading.Paused, "the clock of an ended run runs again");
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => control.AskEntityAsync<object>(new EntityId("sensor-001"), new Twin.Actors.Protocol.Queries.GetDeviceStatus(), TimeSpan.FromSeconds(30)));
            Assert.Contains("has ended", refused.Message, StringComparison.Ordinal);
            var events = await EventQuery.AllAsync(app.Services.GetRequiredService<ActorSystem>(), spec.Run);
            Assert.DoesNotContain(events, e => e.At > endedAt!.Value && e.Entity.Value != "run");

            // Start: a fresh run beside the ended one, which this time does run.
            var nextSpec = LiveRunSwitch.NextSpec(scenarioFile, null, second.Ended);
            await app.StopAsync();
            await app.DisposeAsync();
            app = Build(options, nextSpec, second);
            await app.StartAsync();
            var fresh = app.Services.GetRequiredService<PlantSpec>().Run;
            Assert.NotEqual(spec.Run, fresh);
            Assert.StartsWith(spec.Run.Value + "-", fresh.Value, StringComparison.Ordinal);
            await WaitForAsync(app, s => s.Ended is null && s.Entities.TryGetValue("sensor-001", out var d) && d.Current is not null);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static WebApplication Build(TwinOptions options, PlantSpec spec, LiveRunSwitch runs) =>
        TestWebHost.Build(options, services => services.AddTwin(options, spec), runs);

    private static Task WaitForAsync(WebApplication app, Func<PlantSnapshot, bool> condition) =>
        TestWebHost.WaitForAsync(app.Services.GetRequiredService<IPlantReadModel>(), condition);
}
