using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Cms;
using Twin.Pki.Keys;
using Twin.Pki.Validation;

namespace Twin.Actors.Entities.TrustCentre;

/// <summary>An IEC 62443 security level (IEC 62443-3-3 / -4-2): how strong an attacker the accredited CA's operation resists.</summary>
public enum SecurityLevel
{
    /// <summary>SL 1: protection against casual or coincidental violation.</summary>
    SL1 = 1,

    /// <summary>SL 2: against intentional violation with simple means.</summary>
    SL2 = 2,

    /// <summary>SL 3: against sophisticated means with moderate resources.</summary>
    SL3 = 3,

    /// <summary>SL 4: against sophisticated means with extended resources.</summary>
    SL4 = 4,
}

/// <summary>One CA on a trust centre's list: its entity id and subject, the SHA-256 (hex) of its key's SubjectPublicKeyInfo, and its level.</summary>
public sealed record ListedCa(string Id, string Subject, string KeySha256, SecurityLevel Level);

/// <summary>
/// A trust centre's signed trust list (the trust-list model of <c>design.trustModel</c>): the CAs it accredits — and, while a
/// partnership lasts, its partners' — each with an assurance level, under a sequence number and a next-update instant. The
/// content is a small JSON document (docs/architecture.md, "Trust-centre lists"), written in one canonical form, and travels as
/// CMS SignedData (RFC 5652, id-data, content encapsulated) signed with the trust centre's key; its certificate is in the message.
/// Pure: no actors, no I/O.
/// </summary>
public sealed record AssuranceTrustList(string TrustCentre, long Sequence, DateTimeOffset IssuedAt, DateTimeOffset NextUpdate, IReadOnlyList<ListedCa> Cas)
{
    /// <summary>The format's version, the document's first member.</summary>
    public const int FormatVersion = 1;

