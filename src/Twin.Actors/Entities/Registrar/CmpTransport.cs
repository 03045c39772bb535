using System.Net.Http.Headers;

namespace Twin.Actors.Entities.Registrar;

/// <summary>How an RA-mode registrar reaches its upstream CA: one CMP message out, one back (RFC 6712 over HTTP).</summary>
public interface ICmpTransport
{
    /// <summary>POSTs <paramref name="der"/> to <paramref name="url"/> as application/pkixcmp and returns the answer's DER.</summary>
    Task<byte[]> ExchangeAsync(Uri url, byte[] der, CancellationToken cancellation);
}

/// <summary>CMP over HTTP with one shared client: bounded in time and in the size of what it reads back.</summary>
public sealed class HttpCmpTransport : ICmpTransport
{
    private const int MaxAnswer = Twin.Pki.Cmp.CmpMessage.MaxBytes;
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The transport every registrar uses unless a test gives it another.</summary>
    public static HttpCmpTransport Shared { get; } = new();

    /// <inheritdoc />
    public async Task<byte[]> ExchangeAsync(Uri url, byte[] der, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var content = new ByteArrayContent(der);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pkixcmp");
        using var response = await Client.PostAsync(url, content, cancellation).ConfigureAwait(false);
        var type = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(type, "application/pkixcmp", StringComparison.OrdinalIgnoreCase))
            throw new HttpRequestException($"upstream {url} answered HTTP {(int)response.StatusCode} with content type '{type}', not application/pkixcmp.");
        if (response.Content.Headers.ContentLength is > MaxAnswer)
            throw new HttpRequestException($"upstream {url} answered {response.Content.Headers.ContentLength} bytes, more than {MaxAnswer}.");
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation).ConfigureAwait(false);
        return bytes.Length > MaxAnswer ? throw new HttpRequestException($"upstream {url} answered more than {MaxAnswer} bytes.") : bytes;
    }
}
