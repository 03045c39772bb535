using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Est;

namespace Twin.Host.Enrollment;

/// <summary>
/// EST (RFC 7030) at /.well-known/est/[DOMAIN/]OPERATION over the enrollment listener's HTTPS: the endpoints parse and
/// answer HTTP; every decision is the <see cref="IEstBackend"/>'s, and every refusal is audited.
/// </summary>
public static class EstEndpoints
{
    /// <summary>Maps the EST operations onto <paramref name="app"/>.</summary>
    public static IEndpointRouteBuilder MapEst(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Map(EstPaths.Prefix + "/{**path}", HandleAsync);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, IEstBackend backend, string? path)
    {
        var segments = (path ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var label = segments.Length == 2 ? segments[0] : null;
        var operation = segments.Length is 1 or 2 ? EstPaths.Parse(segments[^1]) : null;
        var client = EstHttp.ClientCertificate(context);
        var named = label is not null && EstPaths.IsValidLabel(label) ? backend.FindDomain(label) : null;
        if (operation is not { } op)
        {
            var unknown = $"'{EstPaths.Prefix}/{path}' names no EST operation (cacerts, simpleenroll, simplereenroll, serverkeygen, csrattrs), optionally after one domain label.";
            // Asked of an operator domain, the refusal belongs in that domain's audit trail.
            if (named?.Registrar is not null) await RefuseAuditedAsync(context, backend, named, segments[^1][..Math.Min(40, segments[^1].Length)], client, 404, unknown, CmpFailure.BadRequest);
            else await EstHttp.RefuseAsync(context, 404, unknown);
            return;
        }
        var name = EstPaths.Segment(op);
        if ((label is not null && !EstPaths.IsValidLabel(label)) || backend.FindDomain(label) is not { } domain)
        {
            await RefuseAuditedAsync(context, backend, null, name, client, 404, label is null ? "The twin has no CA to serve as the default domain yet." : $"No domain '{label}' in this run.", CmpFailure.BadRequest);
            return;
        }
        var expected = op is EstOperation.CaCerts or EstOperation.CsrAttrs ? HttpMethods.Get : HttpMethods.Post;
        if (!string.Equals(context.Request.Method, expected, StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Headers.Allow = expected;
            if (domain.Registrar is not null) await RefuseAuditedAsync(context, backend, domain, name, client, 405, $"/{name} takes {expected}.", CmpFailure.BadRequest);
            else await EstHttp.RefuseAsync(context, 405, $"/{name} takes {expected}.");
            return;
        }
        switch (op)
        {
            case EstOperation.CaCerts:
                var certificates = await backend.CaCertificatesAsync(domain, context.RequestAborted);
                if (certificates.Count == 0) await EstHttp.RefuseAsync(context, 503, $"CA {domain.Ca} has no certificate yet.");
                else await EstHttp.WriteBase64Async(context, "application/pkcs7-mime", EstCodec.CertsOnly(certificates));
                return;
            case EstOperation.CsrAttrs:
                await EstHttp.WriteBase64Async(context, EstPaths.CsrAttrsMediaType, backend.CsrAttributes(domain).ToDer());
                return;
        }
        // Enrollment: the client must have authenticated with its TLS certificate (RFC 7030 §3.3.2).
        var authenticated = backend.Authenticate(domain, client);
        if (!authenticated.IsAuthenticated)
        {
            await RefuseAuditedAsync(context, backend, domain, name, client, 401, authenticated.Refusal ?? "The client is not authenticated.", CmpFailure.SignerNotTrusted);
            return;
        }
        if (!EstHttp.HasMediaType(context, EstPaths.Pkcs10MediaType))
        {
            await RefuseAuditedAsync(context, backend, domain, name, client, 415, $"/{name} takes {EstPaths.Pkcs10MediaType} (base64 DER), not '{context.Request.ContentType}'.", CmpFailure.BadRequest);
            return;
        }
        var (body, tooLarge) = await EstHttp.ReadBoundedAsync(context, EstCodec.MaxBodyBytes);
        if (body is null)
        {
            await RefuseAuditedAsync(context, backend, domain, name, client, 413, tooLarge!, CmpFailure.BadRequest);
            return;
        }
        CertificationRequest csr;
        try
        {
            csr = EstCodec.ReadCsr(body);
        }
        catch (PkiException e)
        {
            await RefuseAuditedAsync(context, backend, domain, name, client, 400, e.Message, CmpFailure.BadDataFormat);
            return;
        }
        if (op == EstOperation.ServerKeyGen)
        {
            var generated = await backend.ServerKeyGenAsync(domain, authenticated, csr, context.RequestAborted);
            var destroyed = false;
            try
            {
                if (!generated.Result.Issued || generated.Pkcs8 is null)
                {
                    await EstHttp.RefuseAsync(context, generated.Result.Status, generated.Result.Message);
                    return;
                }
                context.Response.StatusCode = 200;
                context.Response.ContentType = ServerKeyGenResponse.ContentType;
                await context.Response.Body.WriteAsync(ServerKeyGenResponse.Encode(generated.Pkcs8, generated.Result.Certificate!), context.RequestAborted);
                // Chunked: the client has the answer only with the final chunk. The key is destroyed (and that journaled) once the
                // body has left, and before the answer ends — so by the time a client holds the key, the server no longer does.
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await generated.DestroyAsync();
                destroyed = true;
                await context.Response.CompleteAsync();
            }
            finally
            {
                if (!destroyed) await generated.DestroyAsync();
            }
            return;
        }
        var result = await backend.EnrollAsync(domain, authenticated, csr, op, context.RequestAborted);
        if (result.Issued) await EstHttp.WriteBase64Async(context, EstPaths.CertsOnlyMediaType, EstCodec.CertsOnly([result.Certificate!]));
        else await EstHttp.RefuseAsync(context, result.Status, result.Message);
    }

    // A refusal decided here, before anyone was asked to decide: into the named operator domain's audit trail (who as its registrar
    // names a requester), else into the enrollment log. Journaled before the client hears of it.
    private static async Task RefuseAuditedAsync(HttpContext context, IEstBackend backend, EstDomain? domain, string operation, Certificate? client, int status, string reason, CmpFailure failure)
    {
        var audit = domain?.Registrar is { } registrar
            ? new EnrollmentAudit("EST", operation, client is null ? "unauthenticated:https" : $"cert:{client.Subject}#{client.SerialNumber.Hex}", false, reason) { Registrar = registrar, Failure = failure }
            : new EnrollmentAudit("EST", operation, client?.Subject ?? "anonymous", false, reason);
        await backend.AuditAsync(audit);
        await EstHttp.RefuseAsync(context, status, reason);
    }
}
