using System.CommandLine;
using Akka.Actor;
using Akka.Hosting;
using Twin.Actors.Clock;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Scenarios;
using Twin.Host.Hosting;

namespace Twin.Host.Cli;

/// <summary>`run FILE`: runs a scenario headless to its end and writes a report.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "scenario file" };
        var seed = CommonOptions.Seed();
        var speed = CommonOptions.Speed();
        var until = new Option<string?>("--until") { Description = "how much simulated time to run (ISO 8601 duration; default: the scenario's duration)" };
        var db = CommonOptions.Db();
        var report = new Option<string?>("--report") { Description = "folder for report.md and report.json" };
        var command = new Command("run", "Run a scenario headless (max speed by default) and report; exit 0 when it ran to its end, 2 on bad input.")
        {
            file, seed, speed, until, db, report,
        };
        command.SetAction((r, token) => RunAsync(r.GetValue(file)!, r.GetValue(seed), r.GetValue(speed), r.GetValue(until), r.GetValue(db), r.GetValue(report), token));
        return command;
    }

    private static async Task<int> RunAsync(string file, long? seed, string? speedText, string? untilText, string? db, string? reportDir, CancellationToken token)
    {
        Scenario scenario;
        PlantSpec spec;
        var options = TwinOptions.Load();
        IHost host;
        try
        {
            scenario = ScenarioLoader.LoadFile(file);
            var (mode, speed) = CommonOptions.ParseSpeed(speedText ?? "max");
            spec = scenario.ToPlant(seed, mode, speed, CommonOptions.ParseDuration(untilText, "--until"));
            if (spec.Until is null) throw new UsageException($"{file}: the run needs an end — give the scenario a duration or pass --until.");
            options.Database = db ?? Path.Combine(options.DataFolder, spec.Run.Value + ".db");
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddTwin(options, spec, followLive: false);
            host = builder.Build();
        }
        catch (Exception e) when (e is StorageUnavailableException or UsageException or ScenarioException)
        {
            await Console.Error.WriteLineAsync($"PlantTrust cannot run: {e.Message}");
            return Program.BadInput;
        }

        await host.StartAsync(token);
        try
        {
            Console.WriteLine($"Running {scenario.Name} ({spec.Run}) from {spec.Start} to {spec.Until} at {(spec.Mode == ClockMode.Max ? "max speed" : spec.Speed + "x")}; journal {options.DatabasePath}");
            var plant = host.Services.GetRequiredService<IRequiredActor<PlantSupervisor>>().ActorRef;
            var started = DateTime.UtcNow;
            var idle = await plant.Ask<ClockIdle>(new WhenClockIdle(), Timeout.InfiniteTimeSpan, token);
            var system = host.Services.GetRequiredService<ActorSystem>();
            var (digest, events) = await RunDigest.ComputeAsync(system, spec.Run);
            var report = RunReport.Create(scenario, spec, idle.Reading.Now, digest, events, await PlantReplay.CurrentAsync(system, spec.Run), DateTime.UtcNow - started)
                with { Metrics = await RunMetrics.ComputeAsync(system, spec.Run, idle.Reading.Now) };
            Console.WriteLine($"Reached {idle.Reading.Now}: {events} events, digest {digest}");
            if (reportDir is not null)
            {
                var (md, json) = report.Write(reportDir);
                Console.WriteLine($"Report: {md}, {json}");
            }
            return 0;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("Run interrupted; the journal keeps everything so far — run again with the same --db to resume.");
            return 1;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }
}
