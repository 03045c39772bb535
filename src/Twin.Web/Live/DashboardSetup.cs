using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Twin.Web.Access;

namespace Twin.Web.Live;

/// <summary>Registers the dashboard's services and its one form endpoint (entering the access token).</summary>
public static class DashboardSetup
{
    /// <summary>Adds MudBlazor and the per-circuit dashboard services.</summary>
    public static IServiceCollection AddTwinDashboard(this IServiceCollection services, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddMudServices();
        services.AddSingleton(options);
        services.AddSingleton<LiveRunNotice>();
        services.AddScoped<DashboardAccess>();
        services.AddScoped<DashboardActions>();
        services.AddScoped<PlantViewState>();
        return services;
    }

    /// <summary>
    /// Serves the framework's and the dashboard's static files straight from the build output, in every environment,
    /// as they were built: with the gzip copies the build made and the manifest's caching headers. Without
    /// ReloadStaticAssetsAtRuntime=false, ASP.NET Core treats a build manifest as "under development": it re-reads any
    /// file whose timestamp differs from the manifest's (every NuGet package's file, MudBlazor's 613 KB stylesheet among
    /// them) and sends it "gzipped" at compression level none, with caching switched off.
    /// </summary>
    public static WebApplicationBuilder ServeBuiltStaticAssets(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseStaticWebAssets();
        builder.Configuration["ReloadStaticAssetsAtRuntime"] = "false";
        return builder;
    }

    /// <summary>
    /// Maps POST /access/token (form field "token"): a right token sets an HTTP-only, same-site cookie that
    /// makes this browser's dashboard controllable; POST /access/forget clears it.
    /// </summary>
    public static IEndpointRouteBuilder MapTwinDashboard(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/access/token", async (HttpContext context, DashboardOptions options) =>
        {
            var form = await context.Request.ReadFormAsync();
            var token = form["token"].ToString();
            var decision = DashboardAccess.Decide(null, token, options.AccessToken, treatLoopbackAsRemote: true);
            if (!decision.CanControl) return Results.Redirect("/access?refused=1");
            context.Response.Cookies.Append(DashboardAccess.CookieName, token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
            });
            return Results.Redirect("/");
        }).DisableAntiforgery();
        app.MapPost("/access/forget", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(DashboardAccess.CookieName);
            return Results.Redirect("/access");
        }).DisableAntiforgery();
        return app;
    }
}
