using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Actors.Projections;

/// <summary>One entity as the dashboard and the API see it.</summary>
public sealed record EntityView(EntityId Id, string Kind, string? KeyAlgorithm, ImmutableList<CertificateView> Certificates, SimInstant LastChange)
{
    /// <summary>How many of an entity's own events its history keeps.</summary>
    public const int HistoryCapacity = 200;

    private readonly ImmutableList<EventView> _history = [];

    /// <summary>The entity's most recent events, oldest first (read back from the journal when <see cref="RecordedHistory"/> says so).</summary>
    public ImmutableList<EventView> History
    {
        get => RecordedHistory is { } recorded ? recorded.Source.History(Id, recorded.Through) : _history;
        init => _history = value;
    }

    /// <summary>
    /// In a replay read from the journal: the history is not held but read back when asked — the entity's events up to and
    /// including the run's event number <c>Through</c>, as <c>Source</c> recorded them.
    /// </summary>
    [JsonIgnore]
    public (RecordedRunDetail Source, long Through)? RecordedHistory { get; init; }

    /// <summary>Where the entity's private key lives (<see cref="KeyStores"/>); null while it has none the twin knows of.</summary>
    public string? KeyStore { get; init; }

    /// <summary>For a CA: the last CRL it published.</summary>
    public CrlView? Crl { get; init; }

    /// <summary>For a root after a key update: its link certificates (OldWithNew, NewWithOld), oldest first.</summary>
    public ImmutableList<LinkCertificateView> LinkCertificates { get; init; } = [];

    /// <summary>For a CA with a standby: the instance serving now (null: the primary).</summary>
    public string? ActiveInstance { get; init; }

    /// <summary>For a CA: false while it is cut off (no issuance, revocation or CRLs).</summary>
    public bool Reachable { get; init; } = true;

    /// <summary>For a device, PEA or the POL: when it was taken out of service (keys destroyed), if it was.</summary>
    public SimInstant? DecommissionedAt { get; init; }

    /// <summary>For the POL, and a PEA server with siblings: the last attempt on each target's OPC UA server, by target id.</summary>
    public ImmutableSortedDictionary<string, ConnectionView> Connections { get; init; } = ImmutableSortedDictionary<string, ConnectionView>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>A PEA: the state of each MTP service its server exposes (VDI/VDE/NAMUR 2658-4), by service name.</summary>
    public ImmutableSortedDictionary<string, ServiceStateView> Services { get; init; } = ImmutableSortedDictionary<string, ServiceStateView>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The certificate in use: the last one the entity installed or created.</summary>
    public CertificateView? Current => Certificates.IsEmpty ? null : Certificates[^1];
}

/// <summary>The kinds of key store the inspector names. Only the reference and public key are ever in a view, never the key.</summary>
public static class KeyStores
{
    /// <summary>The twin's file key store: one owner-only PKCS#8 file per key beside the journal (IKeyVault).</summary>
    public const string Software = "software (file key store beside the journal)";

    /// <summary>A simulated TPM on the device: the key was generated inside and never leaves it.</summary>
    public const string Tpm = "tpm (simulated TPM, key generated inside, non-exportable)";

    /// <summary>A simulated HSM: the key was generated inside and never leaves it.</summary>
    public const string Hsm = "hsm (simulated HSM, key generated inside, non-exportable)";

    /// <summary>A PKCS#11 token (SoftHSM2): the key was generated on the token as sensitive and non-extractable.</summary>
    public const string Pkcs11 = "pkcs11 (PKCS#11 token, key generated on the token, non-extractable)";

    /// <summary>A party outside the twin (enrolled over EST or CMP from elsewhere) holds its own key.</summary>
    public const string Outside = "held by the party outside the twin";

    /// <summary>The inspector's text for a store named as in design.keyStorage ("software", "tpm", "hsm").</summary>
    public static string Of(string kind) => kind switch
    {
        "tpm" => Tpm,
        "hsm" => Hsm,
        "pkcs11" => Pkcs11,
        _ => Software,
    };

