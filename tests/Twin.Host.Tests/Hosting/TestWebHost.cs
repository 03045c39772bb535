using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Twin.Actors.Projections;
using Twin.Host.Api;
using Twin.Host.Hosting;

namespace Twin.Host.Tests.Hosting;

/// <summary>
/// The web host as TwinHost composes it around a run — its services and API, without the dashboard's pages (whose static
/// assets exist only in the executable's own output folder) — and a wait on the read model it serves.
/// </summary>
internal static class TestWebHost
{
    /// <summary>Builds the host on <paramref name="options"/>' URLs; <paramref name="addRun"/> registers the run behind it.</summary>
    public static WebApplication Build(TwinOptions options, Action<IServiceCollection> addRun, LiveRunSwitch runs)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.GetDirectoryName(options.Database)!, Args = [] });
        builder.WebHost.UseUrls(options.Urls);
        addRun(builder.Services);
        builder.Services.AddSingleton<Twin.Web.Scenarios.IScenarioRunner>(runs);
        var app = builder.Build();
        app.MapTwinApi();
        return app;
    }

    /// <summary>Waits (up to 90 s) until the read model's snapshot meets <paramref name="condition"/>.</summary>
    public static async Task WaitForAsync(IPlantReadModel model, Func<PlantSnapshot, bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(PlantSnapshot s) { if (condition(s)) done.TrySetResult(); }
        model.Changed += OnChanged;
        try
        {
            if (condition(model.Current)) return;
            await done.Task.WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            model.Changed -= OnChanged;
        }
    }
}
