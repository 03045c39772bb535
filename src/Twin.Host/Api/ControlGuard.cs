using System.Net;
using System.Security.Cryptography;
using System.Text;

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
    public static IApplicationBuilder UseControlGuard(this IApplicationBuilder app, string? accessToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        var expected = string.IsNullOrEmpty(accessToken) ? null : Encoding.UTF8.GetBytes(accessToken);
        return app.Use(async (context, next) =>
        {
            if (IsControl(context.Request) && !IsAllowed(context, expected))
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

    private static bool IsAllowed(HttpContext context, byte[]? expected)
    {
        if (context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)) return true;
        if (expected is null) return false;
        var presented = context.Request.Headers[Header].ToString();
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);
    }
}
