using System.Text;

namespace Twin.Pki.Encoding;

/// <summary>PEM (RFC 7468) encoding and decoding.</summary>
public static class Pem
{
    /// <summary>Encodes <paramref name="der"/> under the given label, 64 characters a line.</summary>
    public static string Encode(string label, ReadOnlySpan<byte> der)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        var b64 = Convert.ToBase64String(der);
        var sb = new StringBuilder(b64.Length + 80);
        sb.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (var i = 0; i < b64.Length; i += 64)
            sb.Append(b64.AsSpan(i, Math.Min(64, b64.Length - i))).Append('\n');
        sb.Append("-----END ").Append(label).Append("-----\n");
        return sb.ToString();
    }

    /// <summary>Decodes the first block with <paramref name="label"/>; names the label and line on error.</summary>
    public static byte[] Decode(string pem, string label)
    {
        ArgumentNullException.ThrowIfNull(pem);
        ArgumentException.ThrowIfNullOrEmpty(label);
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var start = pem.IndexOf(begin, StringComparison.Ordinal);
        if (start < 0) throw new PkiFormatException($"PEM: no '{begin}' line found.");
        var bodyStart = start + begin.Length;
        var stop = pem.IndexOf(end, bodyStart, StringComparison.Ordinal);
        if (stop < 0)
        {
            var line = pem.AsSpan(0, start).Count('\n') + 1;
            throw new PkiFormatException($"PEM: block '{label}' opened at line {line} is never closed with '{end}'.");
        }
        var body = pem.AsSpan(bodyStart, stop - bodyStart);
        var sb = new StringBuilder(body.Length);
        foreach (var c in body)
            if (!char.IsWhiteSpace(c)) sb.Append(c);
        try
        {
            return Convert.FromBase64String(sb.ToString());
        }
        catch (FormatException e)
        {
            var line = pem.AsSpan(0, start).Count('\n') + 1;
            throw new PkiFormatException($"PEM: block '{label}' at line {line} is not valid base64.", e);
        }
    }

    /// <summary>All blocks with <paramref name="label"/>, in order.</summary>
    public static IReadOnlyList<byte[]> DecodeAll(string pem, string label)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var result = new List<byte[]>();
        var begin = $"-----BEGIN {label}-----";
        var at = 0;
        while ((at = pem.IndexOf(begin, at, StringComparison.Ordinal)) >= 0)
        {
            result.Add(Decode(pem[at..], label));
            at += begin.Length;
        }
        return result;
    }
}
