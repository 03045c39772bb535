using Twin.Actors.Control;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Cmp;

namespace Twin.Host.Enrollment;

/// <summary>
/// CMP over HTTP (RFC 6712, RFC 9483 §3.3): POST application/pkixcmp to /.well-known/cmp (the first
/// domain) or /.well-known/cmp/p/DOMAIN. A mapping function, so any listener (HTTP or HTTPS) can serve it.
/// </summary>
public static class CmpEndpoints
{
    /// <summary>The media type of CMP messages over HTTP.</summary>
    public const string MediaType = "application/pkixcmp";

    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(40);

    /// <summary>Maps the CMP endpoints of every domain of the running twin.</summary>
    public static IEndpointRouteBuilder MapCmp(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/.well-known/cmp", (HttpContext context, PlantSpec spec, ITwinControl control) =>
            ServeAsync(context, spec.Registrars.Count > 0 ? spec.Registrars[0].Settings.Domain : null, spec, control));
        app.MapPost("/.well-known/cmp/p/{domain}", (string domain, HttpContext context, PlantSpec spec, ITwinControl control) =>
            ServeAsync(context, domain, spec, control));
        return app;
    }

    // The enrollment backend keeps the log: this listener's own, or — behind the dashboard's web host — the current run's.
    private static IEstBackend? EnrollmentLogOf(HttpContext context) =>
        context.RequestServices.GetService<IEstBackend>()
        ?? context.RequestServices.GetService<Twin.Host.Hosting.LiveRun>()?.Current.Services.GetService<IEstBackend>();

    private static async Task<IResult> ServeAsync(HttpContext context, string? domain, PlantSpec spec, ITwinControl control)
    {
        var origin = $"{context.Request.Scheme}:{context.Connection.RemoteIpAddress}";
        if (domain is null || !spec.Registrars.Any(r => r.Settings.Domain == domain))
        {
            var unknown = domain is null ? "This twin serves no operator domain (topology.domains is empty)." : $"No domain '{domain}' in this run.";
            // No domain, no domain trail: the enrollment log keeps it (when the enrollment endpoints are served).
            if (EnrollmentLogOf(context) is { } log)
                await log.AuditAsync(new EnrollmentAudit("CMP", "p/" + (domain ?? "")[..Math.Min(40, domain?.Length ?? 0)], $"unauthenticated:{origin}", false, unknown));
            return Results.Problem(unknown, statusCode: StatusCodes.Status404NotFound);
        }
        var type = context.Request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(type, MediaType, StringComparison.OrdinalIgnoreCase))
            return await RefusedAsync(control, domain, origin, $"Content-Type '{type}': CMP requests are {MediaType} (RFC 6712 §3.4).", StatusCodes.Status415UnsupportedMediaType);
        if (context.Request.ContentLength is > CmpMessage.MaxBytes)
            return await RefusedAsync(control, domain, origin, $"The request has {context.Request.ContentLength} bytes; at most {CmpMessage.MaxBytes} are accepted.", StatusCodes.Status413PayloadTooLarge);
        var body = await ReadBoundedAsync(context.Request.Body, context.Request.ContentLength, CmpMessage.MaxBytes, context.RequestAborted);
        if (body is null)
            return await RefusedAsync(control, domain, origin, $"The request is larger than {CmpMessage.MaxBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        CmpReply reply;
        bool? decodes = null;
        try
        {
            // The registrar runs in this process (it published its gate): the request is decoded and its signatures and POP are
            // checked here, on this request's thread, and the registrar judges the decoded message — one hand-off, not three.
            if (context.RequestServices.GetService<PlantRuntime>() is { } runtime && runtime.CmpGates.TryGetValue(domain, out var gate))
            {
                var ahead = gate.CheckAhead(body);
                decodes = ahead is not null;
                reply = await gate.SendAsync(new CmpRequest(body, origin), ahead, AnswerTimeout);
            }
            else reply = await control.AskEntityAsync<CmpReply>(RegistrarSettings.EntityIdOf(domain), new CmpRequest(body, origin), AnswerTimeout);
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or ArgumentException or Akka.Actor.AskTimeoutException)
        {
            return Results.Problem($"The registrar of domain '{domain}' did not answer: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        // An undecodable body gets its CMP error message with 400; every other answer (error messages included) travels with 200.
        return Results.Bytes(reply.Der, MediaType) is var ok && reply.Refused && !(decodes ?? Decodes(body))
            ? new StatusResult(StatusCodes.Status400BadRequest, reply.Der)
            : ok;
    }

    // A refusal decided before the registrar saw the message goes into the domain's audit trail all the same, stored before the answer.
    private static async Task<IResult> RefusedAsync(ITwinControl control, string domain, string origin, string reason, int status)
    {
        try
        {
            await control.AskEntityAsync<RefusalRecorded>(RegistrarSettings.EntityIdOf(domain), new RecordRefusal($"unauthenticated:{origin}", "http", reason, CmpFailure.BadRequest), AnswerTimeout);
        }
        catch (Exception e) when (e is TimeoutException or TaskCanceledException or Akka.Actor.AskTimeoutException)
        {
            return Results.Problem($"{reason} (and the registrar of domain '{domain}' did not answer: {e.Message})", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        return Results.Problem(reason, statusCode: status);
    }

    private static bool Decodes(byte[] body)
    {
        try
        {
            CmpMessage.Decode(body);
            return true;
        }
        catch (CmpException)
        {
            return false;
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, long? declared, int limit, CancellationToken cancellation)
    {
        if (declared is { } length and <= int.MaxValue)
        {
            // The usual request says its length (checked against the limit before): read it straight into an array of that size.
            var exact = new byte[length];
            await body.ReadExactlyAsync(exact, cancellation);
            // The server frames the body by its Content-Length, so nothing follows; should anything, the request is refused, not cut.
            return await body.ReadAsync(new byte[1], cancellation) == 0 ? exact : null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private sealed class StatusResult(int status, byte[] der) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = MediaType;
            await httpContext.Response.Body.WriteAsync(der);
        }
    }
}
