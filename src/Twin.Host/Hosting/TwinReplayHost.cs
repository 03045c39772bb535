using Twin.Web.Live;
using Akka.Actor;
using Akka.Hosting;
using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Host.Api;
using Twin.Web.Components;

namespace Twin.Host.Hosting;

/// <summary>
/// The host in replay mode: the dashboard and the read API over a recorded run. No plant actor runs;
/// the actor system only reads the journal. The read model is folded from the journal and can be
/// moved to any recorded instant (<see cref="ReplayControl"/>); control actions are refused.
/// </summary>
public static class TwinReplayHost
{
    /// <summary>Builds (does not start) the replay host of <paramref name="run"/> in the journal at <paramref name="databasePath"/>.</summary>
    public static WebApplication Build(TwinOptions options, string databasePath, RunId run)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.ServeBuiltStaticAssets();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(10));
        var model = new ReplayReadModel();
        builder.Services.AddSingleton(model);
        builder.Services.AddSingleton<IPlantReadModel>(model);
        builder.Services.AddSingleton<ReplayControl>();
        builder.Services.AddSingleton<ITwinControl>(sp => sp.GetRequiredService<ReplayControl>());
        builder.Services.AddSingleton(new PlantRuntime());
        builder.Services.AddSingleton(sp => new RunActors(sp.GetRequiredService<ActorSystem>()));
        // What the read API needs to name the run; the plant itself is not started.
        builder.Services.AddSingleton(new PlantSpec(run, new SimInstant(DateTimeOffset.UnixEpoch), 1, StartRunning: false, [], []));
        builder.Services.AddAkka("planttrust-replay", (akka, _) =>
        {
            akka.ConfigureLoggers(l => l.LogLevel = Akka.Event.LogLevel.WarningLevel);
            akka.AddTwinSerialization();
            akka.AddTwinPersistence(databasePath);
        });
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();
        app.UseControlGuard(options.AccessToken, options.TreatLoopbackAsRemote);
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
                && !context.Request.Path.StartsWithSegments("/api/replay", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status409Conflict;
                await context.Response.WriteAsJsonAsync(new { error = $"This is a replay of run {run}: it is read-only." });
                return;
            }
            await next();
        });
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapTwinApi();
        app.MapGet("/api/replay", (ReplayControl control) => Results.Ok(new
        {
            mode = "replay",
            run = run.Value,
            start = control.Session.RangeStart?.ToString(),
            end = control.Session.RangeEnd?.ToString(),
            position = control.Clock.Now.ToString(),
        }));
        // Moving the view is not a control action on a plant: nothing runs, only the read model changes.
        app.MapPost("/api/replay", (SeekRequest request, ReplayControl control) =>
        {
            if (request.At is null) return Results.BadRequest(new { error = "Give {\"at\": \"2030-01-02T00:00:00Z\"}." });
            if (!DateTimeOffset.TryParse(request.At, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
                return Results.BadRequest(new { error = $"at: '{request.At}' is not an ISO 8601 instant." });
            control.Seek(new SimInstant(at.ToUniversalTime()));
            return Results.Ok(new { position = control.Clock.Now.ToString() });
        });
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Reads the run's events through the started host's actor system into the replay read model (checkpoints, not the whole run); returns the recorded range.</summary>
    public static async Task<(SimInstant Start, SimInstant End, long Events)> LoadAsync(WebApplication app, RunId run)
    {
        ArgumentNullException.ThrowIfNull(app);
        var model = app.Services.GetRequiredService<ReplayReadModel>();
        var events = await model.LoadAsync(app.Services.GetRequiredService<ActorSystem>(), run);
        return (model.Range.Start, model.Range.End, events);
    }
}

/// <summary>Body of POST /api/replay: the instant to show.</summary>
public sealed record SeekRequest(string? At);
