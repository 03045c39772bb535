using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Twin.Host.Api;

namespace Twin.Host.Tests.Api;

/// <summary>Control actions are for the local machine, or for whoever holds the access token. No traffic: the pipeline runs in memory.</summary>
public sealed class ControlGuardTests
{
    // Remote callers use 192.0.2.0/24, reserved for documentation: an address never reached for real.
    [Theory]
    [InlineData("127.0.0.1", "POST", "/api/clock", null, null, 200)]
    [InlineData("::1", "POST", "/api/entities/device-001/revoke", null, null, 200)]
    [InlineData("192.0.2.10", "GET", "/api/entities", null, null, 200)]
    [InlineData("192.0.2.10", "POST", "/api/clock", null, null, 403)]
    [InlineData("192.0.2.10", "POST", "/api/clock", "s3cret", null, 403)]
    [InlineData("192.0.2.10", "POST", "/api/clock", "s3cret", "wrong", 403)]
    [InlineData("192.0.2.10", "POST", "/api/clock", "s3cret", "s3cret", 200)]
    public async Task Control_is_open_to_loopback_and_to_the_token_holder_only(string remote, string method, string path, string? token, string? presented, int expected)
    {
        var services = new ServiceCollection().AddLogging().BuildServiceProvider();
        var app = new ApplicationBuilder(services);
        app.UseControlGuard(token);
        app.Run(context => { context.Response.StatusCode = 200; return Task.CompletedTask; });
        var pipeline = app.Build();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Method = method;
        context.Request.Path = path;
        if (presented is not null) context.Request.Headers[ControlGuard.Header] = presented;
        context.Response.Body = new MemoryStream();

        await pipeline(context);

        Assert.Equal(expected, context.Response.StatusCode);
        if (expected == 403)
        {
            context.Response.Body.Position = 0;
            var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
            Assert.Contains(token is null ? "read-only" : ControlGuard.Header, body, StringComparison.Ordinal);
        }
    }
}
