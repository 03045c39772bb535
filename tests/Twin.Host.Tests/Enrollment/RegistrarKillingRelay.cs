using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Twin.Pki.Cmp;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// A CMP relay on loopback between openssl and the twin: it passes every message on unchanged, but before a certConf it kills the
/// domain's registrar actor and waits until its supervisor has started a new one — which knows of the transaction only from the journal.
/// </summary>
public sealed class RegistrarKillingRelay : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RegistrarKillingRelay(WebApplication app) => _app = app;

    /// <summary>The relay's port.</summary>
    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>How many registrar incarnations the relay killed.</summary>
    public int Killed { get; private set; }

    public static async Task<RegistrarKillingRelay> StartAsync(CmpTwinFixture twin, string domain)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var relay = new RegistrarKillingRelay(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var body = buffer.ToArray();
            if (CmpMessage.Decode(body).BodyType == CmpBodyType.CertConf) await relay.KillAsync(twin, domain);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pkixcmp");
            using var answer = await twin.Http.PostAsync($"/.well-known/cmp/p/{domain}", content);
            context.Response.StatusCode = (int)answer.StatusCode;
            context.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
            await context.Response.Body.WriteAsync(await answer.Content.ReadAsByteArrayAsync());
        });
        await app.StartAsync();
        return relay;
    }

    private async Task KillAsync(CmpTwinFixture twin, string domain)
    {
        var system = twin.Services.GetRequiredService<ActorSystem>();
        // The entity runs as the only child of its back-off supervisor, which starts it again after it stopped.
        var selection = system.ActorSelection($"/user/plant/registrar.{domain}/registrar.{domain}");
        var old = await selection.ResolveOne(TimeSpan.FromSeconds(10));
        Assert.True(await old.GracefulStop(TimeSpan.FromSeconds(10)), "the registrar did not stop");
        Killed++;
        await CmpTwinFixture.UntilAsync(async () =>
        {
            try
            {
                var now = await selection.ResolveOne(TimeSpan.FromSeconds(1));
                return !now.Equals(old);
            }
            catch (ActorNotFoundException)
            {
                return false;
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
