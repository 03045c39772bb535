using Twin.Pki.Certificates;
using Twin.Pki.Est;

namespace Twin.Host.Enrollment;

/// <summary>HTTP plumbing shared by the EST and BRSKI endpoints: bounded bodies, base64 answers, plain-text refusals.</summary>
internal static class EstHttp
{
    /// <summary>Reads the request body, refusing (null, with 413 written) when it is larger than <paramref name="limit"/>.</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpContext context, int limit)
    {
        var (body, tooLarge) = await ReadBoundedAsync(context, limit);
        if (tooLarge is not null) await RefuseAsync(context, 413, tooLarge);
        return body;
    }

    /// <summary>Reads the request body, or says why it is too large (nothing written: the caller refuses, and audits).</summary>
    internal static async Task<(byte[]? Body, string? TooLarge)> ReadBoundedAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength > limit)
            return (null, $"The body has {context.Request.ContentLength} bytes, more than the {limit} accepted.");
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + n > limit) return (null, $"The body is larger than the {limit} bytes accepted.");
            buffer.Write(chunk, 0, n);
        }
        return (buffer.ToArray(), null);
    }

    /// <summary>The TLS client certificate as a Twin.Pki certificate, or null.</summary>
    internal static Certificate? ClientCertificate(HttpContext context) =>
        context.Connection.ClientCertificate is { } c ? Certificate.FromDer(c.RawData) : null;

    /// <summary>Writes DER as base64 with Content-Transfer-Encoding: base64 (RFC 7030 §4).</summary>
    internal static Task WriteBase64Async(HttpContext context, string contentType, byte[] der)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.Headers["Content-Transfer-Encoding"] = "base64";
        return context.Response.WriteAsync(EstCodec.ToBase64Body(der), context.RequestAborted);
    }

    /// <summary>A refusal: the status and a one-line reason as text/plain (RFC 7030 §4.2.3: human-readable).</summary>
    internal static Task RefuseAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason + "\n", context.RequestAborted);
    }

    /// <summary>True when the request's media type is <paramref name="mediaType"/> (parameters ignored).</summary>
    internal static bool HasMediaType(HttpContext context, string mediaType) =>
        context.Request.ContentType is { } t && t.Split(';')[0].Trim().Equals(mediaType, StringComparison.OrdinalIgnoreCase);
}