    /// <summary>The inspector's text for the store a key reference points into.</summary>
    public static string OfKeyRef(string keyRef) => Of(Keys.KeyRefs.Text(Keys.KeyRefs.KindOf(keyRef)));
}

/// <summary>A certificate an entity holds or held. The DER is public material; no private key is ever in a view.</summary>
public sealed record CertificateView(
    string SerialHex,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string KeyAlgorithm,
    SimInstant InstalledAt,
    SimInstant? SupersededAt,
    ImmutableArray<byte> Der)
{
    private readonly ImmutableArray<byte> _der = Der;

    /// <summary>The certificate's DER (read back from the journal when <see cref="RecordedAt"/> says so).</summary>
    public ImmutableArray<byte> Der
    {
        get => _der.IsDefault && RecordedAt is { } recorded ? recorded.Source.Certificate(recorded.Offset) : _der;
        init => _der = value;
    }

    /// <summary>In a replay read from the journal: the bytes are not held but read back from the event at journal offset <c>Offset</c> that installed the certificate.</summary>
    [JsonIgnore]
    public (RecordedRunDetail Source, long Offset)? RecordedAt { get; init; }

    /// <summary>
    /// The DER of each of <paramref name="views"/>, in their order: what a replay left in the journal is read back in one query per
    /// recorded run rather than one per certificate.
    /// </summary>
    public static IReadOnlyList<ImmutableArray<byte>> DersOf(IReadOnlyList<CertificateView> views)
    {
        ArgumentNullException.ThrowIfNull(views);
        var read = views.Where(v => v._der.IsDefault && v.RecordedAt is not null).Select(v => v.RecordedAt!.Value).GroupBy(r => r.Source)
            .ToDictionary(g => g.Key, g => g.Key.Certificates(g.Select(r => r.Offset)));
        return [.. views.Select(v => v._der.IsDefault && v.RecordedAt is { } r ? read[r.Source][r.Offset] : v._der)];
    }

    /// <summary>Builds the view of <paramref name="certificate"/> installed at <paramref name="installedAt"/>.</summary>
    public static CertificateView Of(Certificate certificate, SimInstant installedAt)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return new(certificate.SerialNumber.Hex, certificate.Subject, certificate.Issuer, certificate.NotBefore, certificate.NotAfter,
            certificate.PublicKey.Algorithm.ToString(), installedAt, null, [.. certificate.GetDer()]);
    }

    /// <summary>When and why its CA revoked it, if it did.</summary>
    public (SimInstant At, RevocationReason Reason)? Revocation { get; init; }

    /// <summary>The certificate's status at simulated instant <paramref name="now"/>.</summary>
    public CertificateStatus StatusAt(SimInstant now) =>
        Revocation is { } r && r.At <= now ? (r.Reason == RevocationReason.CertificateHold ? CertificateStatus.OnHold : CertificateStatus.Revoked)
        : now.Utc < NotBefore ? CertificateStatus.NotYetValid
        : now.Utc > NotAfter ? CertificateStatus.Expired
        : SupersededAt is { } s && s <= now ? CertificateStatus.Superseded
        : CertificateStatus.Valid;
}

/// <summary>
/// A certificate's place in <see cref="PlantSnapshot.Holders"/>: its issuer's name and its serial, compared ordinally. The fold
/// builds it from the strings the certificate's view already holds, so the index adds no text of its own per certificate
/// (a ten-year run of 10,000 devices indexes 555,506 certificates; a joined string key was ~150 bytes each).
/// </summary>
[JsonConverter(typeof(CertificateKeyJsonConverter))]
public readonly record struct CertificateKey(string Issuer, string SerialHex)
{
    /// <summary>The key as text, "issuer|serial" (a serial's hex holds no '|'): how a snapshot written as JSON names it.</summary>
    public override string ToString() => Issuer + "|" + SerialHex;

    /// <summary>The key named by <paramref name="text"/> ("issuer|serial", as <see cref="ToString"/> writes it).</summary>
    public static CertificateKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bar = text.LastIndexOf('|');
        if (bar < 0) throw new FormatException($"A certificate key is \"issuer|serial\"; '{text}' has no '|'.");
        return new(text[..bar], text[(bar + 1)..]);
    }
}

