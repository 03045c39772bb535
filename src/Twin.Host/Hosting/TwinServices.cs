using Akka.Actor;
using Akka.Hosting;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Keys;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;

namespace Twin.Host.Hosting;

/// <summary>The twin's services, shared by the dashboard host and the headless runner.</summary>
public static class TwinServices
{
    /// <summary>
    /// Prepares storage (failing with a message that names the path) and registers the clock, the
    /// work counter, the read model, the control interface and the actor system running <paramref name="spec"/>.
    /// With <paramref name="followLive"/> the read model follows the journal as it is written.
    /// </summary>
    public static IServiceCollection AddTwin(this IServiceCollection services, TwinOptions options, PlantSpec spec, bool followLive = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(spec);
        var journal = options.Journal;
        TwinPersistence.Prepare(journal);
        if (OcspAddress.BaseFor(options.Urls) is { } ocspBase) spec = OcspAddress.WithBase(spec, ocspBase);
        var vault = CreateVault(options.KeyFolder);
        services.AddSingleton(vault); // TwinRun disposes it once the run stopped: a PKCS#11 token is then free for a run in another folder
        var clock = new SimulationClock(spec.Start, spec.Mode, spec.Speed);
        var work = new SimulationWork();
        var model = new PlantReadModel();
        var runtime = new PlantRuntime();
        services.AddSingleton(runtime);
        services.AddSingleton(clock);
        services.AddSingleton(work);
        services.AddSingleton<IPlantReadModel>(model);
        services.AddSingleton(model);
        services.AddSingleton(spec);
        services.AddSingleton(new RunProgress(model, work, spec.Run));
        services.AddSingleton(sp => new RunActors(sp.GetRequiredService<ActorSystem>()));
        services.AddSingleton<ITwinControl>(sp => new TwinControl(sp.GetRequiredService<IRequiredActor<PlantSupervisor>>().ActorRef, clock));
        services.AddAkka("planttrust", (akka, _) =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.AddTwinSerialization();
            akka.AddTwinPersistence(journal);
            akka.WithActors((system, registry) =>
            {
                var plant = system.ActorOf(PlantSupervisor.Props(spec, clock, vault, work, runtime), "plant");
                registry.Register<PlantSupervisor>(plant);
            });
            // A headless run reads the journal once at the end; only a live host follows it.
            if (followLive) akka.AddStartup((system, _) => PlantProjection.Start(system, spec.Run, model));
        });
        return services;
    }

    private static FileKeyVault CreateVault(string folder)
    {
        try
        {
            return new FileKeyVault(folder);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new StorageUnavailableException($"The key store folder {folder} cannot be created or written: {e.Message}", e);
        }
    }
}

/// <summary>
/// The actor system of the run the host serves, for the read API (health, events). A holder rather than the system
/// itself: the web host resolves it from the current run per request, and a request scope must not dispose a run's system.
/// </summary>
public sealed record RunActors(ActorSystem System);
