using Twin.Actors.Control;
using Twin.Actors.Plant;
using Twin.Pki.Revocation;

namespace Twin.Host.Api;

/// <summary>
/// The twin's OCSP responders over HTTP (RFC 6960 Appendix A): POST /ocsp/{ca} with an application/ocsp-request body, or
/// GET /ocsp/{ca}/{base64 of the DER request, URL-encoded}. Answers are signed at simulated now by the CA (or its delegated
/// responder) from its records; a request that does not parse is answered malformedRequest, one about another CA's
/// certificates unauthorized. A CA without a responder is 404; a responder that is down (its CA cut off) is 503.
/// Read-only: open to everyone like a CRL, so it sits outside /api and its control guard.
/// </summary>
public static class OcspEndpoints
{
    /// <summary>The media types of RFC 6960 Appendix A.</summary>
    public const string RequestType = "application/ocsp-request";

    /// <summary>The media type of an answer.</summary>
    public const string ResponseType = "application/ocsp-response";

    /// <summary>Maps POST /ocsp/{ca} and GET /ocsp/{ca}/{request}.</summary>
    public static IEndpointRouteBuilder MapOcsp(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/ocsp/{ca}", async (string ca, HttpContext context, PlantRuntime runtime, ITwinControl control) =>
        {
            var type = context.Request.ContentType;
            if (type is null || !type.StartsWith(RequestType, StringComparison.OrdinalIgnoreCase))
                return Results.Problem($"Content-Type '{type}': an OCSP request is sent as {RequestType} (RFC 6960 Appendix A.1).", statusCode: StatusCodes.Status415UnsupportedMediaType);
            var body = await ReadBoundedAsync(context.Request.Body, OcspResponder.MaxRequestBytes, context.RequestAborted);
            return Answer(ca, body, runtime, control);
        });
        app.MapGet("/ocsp/{ca}/{**request}", (string ca, string request, PlantRuntime runtime, ITwinControl control) =>
        {
            // RFC 6960 Appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER encoding of the OCSPRequest}.
            byte[]? der;
            try
            {
                var text = Uri.UnescapeDataString(request);
                der = text.Length > OcspResponder.MaxRequestBytes * 2 ? null : Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                der = null;
            }
            return Answer(ca, der, runtime, control);
        });
        return app;
    }

    // null body: too large or not base64 — answered malformedRequest like any request that does not parse.
    private static IResult Answer(string ca, byte[]? request, PlantRuntime runtime, ITwinControl control)
    {
        if (runtime.Distribution.OcspFor(ca) is not { } service)
        {
            var known = runtime.Distribution.OcspResponders;
            return Results.Problem(known.Count == 0
                ? $"No OCSP responder '{ca}': this run's design does not revoke by OCSP (design.revocation: ocsp)."
                : $"No OCSP responder '{ca}': the responders of this run are {string.Join(", ", known)}.", statusCode: StatusCodes.Status404NotFound);
        }
        if (request is null) return Results.Bytes(OcspResponder.Error(OcspResponseStatus.MalformedRequest), ResponseType);
        if (service.Answer(request, control.Clock.Now.Utc) is not { } response)
            return Results.Problem($"The OCSP responder of CA '{ca}' is down: the CA is cut off and no delegated responder answers for it.", statusCode: StatusCodes.Status503ServiceUnavailable);
        return Results.Bytes(response, ResponseType);
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancel)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