    /// <summary>The canonical JSON: members in a fixed order, CAs ordered by id then key, instants in UTC to the second, no whitespace.</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", FormatVersion);
            w.WriteString("trustCentre", TrustCentre);
            w.WriteNumber("sequence", Sequence);
            w.WriteString("issuedAt", Instant(IssuedAt));
            w.WriteString("nextUpdate", Instant(NextUpdate));
            w.WriteStartArray("cas");
            foreach (var ca in Cas.OrderBy(c => c.Id, StringComparer.Ordinal).ThenBy(c => c.KeySha256, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("id", ca.Id);
                w.WriteString("subject", ca.Subject);
                w.WriteString("keySha256", ca.KeySha256);
                w.WriteString("level", ca.Level.ToString());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Reads the JSON document; a malformed one fails with a <see cref="PkiFormatException"/> naming the member.</summary>
    public static AssuranceTrustList FromJson(ReadOnlySpan<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new PkiFormatException($"Trust-centre list: not JSON ({e.Message}).", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new PkiFormatException("Trust-centre list: the document is not a JSON object.");
            var version = Member(root, "version", JsonValueKind.Number).GetInt32();
            if (version != FormatVersion) throw new PkiFormatException($"Trust-centre list: version {version} is not supported (only {FormatVersion}).");
            var trustCentre = Member(root, "trustCentre", JsonValueKind.String).GetString()!;
            var sequence = Member(root, "sequence", JsonValueKind.Number).GetInt64();
            var (issuedAt, nextUpdate) = (InstantOf(root, "issuedAt"), InstantOf(root, "nextUpdate"));
            var cas = new List<ListedCa>();
            var at = 0;
            foreach (var item in Member(root, "cas", JsonValueKind.Array).EnumerateArray())
            {
                var where = $"cas[{at++}]";
                if (item.ValueKind != JsonValueKind.Object) throw new PkiFormatException($"Trust-centre list: {where} is not an object.");
                var level = Member(item, "level", JsonValueKind.String, where).GetString();
                if (!Enum.TryParse<SecurityLevel>(level, ignoreCase: false, out var parsed) || !Enum.IsDefined(parsed) || level!.Length != 3)
                    throw new PkiFormatException($"Trust-centre list: {where}.level '{level}' is not one of SL1, SL2, SL3, SL4.");
                var key = Member(item, "keySha256", JsonValueKind.String, where).GetString()!;
                if (key.Length != 64 || !key.All(char.IsAsciiHexDigitLower)) throw new PkiFormatException($"Trust-centre list: {where}.keySha256 is not 64 lower-case hex digits.");
                cas.Add(new ListedCa(Member(item, "id", JsonValueKind.String, where).GetString()!, Member(item, "subject", JsonValueKind.String, where).GetString()!, key, parsed));
            }
            return new AssuranceTrustList(trustCentre, sequence, issuedAt, nextUpdate, cas);
        }
    }

    /// <summary>The CMS SignedData a trust centre publishes: this list signed by <paramref name="key"/>, its certificate <paramref name="signer"/> included.</summary>
    public byte[] Sign(Certificate signer, ISigningKey key, PkiRandom random) =>
        CmsSigner.SignEncapsulated(ToJson(), CmsContentType.Data, signer, key, IssuedAt, random: random);

    /// <summary>The keys (SHA-256 hex of the SubjectPublicKeyInfo) of the listed CAs at <paramref name="required"/> or above: a relying party's trust anchors.</summary>
    public IReadOnlySet<string> AnchorsAtLeast(SecurityLevel required) =>
        Cas.Where(c => c.Level >= required).Select(c => c.KeySha256).ToHashSet(StringComparer.Ordinal);

    /// <summary>The list's lines for the journal and the dashboard: "id=SL3" per CA, in id order.</summary>
    public IReadOnlyList<string> Lines => [.. Cas.Select(c => $"{c.Id}={c.Level}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>SHA-256 (hex, lower case) of a certificate's SubjectPublicKeyInfo: how a list names a CA's key.</summary>
    public static string KeyHashOf(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.SubjectPublicKeyInfo));
    }

    /// <summary>
    /// A relying party's check of a fetched list: the CMS signature by the trust centre it anchors on (<paramref name="trustCentre"/>,
    /// validated at <paramref name="at"/>), the list naming that trust centre (<paramref name="expectedId"/>), not past its next update, and
    /// not older than the one it holds (<paramref name="heldSequence"/>: a replayed list is refused).
    /// </summary>
    public static ListCheck Verify(byte[] cms, Certificate trustCentre, string expectedId, DateTimeOffset at, long heldSequence)
    {
        ArgumentNullException.ThrowIfNull(cms);
        ArgumentNullException.ThrowIfNull(trustCentre);
        CmsVerification verified;
        AssuranceTrustList list;
        try
        {
            verified = CmsVerifier.Verify(cms, null, new PathValidator([trustCentre]), at);
            if (!verified.IsValid) return new ListCheck(null, $"the signature is not the trust centre's: {verified.Problem ?? "signer path invalid"}");
            if (verified.ContentType != CmsContentType.Data || verified.Content is null) return new ListCheck(null, "the signed content is not a trust-centre list");
            list = FromJson(verified.Content);
        }
        catch (PkiException e)
        {
            return new ListCheck(null, e.Message);
        }
        if (!string.Equals(list.TrustCentre, expectedId, StringComparison.Ordinal)) return new ListCheck(null, $"the list is trust centre '{list.TrustCentre}''s, not '{expectedId}''s");
        if (list.Sequence < heldSequence) return new ListCheck(null, $"list {list.Sequence} is older than list {heldSequence} already held");
        if (at > list.NextUpdate) return new ListCheck(null, $"list {list.Sequence} expired at {Instant(list.NextUpdate)}");
        return new ListCheck(list, null);
    }

    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset InstantOf(JsonElement root, string name)
    {
        var text = Member(root, name, JsonValueKind.String).GetString();
        return DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new PkiFormatException($"Trust-centre list: {name} '{text}' is not an instant like 2030-01-01T00:00:00Z.");
    }

    private static JsonElement Member(JsonElement parent, string name, JsonValueKind kind, string? where = null) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new PkiFormatException($"Trust-centre list: {(where is null ? name : where + "." + name)} is missing or not a {kind.ToString().ToLowerInvariant()}.");
}

/// <summary>A fetched list that passed every check, or why it did not.</summary>
public sealed record ListCheck(AssuranceTrustList? List, string? Problem);
