using Twin.Actors.Plant;
using Twin.Host.Api;
using Twin.Host.Enrollment;
using Twin.Actors.Projections;
using Twin.Web.Components;
using Twin.Web.Live;

namespace Twin.Host.Hosting;

/// <summary>Builds the web application that serves a running twin: the dashboard and the API.</summary>
public static class TwinHost
{
    /// <summary>Builds (does not start) the host for <paramref name="spec"/>. Throws with a clear message on bad storage.</summary>
    public static WebApplication Build(TwinOptions options, PlantSpec spec, Twin.Web.Scenarios.IScenarioRunner? runner = null) =>
        Build(options, TwinRun.Build(options, spec), runner);

    /// <summary>
    /// Builds (does not start) the web host serving <paramref name="run"/>: the dashboard and the API. It starts the run with
    /// itself and stops whichever run it serves when it stops; <see cref="LiveRun.ReplaceAsync"/> puts another run behind it.
    /// </summary>
    public static WebApplication Build(TwinOptions options, TwinRun run, Twin.Web.Scenarios.IScenarioRunner? runner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.ServeBuiltStaticAssets();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(10));
        builder.Services.AddLiveRun(run);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddTwinDashboard(new DashboardOptions
        {
            AccessToken = options.AccessToken,
            TreatLoopbackAsRemote = options.TreatLoopbackAsRemote,
            ResultsFolder = Path.GetFullPath(options.ResultsFolder),
            UploadFolder = Path.Combine(Path.GetDirectoryName(options.KeyFolder)!, "uploaded-scenarios"),
        });
        if (runner is not null) builder.Services.AddSingleton(runner);

        var app = builder.Build();
        app.UseControlGuard(options.AccessToken, options.TreatLoopbackAsRemote);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapTwinApi();
        app.MapCmp();
        app.MapOcsp();
        app.MapTwinDashboard();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
