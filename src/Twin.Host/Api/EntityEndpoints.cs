using Akka.Actor;
using Twin.Actors.Control;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Pki.Encoding;

namespace Twin.Host.Api;

/// <summary>One entity in detail, its certificates as files, and the run's events from the journal.</summary>
public static class EntityEndpoints
{
    // What every PEA server offers: the stack's secure defaults (PEA servers offer no None endpoint).
    private static readonly IReadOnlyList<string> OfferedPolicies = new Twin.OpcUa.Server.ServerOptions().SecurityPolicyUris;

    /// <summary>The most events /api/events returns in one answer.</summary>
    public const int MaxEventsPerPage = 1000;

    /// <summary>Maps /api/entities/{id}, /api/entities/{id}/certificates/{serial}.{pem|der} and /api/events.</summary>
    public static RouteGroupBuilder MapEntityApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/entities/{id}", (string id, IPlantReadModel model, ITwinControl control) =>
        {
            if (!model.Current.Entities.TryGetValue(id, out var entity))
                return Results.Problem($"No entity '{id}' in this run.", statusCode: StatusCodes.Status404NotFound);
            var now = control.Clock.Now;
            var ders = CertificateView.DersOf(entity.Certificates); // in a replay: one journal read for the page, not one per certificate
            return Results.Json(new EntityDetailDto(
                entity.Id.Value,
                entity.Kind,
                entity.KeyAlgorithm,
                entity.Current?.SerialHex,
                entity.Certificates.Select((c, i) => new CertificateDetailDto(c.SerialHex, c.Subject, c.Issuer, c.NotBefore, c.NotAfter, c.KeyAlgorithm,
                    c.StatusAt(now).ToString(), c.InstalledAt.ToString(), c.SupersededAt?.ToString(), Pem.Encode("CERTIFICATE", ders[i].AsSpan()))).ToList(),
                entity.History.Select(h => new EventDto(h.Offset, h.At.ToString(), h.Entity.Value, h.Kind, h.Summary)).ToList())
            {
                Crl = entity.Crl is { } crl ? new CrlDto(crl.Number, crl.ThisUpdate, crl.NextUpdate, crl.Entries, crl.IsExpiredAt(now) ? "Expired" : "Current") : null,
            });
        });
        api.MapGet("/entities/{id}/certificates/{file}", (string id, string file, IPlantReadModel model) =>
        {
            var dot = file.LastIndexOf('.');
            var (serial, format) = dot < 0 ? (file, "") : (file[..dot], file[(dot + 1)..].ToLowerInvariant());
            if (format is not ("pem" or "der"))
                return Results.Problem($"'{file}': ask for SERIAL.pem or SERIAL.der.", statusCode: StatusCodes.Status400BadRequest);
            if (!model.Current.Entities.TryGetValue(id, out var entity))
                return Results.Problem($"No entity '{id}' in this run.", statusCode: StatusCodes.Status404NotFound);
            var certificate = entity.Certificates.FirstOrDefault(c => c.SerialHex.Equals(serial, StringComparison.OrdinalIgnoreCase));
            if (certificate is null)
                return Results.Problem($"Entity '{id}' holds no certificate with serial '{serial}'.", statusCode: StatusCodes.Status404NotFound);
            return format == "pem"
                ? Results.Text(Pem.Encode("CERTIFICATE", certificate.Der.AsSpan()), "application/x-pem-file")
                : Results.File(certificate.Der.ToArray(), "application/pkix-cert", $"{id}-{certificate.SerialHex}.der");
        });
        api.MapGet("/endpoints", (Twin.Actors.Plant.PlantRuntime runtime, IPlantReadModel model) =>
            Results.Json(runtime.Endpoints.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new EndpointDto(
                e.Key,
                e.Value,
                OfferedPolicies,
                ["SignAndEncrypt", "Sign"],
                model.Current.Entities.TryGetValue(e.Key, out var v) && v.Current is { } c ? Pem.Encode("CERTIFICATE", c.Der.AsSpan()) : null))));
        api.MapGet("/events", async (long? since, int? limit, Twin.Host.Hosting.RunActors actors, PlantSpec spec) =>
        {
            if (since is < 0) return Results.Problem("since: expected an event offset of 0 or more.", statusCode: StatusCodes.Status400BadRequest);
            if (limit is < 1 or > MaxEventsPerPage) return Results.Problem($"limit: expected 1 to {MaxEventsPerPage}.", statusCode: StatusCodes.Status400BadRequest);
            var events = await EventQuery.AfterAsync(actors.System, spec.Run, since ?? 0, limit ?? MaxEventsPerPage);
            return Results.Json(events.Select(e => new EventDto(e.Offset, e.At.ToString(), e.Entity.Value, e.Kind, e.Summary)));
        });
        return api;
    }

    /// <summary>An entity in /api/entities/{id}.</summary>
    public sealed record EntityDetailDto(string Id, string Kind, string? KeyAlgorithm, string? CurrentSerial, IReadOnlyList<CertificateDetailDto> Certificates, IReadOnlyList<EventDto> History)
    {
        /// <summary>For a CA: its last CRL.</summary>
        public CrlDto? Crl { get; init; }
    }

    /// <summary>A CA's last CRL: number, validity window, entry count, and whether it is current at simulated now.</summary>
    public sealed record CrlDto(long Number, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate, int Entries, string Status);

    /// <summary>A certificate with its PEM and where it stands at simulated now.</summary>
    public sealed record CertificateDetailDto(string Serial, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string KeyAlgorithm,
        string Status, string InstalledAt, string? SupersededAt, string Pem);

    /// <summary>An OPC UA endpoint of the plant: the serving entity, its URL, what it offers, and the certificate it presents.</summary>
    public sealed record EndpointDto(string Entity, string Url, IReadOnlyList<string> SecurityPolicies, IReadOnlyList<string> SecurityModes, string? ServerCertificatePem);

    /// <summary>An event: its journal offset (use it as the next `since`), simulated instant, entity, kind and summary.</summary>
    public sealed record EventDto(long Offset, string At, string Entity, string Kind, string Summary);
}
