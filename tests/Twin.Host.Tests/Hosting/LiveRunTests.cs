using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Twin.Actors.Control;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Host.Api;
using Twin.Host.Enrollment;
using Twin.Host.Hosting;
using Twin.Tests.Support;
using Twin.Web.Live;

namespace Twin.Host.Tests.Hosting;

/// <summary>
/// The web host outlives its runs: Stop then Start puts a fresh run behind the same web host, and whatever held the
/// host's read model, control and API before the switch reads and acts on the new run.
/// </summary>
public sealed class LiveRunTests
{
    private const string First = """
        name: First plant
        run: first-plant
        seed: 3
        start: 2030-01-01T00:00:00Z
        clock: { mode: realtime, speed: 3600 }
        design: { deviceLifetime: P1D }
        topology:
          rootCa: { id: ca-root, subject: "CN=First Root" }
          devices:
            - { id: "sensor-{n}", count: 2 }
        """;

    private const string Second = """
        name: Second plant
        run: second-plant
        seed: 4
        start: 2031-06-01T00:00:00Z
        clock: { mode: realtime, speed: 3600 }
        design: { deviceLifetime: P1D }
        topology:
          rootCa: { id: ca-other, subject: "CN=Second Root" }
          devices:
            - { id: "meter-{n}", count: 2 }
        """;

    [Fact]
    public async Task Stop_then_Start_puts_a_fresh_run_behind_the_same_web_host_and_its_subscribers()
    {
        var folder = RepoPaths.NewScratch("live-run");
        var firstFile = RepoPaths.WriteText(folder, "first.yaml", First);
        var secondFile = RepoPaths.WriteText(folder, "second.yaml", Second);
        var options = new TwinOptions { Urls = "http://127.0.0.1:0", Database = Path.Combine(folder, "planttrust.db"), Est = new EstOptions { Enabled = false } };
        var runs = new LiveRunSwitch(firstFile);
        var firstRun = TwinRun.Build(options, ScenarioLoader.LoadFile(firstFile).ToPlant());
        await using var app = Build(options, firstRun, runs);
        await app.StartAsync();
        try
        {
            var next = runs.NextRunAsync(app, firstFile, CancellationToken.None);
            // Held from before the switch, as a page's circuit holds them.
            var model = app.Services.GetRequiredService<IPlantReadModel>();
            var control = app.Services.GetRequiredService<ITwinControl>();
            var notice = app.Services.GetRequiredService<LiveRunNotice>();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            await WaitForAsync(model, s => s.Entities.TryGetValue("sensor-001", out var d) && d.Current is not null);
            var oldSystem = firstRun.Services.GetRequiredService<RunActors>().System;

            await runs.StopAsync();
            await WaitForAsync(model, s => s.Ended is not null);
            Assert.False(runs.Running);

            await runs.StartAsync(secondFile);
            var path = await next.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(Path.GetFullPath(secondFile), path);
            Assert.Equal(RunReplacement.Replaced, await runs.ReplaceAsync(app, options, path!, null, CancellationToken.None));

            // The old run is gone entirely; the new one is a fresh run (the live run had ended), served by the same host.
            Assert.True(oldSystem.WhenTerminated.IsCompleted, "the replaced run's actor system still runs");
            var live = app.Services.GetRequiredService<LiveRun>();
            Assert.StartsWith("second-plant-", live.Current.Spec.Run.Value, StringComparison.Ordinal);
            Assert.Equal(1, notice.Generation);
            Assert.True(runs.Running);
            Assert.Equal(Path.GetFullPath(secondFile), runs.Current);

            // The model held since before the switch tells of the new run's entities, not the old ones, and the run is live.
            await WaitForAsync(model, s => s.Ended is null && s.Entities.TryGetValue("meter-001", out var d) && d.Current is not null);
            Assert.DoesNotContain("sensor-001", model.Current.Entities.Keys);
            Assert.Equal(2031, control.Clock.Now.Utc.Year);
            control.Pause();
            var health = await http.GetFromJsonAsync<JsonElement>("/api/health");
            Assert.Equal(live.Current.Spec.Run.Value, health.GetProperty("run").GetString());
            Assert.Equal(JsonValueKind.Null, health.GetProperty("ended").ValueKind);
            var clock = await http.GetFromJsonAsync<JsonElement>("/api/clock");
            Assert.True(clock.GetProperty("paused").GetBoolean(), "Pause through the control held from before the switch missed the new run");
            var events = await http.GetFromJsonAsync<JsonElement>("/api/events?limit=1000");
            Assert.Contains(events.EnumerateArray(), e => e.GetProperty("entity").GetString() == "meter-001");
            Assert.DoesNotContain(events.EnumerateArray(), e => e.GetProperty("entity").GetString() == "sensor-001");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task A_scenario_that_does_not_load_leaves_the_serving_run_alone()
    {
        var folder = RepoPaths.NewScratch("live-run-bad");
        var firstFile = RepoPaths.WriteText(folder, "first.yaml", First);
        var broken = RepoPaths.WriteText(folder, "broken.yaml", "name: Broken\ntopology: [\n");
        var options = new TwinOptions { Urls = "http://127.0.0.1:0", Database = Path.Combine(folder, "planttrust.db"), Est = new EstOptions { Enabled = false } };
        var runs = new LiveRunSwitch(firstFile);
        var firstRun = TwinRun.Build(options, ScenarioLoader.LoadFile(firstFile).ToPlant());
        await using var app = Build(options, firstRun, runs);
        await app.StartAsync();
        try
        {
            _ = runs.NextRunAsync(app, firstFile, CancellationToken.None);
            var model = app.Services.GetRequiredService<IPlantReadModel>();
            await WaitForAsync(model, s => s.Entities.TryGetValue("sensor-001", out var d) && d.Current is not null);

            Assert.Equal(RunReplacement.NotLoaded, await runs.ReplaceAsync(app, options, broken, null, CancellationToken.None));

            Assert.Same(firstRun, app.Services.GetRequiredService<LiveRun>().Current);
            Assert.Equal(0, app.Services.GetRequiredService<LiveRunNotice>().Generation);
            Assert.False(firstRun.Services.GetRequiredService<RunActors>().System.WhenTerminated.IsCompleted);
            // The serving run still acts: a step brings its next scheduled event.
            var version = model.Current.Version;
            var control = app.Services.GetRequiredService<ITwinControl>();
            control.Step();
            await WaitForAsync(model, s => s.Version > version);

            // Once the web host stopped its run, a command through the control it hands out is refused at once and says why.
            await app.StopAsync();
            Assert.False(firstRun.IsServing);
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => control.AskEntityAsync<object>(new Twin.Actors.Model.EntityId("sensor-001"), new Twin.Actors.Protocol.Queries.GetDeviceStatus(), TimeSpan.FromSeconds(60)));
            Assert.Contains("has stopped", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static WebApplication Build(TwinOptions options, TwinRun run, LiveRunSwitch runs) =>
        TestWebHost.Build(options, services => { services.AddSingleton<LiveRunNotice>(); services.AddLiveRun(run); }, runs);

    private static Task WaitForAsync(IPlantReadModel model, Func<PlantSnapshot, bool> condition) => TestWebHost.WaitForAsync(model, condition);
}
