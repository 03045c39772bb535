using System.Globalization;
using System.Text.Json;

namespace Twin.Pki.Brski;

/// <summary>The assertion a voucher (or a request for one) makes about the pledge's ownership (RFC 8366 §5.3).</summary>
public enum VoucherAssertion
{
    /// <summary>"verified": ownership was verified by the MASA.</summary>
    Verified,
    /// <summary>"logged": the MASA only logged the claim.</summary>
    Logged,
    /// <summary>"proximity": the pledge saw the registrar on its local network (RFC 8995 §3.3).</summary>
    Proximity,
}

/// <summary>
/// An RFC 8366 voucher (<c>ietf-voucher:voucher</c>): which domain a pledge may trust. Either <see cref="Nonce"/> (a one-time,
/// nonceful voucher) or <see cref="ExpiresOn"/> is set (§5.3). Binary leaves are base64 in JSON.
/// </summary>
public sealed record Voucher(
    DateTimeOffset CreatedOn,
    VoucherAssertion Assertion,
    string SerialNumber,
    byte[] PinnedDomainCert,
    byte[]? Nonce,
    DateTimeOffset? ExpiresOn,
    byte[]? IdevidIssuer)
{
    /// <summary>The top-level member name (RFC 8366 §5.3).</summary>
    public const string Root = "ietf-voucher:voucher";

    /// <summary>The JSON document (UTF-8).</summary>
    public byte[] ToJson()
    {
        if (Nonce is null && ExpiresOn is null)
            throw new PolicyViolationException("RFC 8366 §5.3: a voucher carries a nonce or an expires-on, else it never expires.");
        return VoucherJson.Write(Root, w =>
        {
            w.WriteString("created-on", VoucherJson.Time(CreatedOn));
            if (ExpiresOn is { } expires) w.WriteString("expires-on", VoucherJson.Time(expires));
            w.WriteString("assertion", VoucherJson.Name(Assertion));
            w.WriteString("serial-number", SerialNumber);
            if (IdevidIssuer is not null) w.WriteString("idevid-issuer", Convert.ToBase64String(IdevidIssuer));
            w.WriteString("pinned-domain-cert", Convert.ToBase64String(PinnedDomainCert));
            if (Nonce is not null) w.WriteString("nonce", Convert.ToBase64String(Nonce));
        });
    }

    /// <summary>Parses a voucher; every missing or malformed leaf is a <see cref="PkiFormatException"/> that names it.</summary>
    public static Voucher FromJson(ReadOnlySpan<byte> json)
    {
        var v = VoucherJson.Read(json, Root);
        var nonce = VoucherJson.OptionalBinary(v, "nonce");
        var expires = VoucherJson.OptionalTime(v, "expires-on");
        if (nonce is null && expires is null)
            throw new PkiFormatException($"{Root}: neither nonce nor expires-on is present (RFC 8366 §5.3).");
        return new Voucher(
            VoucherJson.RequiredTime(v, "created-on"),
            VoucherJson.Assertion(v),
            VoucherJson.RequiredString(v, "serial-number"),
            VoucherJson.OptionalBinary(v, "pinned-domain-cert") ?? throw new PkiFormatException($"{Root}: pinned-domain-cert is missing."),
            nonce,
            expires,
            VoucherJson.OptionalBinary(v, "idevid-issuer"));
    }
}

