using System.Text.Json;

namespace Twin.Pki.Brski;

/// <summary>
/// The pledge's telemetry bodies (RFC 8995 §5.7 /voucher_status and §5.9.4 /enrollstatus): version 1, whether it succeeded,
/// a human-readable reason, and an optional reason-context object kept as raw JSON.
/// </summary>
public sealed record BrskiStatus(int Version, bool Status, string? Reason, string? ReasonContextJson)
{
    /// <summary>The largest body accepted.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>The JSON document (UTF-8).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            w.WriteBoolean("status", Status);
            if (Reason is not null) w.WriteString("reason", Reason);
            if (ReasonContextJson is not null)
            {
                w.WritePropertyName("reason-context");
                using var context = JsonDocument.Parse(ReasonContextJson);
                context.RootElement.WriteTo(w);
            }
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Parses a status body; a missing version or status, or a body too large, is a <see cref="PkiFormatException"/> naming it.</summary>
    public static BrskiStatus FromJson(ReadOnlySpan<byte> json)
    {
        if (json.Length > MaxBytes) throw new PkiFormatException($"status: {json.Length} bytes, more than the {MaxBytes} accepted.");
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new PkiFormatException("status: the body is not a JSON object.");
            if (!root.TryGetProperty("version", out var v) || !v.TryGetInt32(out var version))
                throw new PkiFormatException("status: 'version' is missing or not an integer (RFC 8995 §5.7).");
            if (!root.TryGetProperty("status", out var s) || s.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw new PkiFormatException("status: 'status' is missing or not a boolean (RFC 8995 §5.7).");
            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            var context = root.TryGetProperty("reason-context", out var c) ? c.GetRawText() : null;
            return new BrskiStatus(version, s.GetBoolean(), reason, context);
        }
        catch (JsonException e)
        {
            throw new PkiFormatException($"status: not JSON ({e.Message}).", e);
        }
    }
}
