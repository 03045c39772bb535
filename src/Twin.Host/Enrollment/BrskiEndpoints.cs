using Twin.Pki;
using Twin.Pki.Brski;

namespace Twin.Host.Enrollment;

/// <summary>
/// BRSKI (RFC 8995) at /.well-known/brski/: /requestvoucher (the pledge's CMS-signed voucher request in, the MASA's voucher out),
/// /voucher_status and /enrollstatus (the pledge's telemetry). The pledge authenticates with its IDevID in TLS; every decision is audited.
/// </summary>
public static class BrskiEndpoints
{
    /// <summary>The well-known prefix (RFC 8995 §5).</summary>
    public const string Prefix = "/.well-known/brski";

    /// <summary>application/voucher-cms+json (RFC 8366 §8.3).</summary>
    public const string VoucherMediaType = "application/voucher-cms+json";

    private const int MaxVoucherRequestBytes = 64 * 1024;

    /// <summary>Maps the BRSKI operations onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapBrski(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Prefix + "/requestvoucher", RequestVoucherAsync);
        app.MapPost(Prefix + "/voucher_status", (HttpContext c, IEstBackend b) => StatusAsync(c, b, "voucher_status"));
        app.MapPost(Prefix + "/enrollstatus", (HttpContext c, IEstBackend b) => StatusAsync(c, b, "enrollstatus"));
        return app;
    }

    private static async Task RequestVoucherAsync(HttpContext context, IEstBackend backend)
    {
        const string op = "requestvoucher";
        var certificate = EstHttp.ClientCertificate(context);
        var who = certificate?.Subject ?? "anonymous";
        // A pledge made by one of the twin's manufacturer entities is served as on its domain's route: that domain's registrar judges
        // it and asks the manufacturer entity; the MASAs configured for the listener answer only for manufacturers outside the twin.
        if (certificate is not null && backend.RouteOf(certificate) is { } route)
        {
            if (route.Domain is { } routed) await BrskiDomainEndpoints.RequestVoucherAsync(context, backend, routed.Label);
            else await RefuseAsync(context, backend, op, who, 409, route.Problem!);
            return;
        }
        var domain = backend.FindDomain(null);
        if (domain is null)
        {
            await RefuseAsync(context, backend, op, who, 503, "The twin has no CA yet; the registrar cannot be pinned.");
            return;
        }
        // RFC 8995 §5.3: the registrar authenticates the pledge by its IDevID in TLS.
        var client = backend.Authenticate(domain, certificate);
        if (client.Kind != EstClientKind.Idevid)
        {
            await RefuseAsync(context, backend, op, who, 401, client.Refusal ?? "A voucher request needs the pledge's IDevID as the TLS client certificate.");
            return;
        }
        if (!EstHttp.HasMediaType(context, VoucherMediaType))
        {
            await RefuseAsync(context, backend, op, who, 415, $"/requestvoucher takes {VoucherMediaType}, not '{context.Request.ContentType}'.");
            return;
        }
        if (await EstHttp.ReadBodyAsync(context, MaxVoucherRequestBytes) is not { } body) return;
        var registrar = await backend.RegistrarCredentialAsync(context.RequestAborted);
        var pledge = RegistrarVoucherRequests.ReadPledgeRequest(body, backend.ManufacturerAnchors, registrar.Certificate, backend.Now);
        if (!pledge.Accepted)
        {
            await RefuseAsync(context, backend, op, who, 400, pledge.Problem!);
            return;
        }
        if (!pledge.Idevid!.Equals(client.Certificate))
        {
            await RefuseAsync(context, backend, op, who, 403, "The voucher request is signed by another IDevID than the TLS client's.");
            return;
        }
        if (!backend.IsAllowListed(pledge.Idevid, out var reason))
        {
            await RefuseAsync(context, backend, op, who, 403, reason);
            return;
        }
        var request = RegistrarVoucherRequests.Create(body, pledge, registrar.Certificate, registrar.Key, backend.Now, registrar.Chain);
        var decision = await backend.RequestVoucherAsync(pledge.Idevid, request, context.RequestAborted);
        if (!decision.Issued)
        {
            await RefuseAsync(context, backend, op, who, 403, $"The MASA refused: {decision.Problem}");
            return;
        }
        await backend.AuditAsync(new EnrollmentAudit("BRSKI", op, who, true, $"voucher for serial-number {decision.SerialNumber} pinning {registrar.Certificate.Subject} ({reason})"));
        context.Response.StatusCode = 200;
        context.Response.ContentType = VoucherMediaType;
        await context.Response.Body.WriteAsync(decision.VoucherCms, context.RequestAborted);
    }

    private static async Task StatusAsync(HttpContext context, IEstBackend backend, string op)
    {
        var certificate = EstHttp.ClientCertificate(context);
        var who = certificate?.Subject ?? "anonymous";
        if (certificate is not null && backend.RouteOf(certificate) is { Domain: { } routed })
        {
            await BrskiDomainEndpoints.StatusAsync(context, backend, routed.Label, op); // recorded in that domain, as its voucher request was
            return;
        }
        var domain = backend.FindDomain(null);
        var client = domain is null ? null : backend.Authenticate(domain, certificate);
        if (client is null || !client.IsAuthenticated)
        {
            await RefuseAsync(context, backend, op, who, 401, client?.Refusal ?? "No domain yet.");
            return;
        }
        if (await EstHttp.ReadBodyAsync(context, BrskiStatus.MaxBytes) is not { } body) return;
        BrskiStatus status;
        try
        {
            status = BrskiStatus.FromJson(body);
        }
        catch (PkiException e)
        {
            await RefuseAsync(context, backend, op, who, 400, e.Message);
            return;
        }
        // Telemetry is recorded, not judged: the pledge reports what happened to it (RFC 8995 §5.7, §5.9.4).
        await backend.AuditAsync(new EnrollmentAudit("BRSKI", op, who, status.Status, status.Reason ?? (status.Status ? "success" : "failure")));
        context.Response.StatusCode = 200;
    }

    private static async Task RefuseAsync(HttpContext context, IEstBackend backend, string op, string client, int status, string reason)
    {
        await backend.AuditAsync(new EnrollmentAudit("BRSKI", op, client, false, reason));
        await EstHttp.RefuseAsync(context, status, reason);
    }
}
