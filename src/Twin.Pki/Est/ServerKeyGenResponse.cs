using System.Text;
using Twin.Pki.Certificates;

namespace Twin.Pki.Est;

/// <summary>
/// The /serverkeygen answer (RFC 7030 §4.4.2): multipart/mixed with the private key as an unencrypted PKCS#8 part
/// (application/pkcs8) and the certificate as a certs-only part, each base64. The key travels only inside the TLS
/// session the client authenticated; it is never written to logs or exceptions.
/// </summary>
public static class ServerKeyGenResponse
{
    /// <summary>The multipart boundary PlantTrust writes; parsing takes any boundary from the Content-Type.</summary>
    public const string Boundary = "est-serverkeygen";

    /// <summary>The Content-Type header of the answer.</summary>
    public static string ContentType => $"multipart/mixed; boundary={Boundary}";

    /// <summary>The body: the PKCS#8 key part, then the certs-only part with <paramref name="certificate"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> pkcs8, Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var body = new StringBuilder()
            .Append("--").Append(Boundary).Append("\r\n")
            .Append("Content-Type: ").Append(EstPaths.Pkcs8MediaType).Append("\r\n")
            .Append("Content-Transfer-Encoding: base64\r\n\r\n")
            .Append(EstCodec.ToBase64Body(pkcs8))
            .Append("--").Append(Boundary).Append("\r\n")
            .Append("Content-Type: ").Append(EstPaths.CertsOnlyMediaType).Append("\r\n")
            .Append("Content-Transfer-Encoding: base64\r\n\r\n")
            .Append(EstCodec.ToBase64Body(EstCodec.CertsOnly([certificate])))
            .Append("--").Append(Boundary).Append("--\r\n");
        return System.Text.Encoding.ASCII.GetBytes(body.ToString());
    }

    /// <summary>Splits an answer into the PKCS#8 key and the certificates. <paramref name="contentType"/> supplies the boundary.</summary>
    public static (byte[] Pkcs8, IReadOnlyList<Certificate> Certificates) Decode(string contentType, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        var marker = "boundary=";
        var at = contentType.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
        if (!contentType.StartsWith("multipart/mixed", StringComparison.OrdinalIgnoreCase) || at < 0)
            throw new PkiFormatException($"serverkeygen answer: Content-Type '{contentType}' is not multipart/mixed with a boundary.");
        var boundary = contentType[(at + marker.Length)..].Split(';')[0].Trim().Trim('"');
        var text = System.Text.Encoding.ASCII.GetString(body);
        byte[]? key = null;
        IReadOnlyList<Certificate>? certificates = null;
        foreach (var part in text.Split("--" + boundary).Skip(1))
        {
            if (part.StartsWith("--", StringComparison.Ordinal)) break;
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (split < 0) throw new PkiFormatException("serverkeygen answer: a part has no blank line between headers and body.");
            var headers = part[..split];
            var content = System.Text.Encoding.ASCII.GetBytes(part[(split + 4)..]);
            if (headers.Contains(EstPaths.Pkcs8MediaType, StringComparison.OrdinalIgnoreCase))
                key = EstCodec.FromBase64Body(content, "serverkeygen PKCS#8 part");
            else if (headers.Contains("application/pkcs7-mime", StringComparison.OrdinalIgnoreCase))
                certificates = EstCodec.ReadCertsOnly(EstCodec.FromBase64Body(content, "serverkeygen certificate part"));
        }
        return (key ?? throw new PkiFormatException("serverkeygen answer: no application/pkcs8 part."),
            certificates ?? throw new PkiFormatException("serverkeygen answer: no application/pkcs7-mime part."));
    }
}
