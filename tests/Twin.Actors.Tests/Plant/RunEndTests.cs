using Akka.Actor;
using Akka.Configuration;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>Ending a run: journaled once, its entities stopped, the read model told.</summary>
public sealed class RunEndTests
{
    private const string Plant = """
        name: Ended plant
        run: ended
        seed: 3
        start: 2030-01-01T00:00:00Z
        duration: P2D
        clock: { mode: max }
        topology:
          rootCa: { id: ca-root, subject: "CN=Ended Root" }
          devices:
            - { id: "dev-{n}", count: 2, ca: ca-root }
        """;

    [Fact]
    public async Task A_stopped_run_journals_its_end_once_and_its_entities_no_longer_answer()
    {
        var spec = ScenarioLoader.Load(Plant, "ended.yaml").ToPlant();
        var folder = RepoPaths.NewScratch("run-end");
        var database = TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        TwinPersistence.Prepare(database);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.Hocon(database)));
        using var system = ActorSystem.Create("run-end", TwinPersistence.SystemSetup(config, database));
        try
        {
            var clock = new SimulationClock(spec.Start, spec.Mode, spec.Speed);
            var plant = system.ActorOf(PlantSupervisor.Props(spec, clock, new FileKeyVault(Path.Combine(folder, "keys")), new SimulationWork()), "plant");
            var idle = await plant.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromMinutes(2));
            Assert.NotNull(await plant.Ask<object>(new ToEntity(new EntityId("ca-root"), new GetCurrentCrl()), TimeSpan.FromSeconds(30)));

            var ended = await plant.Ask<RunEnded>(new StopRun("test"), TimeSpan.FromSeconds(30));
            var again = await plant.Ask<RunEnded>(new StopRun("test again"), TimeSpan.FromSeconds(30));

            Assert.Equal(idle.Reading.Now, ended.At);
            Assert.Equal(ended, again);
            var stopped = Assert.Single((await EventQuery.AllAsync(system, spec.Run)).OfType<RunStopped>());
            Assert.Equal(("test", ended.At), (stopped.By, stopped.At));
            Assert.Equal(ended.At, (await PlantReplay.CurrentAsync(system, spec.Run)).Ended);
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => plant.Ask<object>(new ToEntity(new EntityId("ca-root"), new GetCurrentCrl()), TimeSpan.FromSeconds(30)));
            Assert.Contains("The run has ended", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
