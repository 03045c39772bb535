using Twin.Actors.Control;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;

namespace Twin.Host.Api;

/// <summary>Operator domains: what they are, one-time secrets for CMP enrollment, and each registrar's audit trail.</summary>
public static class DomainEndpoints
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Maps GET /api/domains, POST /api/domains/{domain}/otp and GET /api/domains/{domain}/audit.</summary>
    public static RouteGroupBuilder MapDomainApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/domains", (PlantSpec spec) => Results.Json(spec.Registrars.Select(r => new DomainDto(
            r.Settings.Domain, r.Id.Value, r.Settings.Mode.ToString().ToLowerInvariant(), r.Settings.IssuingCa.Value, r.Settings.Suite.ToString(),
            $"/.well-known/cmp/p/{r.Settings.Domain}", r.Settings.Templates.Select(t => t.Name).ToList(), r.Settings.Upstream?.Url.ToString()))));
        // A trainer hands the reference and secret to a trainee's device: usable once, for MAC-protected ir (RFC 9483 §4.1.5).
        api.MapPost("/domains/{domain}/otp", async (string domain, HttpContext context, PlantSpec spec, ITwinControl control) =>
        {
            if (!spec.Registrars.Any(r => r.Settings.Domain == domain))
                return Results.Problem($"No domain '{domain}' in this run.", statusCode: StatusCodes.Status404NotFound);
            try
            {
                var secret = await control.AskEntityAsync<EnrollmentSecret>(RegistrarSettings.EntityIdOf(domain), new IssueEnrollmentSecret($"api:{context.Connection.RemoteIpAddress}"), Timeout);
                return Results.Json(new { domain, reference = secret.Reference, secret = secret.Secret, path = $"/.well-known/cmp/p/{domain}" });
            }
            catch (InvalidOperationException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        api.MapGet("/domains/{domain}/audit", async (string domain, PlantSpec spec, ITwinControl control) =>
        {
            if (!spec.Registrars.Any(r => r.Settings.Domain == domain))
                return Results.Problem($"No domain '{domain}' in this run.", statusCode: StatusCodes.Status404NotFound);
            var status = await control.AskEntityAsync<RegistrarStatus>(RegistrarSettings.EntityIdOf(domain), new GetRegistrarStatus(), Timeout);
            return Results.Json(status.RecentDecisions.Select(d => new AuditDto(d.At.ToString(), d.Who, d.What, d.Verdict, d.Reason, d.Failure, d.Transaction)));
        });
        return api;
    }

    /// <summary>A domain in /api/domains.</summary>
    public sealed record DomainDto(string Name, string Registrar, string Mode, string IssuingCa, string SignatureSuite, string CmpPath, IReadOnlyList<string> Templates, string? Upstream);

    /// <summary>One decision of a registrar's audit trail (the journal keeps all; this shows the latest).</summary>
    public sealed record AuditDto(string At, string Who, string What, string Verdict, string Reason, string? Failure, string Transaction);
}