/// <summary>
/// A voucher request (<c>ietf-voucher-request:voucher</c>, RFC 8995 §3.4): from the pledge (with proximity-registrar-cert)
/// or from the registrar to the MASA (with idevid-issuer and prior-signed-voucher-request, the pledge's signed request).
/// </summary>
public sealed record VoucherRequest(
    DateTimeOffset CreatedOn,
    VoucherAssertion Assertion,
    string SerialNumber,
    byte[]? Nonce)
{
    /// <summary>The top-level member name (RFC 8995 §3.4).</summary>
    public const string Root = "ietf-voucher-request:voucher";

    /// <summary>The registrar certificate the pledge saw in TLS (pledge requests, RFC 8995 §3.4).</summary>
    public byte[]? ProximityRegistrarCert { get; init; }

    /// <summary>The authority key identifier of the pledge's IDevID (registrar requests, RFC 8995 §5.5).</summary>
    public byte[]? IdevidIssuer { get; init; }

    /// <summary>The pledge's CMS-signed request, as received (registrar requests, RFC 8995 §5.5).</summary>
    public byte[]? PriorSignedVoucherRequest { get; init; }

    /// <summary>The JSON document (UTF-8).</summary>
    public byte[] ToJson() => VoucherJson.Write(Root, w =>
    {
        w.WriteString("created-on", VoucherJson.Time(CreatedOn));
        w.WriteString("assertion", VoucherJson.Name(Assertion));
        w.WriteString("serial-number", SerialNumber);
        if (Nonce is not null) w.WriteString("nonce", Convert.ToBase64String(Nonce));
        if (IdevidIssuer is not null) w.WriteString("idevid-issuer", Convert.ToBase64String(IdevidIssuer));
        if (ProximityRegistrarCert is not null) w.WriteString("proximity-registrar-cert", Convert.ToBase64String(ProximityRegistrarCert));
        if (PriorSignedVoucherRequest is not null) w.WriteString("prior-signed-voucher-request", Convert.ToBase64String(PriorSignedVoucherRequest));
    });

    /// <summary>Parses a voucher request; every malformed leaf is a <see cref="PkiFormatException"/> that names it.</summary>
    public static VoucherRequest FromJson(ReadOnlySpan<byte> json)
    {
        var v = VoucherJson.Read(json, Root);
        return new VoucherRequest(VoucherJson.RequiredTime(v, "created-on"), VoucherJson.Assertion(v), VoucherJson.RequiredString(v, "serial-number"), VoucherJson.OptionalBinary(v, "nonce"))
        {
            ProximityRegistrarCert = VoucherJson.OptionalBinary(v, "proximity-registrar-cert"),
            IdevidIssuer = VoucherJson.OptionalBinary(v, "idevid-issuer"),
            PriorSignedVoucherRequest = VoucherJson.OptionalBinary(v, "prior-signed-voucher-request"),
        };
    }
}

internal static class VoucherJson
{
    internal const int MaxBytes = 64 * 1024;

    internal static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    internal static string Name(VoucherAssertion a) => a switch
    {
        VoucherAssertion.Verified => "verified",
        VoucherAssertion.Logged => "logged",
        VoucherAssertion.Proximity => "proximity",
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, "Unknown assertion."),
    };

    internal static byte[] Write(string root, Action<Utf8JsonWriter> leaves)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject(root);
            leaves(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    internal static JsonElement Read(ReadOnlySpan<byte> json, string root)
    {
        if (json.Length > MaxBytes)
            throw new PkiFormatException($"{root}: {json.Length} bytes, more than the {MaxBytes} accepted.");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new PkiFormatException($"{root}: not JSON ({e.Message}).", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(root, out var inner) || inner.ValueKind != JsonValueKind.Object)
                throw new PkiFormatException($"The JSON has no object member '{root}'.");
            return inner.Clone();
        }
    }

    internal static string RequiredString(JsonElement v, string name) =>
        v.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String && p.GetString() is { Length: > 0 } s
            ? s : throw new PkiFormatException($"{name}: missing or not a non-empty string.");

    internal static DateTimeOffset RequiredTime(JsonElement v, string name) =>
        OptionalTime(v, name) ?? throw new PkiFormatException($"{name}: missing.");

    internal static DateTimeOffset? OptionalTime(JsonElement v, string name)
    {
        if (!v.TryGetProperty(name, out var p)) return null;
        if (p.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(p.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return t;
        throw new PkiFormatException($"{name}: '{p}' is not an RFC 3339 date-and-time.");
    }

    internal static byte[]? OptionalBinary(JsonElement v, string name)
    {
        if (!v.TryGetProperty(name, out var p)) return null;
        if (p.ValueKind == JsonValueKind.String && p.TryGetBytesFromBase64(out var bytes)) return bytes;
        throw new PkiFormatException($"{name}: not base64 (YANG binary, RFC 7951 §6.6).");
    }

    internal static VoucherAssertion Assertion(JsonElement v) => RequiredString(v, "assertion") switch
    {
        "verified" => VoucherAssertion.Verified,
        "logged" => VoucherAssertion.Logged,
        "proximity" => VoucherAssertion.Proximity,
        var other => throw new PkiFormatException($"assertion: '{other}' is not verified, logged or proximity (RFC 8366 §5.3)."),
    };
}
