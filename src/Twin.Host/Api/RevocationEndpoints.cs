using Twin.Actors.Control;
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

    /// <summary>What to revoke: the entity's current certificate unless a serial is named; reason keyCompromise unless named.</summary>
    public sealed record RevokeDto(string? Serial, string? Reason);
}