/// <summary>Writes a <see cref="CertificateKey"/> as its text, as a value and as a dictionary's property name.</summary>
public sealed class CertificateKeyJsonConverter : JsonConverter<CertificateKey>
{
    /// <inheritdoc />
    public override CertificateKey Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        CertificateKey.Parse(reader.GetString() ?? throw new System.Text.Json.JsonException("A certificate key is a string, not null."));

    /// <inheritdoc />
    public override void Write(System.Text.Json.Utf8JsonWriter writer, CertificateKey value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString());
    }

    /// <inheritdoc />
    public override CertificateKey ReadAsPropertyName(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) =>
        Read(ref reader, typeToConvert, options);

    /// <inheritdoc />
    public override void WriteAsPropertyName(System.Text.Json.Utf8JsonWriter writer, CertificateKey value, System.Text.Json.JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(value.ToString());
    }
}

/// <summary>A certificate's status at a simulated instant.</summary>
public enum CertificateStatus
{
    /// <summary>Inside its validity period and in use.</summary>
    Valid,
    /// <summary>Before its notBefore.</summary>
    NotYetValid,
    /// <summary>After its notAfter.</summary>
    Expired,
    /// <summary>Still inside its validity but replaced by a newer certificate of the same entity.</summary>
    Superseded,
    /// <summary>Revoked by its CA.</summary>
    Revoked,
    /// <summary>Suspended by its CA (certificateHold).</summary>
    OnHold,
}

/// <summary>A CRL as the dashboard shows it. Its DER is public material.</summary>
public sealed record CrlView(long Number, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate, int Entries, ImmutableArray<byte> Der)
{
    /// <summary>True when simulated <paramref name="now"/> is past nextUpdate: relying parties that require a current CRL now fail.</summary>
    public bool IsExpiredAt(SimInstant now) => NextUpdate is { } next && now.Utc > next;
}

/// <summary>The last attempt to open a secure session with a target: its status code name, when, and why.</summary>
public sealed record ConnectionView(EntityId Target, string? EndpointUrl, uint StatusCode, string Status, SimInstant At, string Reason)
{
    /// <summary>True when the session was established.</summary>
    public bool IsGood => StatusCode == 0;
}

/// <summary>One journaled event, summarised for the event log.</summary>
public sealed record EventView(long Offset, SimInstant At, EntityId Entity, string Kind, string Summary);

/// <summary>The read model at one moment: immutable, safe to hand to any thread.</summary>
public sealed record PlantSnapshot(long Version, ImmutableSortedDictionary<string, EntityView> Entities, ImmutableList<EventView> RecentEvents)
{
    /// <summary>Which entity holds the certificate with a given (issuer, serial): how a revocation finds its certificate.</summary>
    public ImmutableDictionary<CertificateKey, string> Holders { get; init; } = ImmutableDictionary<CertificateKey, string>.Empty;

    /// <summary>
    /// The ids of the entities that are certification authorities, in <see cref="Entities"/>' order: who serves a request
    /// naming a CA (EST's default CA) looks there instead of going through every entity, whose number grows with every enrollment.
    /// </summary>
    public ImmutableSortedSet<string> Authorities { get; init; } = ImmutableSortedSet<string>.Empty.WithComparer(StringComparer.Ordinal);

    /// <summary>When the run was ended (run.stopped), if it was: nothing happens in it after that.</summary>
    public SimInstant? Ended { get; init; }

    /// <summary>The key of <see cref="Holders"/>.</summary>
    public static CertificateKey HolderKey(string issuer, string serialHex) => new(issuer, serialHex);

    /// <summary>The read model before any event.</summary>
    public static PlantSnapshot Empty { get; } = new(0, ImmutableSortedDictionary<string, EntityView>.Empty.WithComparers(StringComparer.Ordinal), []);
}
