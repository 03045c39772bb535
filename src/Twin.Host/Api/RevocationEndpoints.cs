using Twin.Actors.Control;
using CaReachabilityAnswer = Twin.Actors.Protocol.Commands.CaReachability;
using Twin.Actors.Projections;
using Twin.Pki.Encoding;
using Twin.Pki.Revocation;

namespace Twin.Host.Api;

/// <summary>Revoking an entity's certificate through its CA, and a CA's current CRL as a file.</summary>
public static class RevocationEndpoints
{
    /// <summary>Maps POST /api/entities/{id}/revoke and GET /api/entities/{id}/crl.{pem|der}.</summary>
    public static RouteGroupBuilder MapRevocationApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapPost("/entities/{id}/revoke", async (string id, RevokeDto? body, IPlantReadModel model, ITwinControl control) =>
        {
            var reasonText = body?.Reason ?? nameof(RevocationReason.KeyCompromise);
            if (!Enum.TryParse<RevocationReason>(reasonText, ignoreCase: true, out var reason) || !Enum.IsDefined(reason) || reasonText.Any(char.IsDigit))
                return Results.Problem($"reason '{reasonText}': expected one of {string.Join(", ", Enum.GetNames<RevocationReason>().Where(n => n != nameof(RevocationReason.RemoveFromCrl)))}.", statusCode: StatusCodes.Status400BadRequest);
            var outcome = await Revocations.RevokeAsync(model, control, id, body?.Serial, reason, "api");
            return outcome.Done
                ? Results.Json(new { serial = outcome.Serial, ca = outcome.Ca?.Value, reason = reason.ToString(), crlNumber = outcome.CrlNumber })
                : Results.Problem(outcome.Message, statusCode: outcome.Code);
        });
        api.MapPost("/entities/{id}/reachability", async (string id, ReachabilityDto? body, IPlantReadModel model, ITwinControl control) =>
        {
            if (body?.Reachable is not bool reachable)
                return Results.Problem("reachable: expected true or false.", statusCode: StatusCodes.Status400BadRequest);
            if (!model.Current.Entities.TryGetValue(id, out var entity) || entity.Kind != Twin.Actors.Model.EntityKinds.CertificationAuthority)
                return Results.Problem($"No CA '{id}' in this run.", statusCode: StatusCodes.Status404NotFound);
            try
            {
                var answer = await control.AskEntityAsync<CaReachabilityAnswer>(entity.Id, new Twin.Actors.Protocol.Commands.SetCaReachable(reachable, "api"), TimeSpan.FromSeconds(20));
                return Results.Json(new { ca = id, reachable = answer.Reachable });
            }
            catch (Akka.Actor.AskTimeoutException)
            {
                return Results.Problem($"CA '{id}' did not answer within 20 s; its reachability may or may not have changed — see its next event.", statusCode: StatusCodes.Status504GatewayTimeout);
            }
            catch (InvalidOperationException refused)
            {
                return Results.Problem(refused.Message, statusCode: StatusCodes.Status409Conflict);
            }
        });
        api.MapGet("/entities/{id}/crl.{format}", (string id, string format, IPlantReadModel model) =>
        {
            if (!model.Current.Entities.TryGetValue(id, out var entity))
                return Results.Problem($"No entity '{id}' in this run.", statusCode: StatusCodes.Status404NotFound);
            if (entity.Crl is not { } crl)
                return Results.Problem($"Entity '{id}' has published no CRL.", statusCode: StatusCodes.Status404NotFound);
            return format.ToLowerInvariant() switch
            {
                "pem" => Results.Text(Pem.Encode("X509 CRL", crl.Der.AsSpan()), "application/x-pem-file"),
                "der" => Results.File(crl.Der.ToArray(), "application/pkix-crl", $"{id}-{crl.Number}.crl"),
                _ => Results.Problem($"'crl.{format}': ask for crl.pem or crl.der.", statusCode: StatusCodes.Status400BadRequest),
            };
        });
        return api;
    }

    /// <summary>Take a CA offline (false) or bring it back (true).</summary>
    public sealed record ReachabilityDto(bool? Reachable);

    /// <summary>What to revoke: the entity's current certificate unless a serial is named; reason keyCompromise unless named.</summary>
    public sealed record RevokeDto(string? Serial, string? Reason);
}
