using Akka.Actor;
using Akka.Hosting;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Keys;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Host.Api;
using Twin.Web.Components;

namespace Twin.Host.Hosting;

/// <summary>Builds the web application that hosts the twin: the actor system, the projection, the dashboard and the API.</summary>
public static class TwinHost
{
    /// <summary>Builds (does not start) the host for <paramref name="options"/>. Throws with a clear message on bad configuration.</summary>
    public static WebApplication Build(TwinOptions options, string[]? aspNetArgs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var spec = options.Demo.ToSpec();
        TwinPersistence.PrepareSqliteFile(options.DatabasePath);
        var vault = CreateVault(options.KeyFolder);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = aspNetArgs ?? [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Serves the framework's and the dashboard's static files straight from the build output, in every environment.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(10));

        var clock = new SimulationClock(spec.Start, spec.Mode, spec.Speed);
        var work = new SimulationWork();
        var model = new PlantReadModel();
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<IPlantReadModel>(model);
        builder.Services.AddSingleton(model);
        builder.Services.AddSingleton(spec);
        builder.Services.AddSingleton<ITwinControl>(sp => new TwinControl(sp.GetRequiredService<IRequiredActor<PlantSupervisor>>().ActorRef, clock));
        builder.Services.AddAkka("planttrust", (akka, _) =>
        {
            akka.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.AddTwinSerialization();
            akka.AddTwinPersistence(options.DatabasePath);
            akka.WithActors((system, registry) =>
            {
                var plant = system.ActorOf(PlantSupervisor.Props(spec, clock, vault, work), "plant");
                registry.Register<PlantSupervisor>(plant);
            });
            akka.AddStartup((system, _) => PlantProjection.Start(system, spec.Run, model));
        });
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapTwinApi();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
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
