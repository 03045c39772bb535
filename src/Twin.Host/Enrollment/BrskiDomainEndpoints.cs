using Twin.Pki;
using Twin.Pki.Brski;
using Twin.Pki.Cmp;

namespace Twin.Host.Enrollment;

/// <summary>
/// BRSKI (RFC 8995 §5) into an operator domain at /.well-known/brski/DOMAIN/: /requestvoucher goes to that domain's registrar
/// entity, which judges the pledge against its own allow-list (its manufacturers' IDevID CAs included), wraps the request and asks
/// the twin's manufacturer entity — the MASA that sold the pledge — for the voucher; /voucher_status and /enrollstatus record the
/// pledge's telemetry. Refusals are in the registrar's audit trail.
/// </summary>
public static class BrskiDomainEndpoints
{
    private const int MaxVoucherRequestBytes = 64 * 1024;

    /// <summary>Maps the per-domain BRSKI operations onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapBrskiDomains(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(BrskiEndpoints.Prefix + "/{domain}/requestvoucher", RequestVoucherAsync);
        app.MapPost(BrskiEndpoints.Prefix + "/{domain}/voucher_status", (HttpContext c, IEstBackend b, string domain) => StatusAsync(c, b, domain, "voucher_status"));
        app.MapPost(BrskiEndpoints.Prefix + "/{domain}/enrollstatus", (HttpContext c, IEstBackend b, string domain) => StatusAsync(c, b, domain, "enrollstatus"));
        return app;
    }

    /// <summary>/requestvoucher of operator domain <paramref name="domain"/> (also the domain-less route's, for a pledge of a twin manufacturer).</summary>
    internal static async Task RequestVoucherAsync(HttpContext context, IEstBackend backend, string domain)
    {
        const string op = "requestvoucher";
        var certificate = EstHttp.ClientCertificate(context);
        var who = certificate?.Subject ?? "anonymous";
        if (OperatorDomain(backend, domain) is not { } named)
        {
            await RefuseAsync(context, backend, null, op, who, 404, $"No operator domain '{domain}' in this run: BRSKI needs a domain with a registrar.");
            return;
        }
        // RFC 8995 §5.3: the registrar authenticates the pledge by its IDevID in TLS; the registrar entity judges it.
        if (certificate is null)
        {
            await RefuseAsync(context, backend, named, op, who, 401, "A voucher request needs the pledge's IDevID as the TLS client certificate (RFC 8995 §5.3).", CmpFailure.SignerNotTrusted);
            return;
        }
        if (!EstHttp.HasMediaType(context, BrskiEndpoints.VoucherMediaType))
        {
            await RefuseAsync(context, backend, named, op, who, 415, $"/requestvoucher takes {BrskiEndpoints.VoucherMediaType}, not '{context.Request.ContentType}'.");
            return;
        }
        var (body, tooLarge) = await EstHttp.ReadBoundedAsync(context, MaxVoucherRequestBytes);
        if (body is null)
        {
            await RefuseAsync(context, backend, named, op, who, 413, tooLarge!);
            return;
        }
        // The registrar entity checks the request against its own certificate (proximity-registrar-cert, RFC 8995 §5.2) and signs the
        // registrar voucher request with its own key, the one the MASA pins.
        var decision = await backend.RequestDomainVoucherAsync(named, body, certificate, context.RequestAborted);
        if (!decision.Issued)
        {
            // The registrar has journaled the refusal already.
            await EstHttp.RefuseAsync(context, decision.Status, decision.Reason);
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = BrskiEndpoints.VoucherMediaType;
        await context.Response.Body.WriteAsync(decision.VoucherCms, context.RequestAborted);
    }

    /// <summary>/voucher_status or /enrollstatus of operator domain <paramref name="domain"/>.</summary>
    internal static async Task StatusAsync(HttpContext context, IEstBackend backend, string domain, string op)
    {
        var certificate = EstHttp.ClientCertificate(context);
        var who = certificate?.Subject ?? "anonymous";
        if (OperatorDomain(backend, domain) is not { } named)
        {
            await RefuseAsync(context, backend, null, op, who, 404, $"No operator domain '{domain}' in this run.");
            return;
        }
        if (certificate is null)
        {
            await RefuseAsync(context, backend, named, op, who, 401, "Status telemetry needs the pledge's TLS client certificate (RFC 8995 §5.7).", CmpFailure.SignerNotTrusted);
            return;
        }
        var (body, tooLarge) = await EstHttp.ReadBoundedAsync(context, BrskiStatus.MaxBytes);
        if (body is null)
        {
            await RefuseAsync(context, backend, named, op, who, 413, tooLarge!);
            return;
        }
        BrskiStatus status;
        try
        {
            status = BrskiStatus.FromJson(body);
        }
        catch (PkiException e)
        {
            await RefuseAsync(context, backend, named, op, who, 400, e.Message);
            return;
        }
        // Telemetry is recorded, not judged (RFC 8995 §5.7, §5.9.4): in the enrollment log, naming the domain.
        await backend.AuditAsync(new EnrollmentAudit("BRSKI", $"{named.Registrar}/{op}", who, status.Status, status.Reason ?? (status.Status ? "success" : "failure")));
        context.Response.StatusCode = 200;
    }

    private static EstDomain? OperatorDomain(IEstBackend backend, string label) =>
        Twin.Pki.Est.EstPaths.IsValidLabel(label) && backend.FindDomain(label) is { Registrar: not null } domain ? domain : null;

    // A refusal for a named operator domain goes into its registrar's audit trail; for an unknown domain, into the enrollment log.
    private static async Task RefuseAsync(HttpContext context, IEstBackend backend, EstDomain? domain, string op, string client, int status, string reason, CmpFailure failure = CmpFailure.BadRequest)
    {
        await backend.AuditAsync(new EnrollmentAudit("BRSKI", op, client, false, reason) { Registrar = domain?.Registrar, Failure = failure });
        await EstHttp.RefuseAsync(context, status, reason);
    }
}
