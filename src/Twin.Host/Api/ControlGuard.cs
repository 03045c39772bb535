namespace Twin.Host.Api;

/// <summary>
/// Control actions (every POST under /api) are open to loopback callers only, unless the caller
/// presents the configured access token (header <c>X-PlantTrust-Token</c>). Without a configured
/// token a twin bound to another address is read-only for everyone but the local machine.
/// </summary>
public static class ControlGuard
{
    /// <summary>The header that carries the access token.</summary>
    public const string Header = "X-PlantTrust-Token";

    /// <summary>Adds the guard in front of the API's control endpoints.</summary>
    public static IApplicationBuilder UseControlGuard(this IApplicationBuilder app, string? accessToken, bool treatLoopbackAsRemote = false)
    {
        ArgumentNullException.ThrowIfNull(app);
        var expected = string.IsNullOrEmpty(accessToken) ? null : accessToken;
        return app.Use(async (context, next) =>
        {
            if (IsControl(context.Request) && !IsAllowed(context, expected, treatLoopbackAsRemote))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsJsonAsync(new
                {
                    title = "Control actions need the access token",
                    detail = expected is null
                        ? "This twin has no access token configured (Twin:AccessToken), so only the local machine may act on it; it is read-only from elsewhere."
                        : $"Send the configured access token in the {Header} header.",
                    status = 403,
                });
                return;
            }
            await next();
        });
    }

    private static bool IsControl(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);

    // The dashboard's rule, so that the API and the browser never disagree on who may act.
    private static bool IsAllowed(HttpContext context, string? expected, bool treatLoopbackAsRemote) =>
        Twin.Web.Access.DashboardAccess.Decide(context.Connection.RemoteIpAddress, context.Request.Headers[Header].ToString(), expected, treatLoopbackAsRemote).CanControl;
}
