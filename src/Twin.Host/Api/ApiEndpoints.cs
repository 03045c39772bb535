using Akka.Actor;
using Twin.Actors.Control;
using Twin.Actors.Plant;
using Twin.Actors.Projections;

namespace Twin.Host.Api;

/// <summary>The JSON read API for automation and checks.</summary>
public static class ApiEndpoints
{
    /// <summary>Maps /api/health and /api/entities.</summary>
    public static IEndpointRouteBuilder MapTwinApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var api = app.MapGroup("/api");
        api.MapGet("/health", (ActorSystem system, ITwinControl control, PlantSpec spec, IPlantReadModel model) =>
            system.WhenTerminated.IsCompleted
                ? Results.Json(new { status = "down" }, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new { status = "up", run = spec.Run.Value, now = control.Clock.Now.ToString(), entities = model.Current.Entities.Count }));
        api.MapGet("/entities", (IPlantReadModel model, ITwinControl control) =>
        {
            var now = control.Clock.Now;
            return Results.Json(model.Current.Entities.Values.Select(e => new EntityDto(
                e.Id.Value,
                e.Kind,
                e.KeyAlgorithm,
                e.Current?.SerialHex,
                e.Certificates.Select(c => new CertificateDto(c.SerialHex, c.Subject, c.Issuer, c.NotBefore, c.NotAfter, c.KeyAlgorithm, c.StatusAt(now).ToString())).ToList())));
        });
        return app;
    }

    /// <summary>An entity in /api/entities.</summary>
    public sealed record EntityDto(string Id, string Kind, string? KeyAlgorithm, string? CurrentSerial, IReadOnlyList<CertificateDto> Certificates);

    /// <summary>A certificate in /api/entities, with its status at simulated now.</summary>
    public sealed record CertificateDto(string Serial, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string KeyAlgorithm, string Status);
}
