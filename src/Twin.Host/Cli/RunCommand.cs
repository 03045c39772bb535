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
        var command = new Command("run", "Run a scenario headless (max speed by default) and report; exit 0 when every expectation holds, 1 when one fails, 2 on bad input.")
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
            // A PostgreSQL server set in Twin:Database holds every run; otherwise each run gets its own SQLite file.
            options.Database = db ?? (options.Database is { } configured && options.Journal.Engine == DatabaseEngine.PostgreSql ? configured : Path.Combine(options.DataFolder, spec.Run.Value + ".db"));
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            // Entities log refusals they handle (a CA that is cut off, a retry) as warnings: the journal and the report tell that story; keep the console for errors.
            builder.Logging.AddFilter("Akka", LogLevel.Error);
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
            var clock = host.Services.GetRequiredService<SimulationClock>();
            var started = DateTime.UtcNow;
            var system = host.Services.GetRequiredService<ActorSystem>();
            ClockIdle idle;
            using (var live = new LiveExpectations(system, spec.Run, scenario.Expectations, spec.Start))
                idle = await RunProgress.TrackAsync(scenario.Name, clock, spec.Start, spec.Until.Value, plant.Ask<ClockIdle>(new WhenClockIdle(), Timeout.InfiniteTimeSpan, token), live.Decided);
            var end = idle.Reading.Now;
            var (digest, events) = await RunDigest.ComputeAsync(system, spec.Run);
            var (metrics, verdicts) = await AnalyseAsync(system, spec.Run, scenario.Expectations, spec.Start, end, token);
            var report = RunReport.Create(scenario, spec, end, digest, events, await PlantReplay.CurrentAsync(system, spec.Run, ReadModelDetail.Current), DateTime.UtcNow - started)
                with { Metrics = metrics, Expectations = verdicts };
            Console.WriteLine($"Reached {end}: {events} events, digest {digest}");
            foreach (var v in verdicts)
                Console.WriteLine($"{(v.Passed ? "PASS" : "FAIL")} {v.Label} {v.Expectation} — decided {v.DecidedAt}: {v.Detail}");
            if (reportDir is not null)
            {
                var (md, json) = report.Write(reportDir);
                Console.WriteLine($"Report: {md}, {json}");
            }
            var failed = verdicts.Count(v => !v.Passed);
            Console.WriteLine(verdicts.Count == 0 ? "No expectations to check." : $"Expectations: {verdicts.Count - failed} passed, {failed} failed.");
            return failed == 0 ? 0 : 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not an expectation that failed (1) nor bad input (2): the run itself could not go on.
            await Console.Error.WriteLineAsync($"PlantTrust run failed: {e.Message} The journal keeps everything so far; run again with the same --db to resume.");
            return Program.RunFailed;
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

    // Read page by page, keeping only what the analyses read: a ten-year run does not fit in memory whole. In a method of its
    // own so that what was kept is garbage before the read model is folded.
    private static async Task<(RunMetricsResult Metrics, IReadOnlyList<ExpectationResult> Verdicts)> AnalyseAsync(
        ActorSystem system, Twin.Actors.Model.RunId run, IReadOnlyList<Expectation> expectations, SimInstant start, SimInstant end, CancellationToken token)
    {
        var record = await RunRecord.ReadAsync(system, run, token);
        return (RunMetrics.Fold(record, end), ExpectationCheck.Evaluate(expectations, record.Analysed, start, end));
    }
}
