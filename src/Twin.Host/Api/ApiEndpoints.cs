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
        api.MapGet("/health", async (Twin.Host.Hosting.RunActors actors, ITwinControl control, PlantSpec spec, IPlantReadModel model, IServiceProvider services, CancellationToken cancellation) =>
        {
            if (actors.System.WhenTerminated.IsCompleted) return Results.Json(new { status = "down" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            // A live run tells how far its read model has read the journal (a restarted host reads the whole run again first);
            // a replay has no such progress.
            var progress = services.GetService<Twin.Host.Hosting.RunProgress>() is { } live ? await live.ReadAsync(actors.System, cancellation) : null;
            return Results.Json(new
            {
                status = "up",
                run = spec.Run.Value,
                now = control.Clock.Now.ToString(),
                entities = model.Current.Entities.Count,
                ended = model.Current.Ended?.ToString(),
                applied = progress?.Applied,
                journaled = progress?.Journaled,
                caughtUp = progress?.CaughtUp,
                outstanding = progress?.Outstanding,
            });
        });
        api.MapGet("/entities", (IPlantReadModel model, ITwinControl control) =>
        {
            var now = control.Clock.Now;
            return Results.Json(model.Current.Entities.Values.Select(e => new EntityDto(
                e.Id.Value,
                e.Kind,
                e.KeyAlgorithm,
                e.Current?.SerialHex,
                e.Kind == Twin.Actors.Model.EntityKinds.CertificationAuthority ? e.Reachable : null,
                e.Crl is { } crl ? (crl.IsExpiredAt(now) ? "Expired" : "Current") : null,
                e.Certificates.Select(c => new CertificateDto(c.SerialHex, c.Subject, c.Issuer, c.NotBefore, c.NotAfter, c.KeyAlgorithm, c.StatusAt(now).ToString())).ToList())));
        });
        api.MapEntityApi();
        api.MapRevocationApi();
        api.MapDomainApi();
        api.MapGet("/clock", (ITwinControl control) => Results.Json(ClockDto.Of(control.Clock)));
        // Ends the run for good (journaled as run.stopped; its entities stop); the dashboard's Stop does the same.
        api.MapPost("/run/stop", async (ITwinControl control) => Results.Json(new { ended = (await control.StopRunAsync("api")).ToString() }));
        api.MapPost("/clock", (ClockCommandDto command, ITwinControl control) =>
        {
            switch (command.Action?.ToLowerInvariant())
            {
                case "pause": control.Pause(); break;
                case "resume" or "play": control.Resume(); break;
                case "step": control.Step(); break;
                case "speed" when command.Speed is > 0 and < double.PositiveInfinity: control.SetSpeed(command.Speed.Value); break;
                case "speed": return Results.Problem($"speed: expected a positive number of simulated seconds per wall second, got {command.Speed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}.", statusCode: 400);
                default: return Results.Problem($"action '{command.Action}': expected pause, resume, step or speed.", statusCode: 400);
            }
            return Results.Accepted("/api/clock");
        });
        return app;
    }

    /// <summary>A clock command: action pause | resume | step | speed (with speed).</summary>
    public sealed record ClockCommandDto(string? Action, double? Speed);

    /// <summary>The clock as /api/clock shows it.</summary>
    public sealed record ClockDto(string Now, string Mode, double Speed, bool Paused)
    {
        /// <summary>The DTO of a clock reading.</summary>
        public static ClockDto Of(Twin.Actors.Clock.ClockReading r) => new(r.Now.ToString(), r.Mode.ToString(), r.Speed, r.Paused);
    }

    /// <summary>An entity in /api/entities.</summary>
    public sealed record EntityDto(string Id, string Kind, string? KeyAlgorithm, string? CurrentSerial, bool? Reachable, string? CrlStatus, IReadOnlyList<CertificateDto> Certificates);

    /// <summary>A certificate in /api/entities, with its status at simulated now.</summary>
    public sealed record CertificateDto(string Serial, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string KeyAlgorithm, string Status);
}
