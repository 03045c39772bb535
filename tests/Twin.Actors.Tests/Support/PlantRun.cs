using Akka.Actor;
using Akka.Configuration;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Support;

/// <summary>Runs a whole plant in its own actor system on a fresh SQLite journal until the clock reports idle, then reads what it journaled.</summary>
public static class PlantRun
{
    public sealed record Outcome(SimInstant Now, PlantSnapshot Snapshot, IReadOnlyList<EventView> Events, string Digest, IReadOnlyList<string> DigestLines, RunMetricsResult Metrics)
    {
        /// <summary>The journaled events themselves, in journal order.</summary>
        public IReadOnlyList<Twin.Actors.Protocol.ITwinEvent> Journal { get; init; } = [];
    }

    /// <summary>
    /// Runs <paramref name="spec"/> on <paramref name="database"/> with its key store in <paramref name="folder"/> until <paramref name="until"/>
    /// completes, then terminates the system wherever the run stands — what a killed process leaves in the journal, for a later
    /// <see cref="ToEndAsync"/> on the same journal and folder to resume.
    /// </summary>
    public static async Task StopWhenAsync(PlantSpec spec, string name, TwinDatabase database, string folder, PlantRuntime runtime, SimulationWork work,
        Func<ActorSystem, IActorRef, Task> started, Task until)
    {
        ArgumentNullException.ThrowIfNull(started);
        ArgumentNullException.ThrowIfNull(until);
        TwinPersistence.Prepare(database);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
        using var system = ActorSystem.Create(name, TwinPersistence.SystemSetup(config, database));
        using var vault = new FileKeyVault(Path.Combine(folder, "keys"));
        try
        {
            var plant = system.ActorOf(PlantSupervisor.Props(spec, new SimulationClock(spec.Start, spec.Mode, spec.Speed), vault, work, runtime), "plant");
            await plant.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromMinutes(1));
            await started(system, plant);
            await until.WaitAsync(TimeSpan.FromMinutes(5));
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>Runs <paramref name="spec"/> to its end on <paramref name="database"/> (default: a fresh SQLite file) with its key store in <paramref name="folder"/> (default: a fresh one).</summary>
    /// <param name="overrides">HOCON that takes precedence over the twin's own (e.g. an older journal layout).</param>
    /// <param name="runtime">The plant's runtime (default: a fresh one), for tests that route its connections.</param>
    /// <param name="work">The run's work count (default: a fresh one); work begun on it before the call holds max mode at the start.</param>
    /// <param name="started">Awaited once the plant actor has started (its clock exists), with the system: where a test addresses the plant or its clock.</param>
    public static async Task<Outcome> ToEndAsync(PlantSpec spec, string name, TwinDatabase? database = null, string? folder = null, string? overrides = null,
        PlantRuntime? runtime = null, SimulationWork? work = null, Func<ActorSystem, IActorRef, Task>? started = null, Func<ActorSystem, IActorRef, Task>? finished = null)
    {
        folder ??= RepoPaths.NewScratch(name);
        database ??= TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        TwinPersistence.Prepare(database);
        var config = ConfigurationFactory.ParseString(overrides ?? "")
            .WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING"))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
        using var system = ActorSystem.Create(name, TwinPersistence.SystemSetup(config, database));
        using var vault = new FileKeyVault(Path.Combine(folder, "keys")); // disposed after the system: the run's hold on a PKCS#11 token ends with it
        try
        {
            var clock = new SimulationClock(spec.Start, spec.Mode, spec.Speed);
            work ??= new SimulationWork();
            var plant = system.ActorOf(PlantSupervisor.Props(spec, clock, vault, work, runtime), "plant");
            if (started is not null)
            {
                await plant.Ask<ActorIdentity>(new Identify(null), TimeSpan.FromMinutes(1)); // answered after its PreStart: its children exist
                await started(system, plant);
            }
            ClockIdle idle;
            try
            {
                idle = await plant.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromMinutes(5)); // generous: a busy machine slows the real OPC UA sessions
            }
            catch (AskTimeoutException e)
            {
                // Slow or stuck: where simulated time stood and what was still counted tell the two apart.
                throw new TimeoutException($"Run {spec.Run} did not reach its end in 5 minutes: simulated {clock.Now}, outstanding work: "
                    + (work.Outstanding == 0 ? "none" : string.Join(", ", work.OutstandingByLabel.Select(p => $"{p.Key}×{p.Value}"))), e);
            }
            if (finished is not null) await finished(system, plant); // the plant still up, at its end
            var (digest, _) = await RunDigest.ComputeAsync(system, spec.Run);
            return new Outcome(idle.Reading.Now, await PlantReplay.CurrentAsync(system, spec.Run), await EventQuery.AfterAsync(system, spec.Run, 0, 100_000),
                digest, await RunDigest.DescribeAsync(system, spec.Run), await RunMetrics.ComputeAsync(system, spec.Run, idle.Reading.Now))
            {
                Journal = await EventQuery.AllAsync(system, spec.Run),
            };
        }
        finally
        {
            await system.Terminate();
        }
    }
}
