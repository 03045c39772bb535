using Twin.Actors.Model;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Registrar;

/// <summary>Whether a domain's registrar issues itself (through its issuing CA in the twin) or forwards upstream.</summary>
public enum RegistrarMode
{
    /// <summary>Validates and has the domain's issuing CA in the twin issue.</summary>
    Ca,
    /// <summary>Validates, then forwards the request upstream over CMP with its own protection.</summary>
    Ra,
}

/// <summary>An operator domain as its registrar serves it: exactly one issuing CA and one signature suite.</summary>
/// <param name="Domain">The domain's name, as in /.well-known/cmp/p/DOMAIN.</param>
/// <param name="IssuingCa">The twin CA that issues in CA mode (and certifies the registrar's own protection certificate).</param>
/// <param name="Suite">The key algorithm every certified key must use.</param>
/// <param name="Mode">CA or RA mode.</param>
public sealed record RegistrarSettings(string Domain, EntityId IssuingCa, KeyAlgorithm Suite, RegistrarMode Mode)
{
    /// <summary>The entity id of a domain's registrar.</summary>
    public static EntityId EntityIdOf(string domain) => new($"registrar.{domain}");

    /// <summary>The subject of the registrar's CMP protection certificate.</summary>
    public string Subject => $"CN=PlantTrust Registrar {Domain}";

    /// <summary>Where the registrar keeps its CMP protection key and its GDS key (design.keyStorage.ca: a registrar is the domain's authority).</summary>
    public Keys.KeyStoreKind KeyStorage { get; init; }

    /// <summary>Certificate templates; the first is used when a request names none.</summary>
    public IReadOnlyList<DomainTemplate> Templates { get; init; } = [DomainTemplate.Default];

    /// <summary>IDevIDs that may enroll with a signature-protected ir (zero-touch onboarding).</summary>
    public IReadOnlyList<AllowListEntry> AllowList { get; init; } = [];

    /// <summary>In RA mode: where requests are forwarded.</summary>
    public UpstreamCa? Upstream { get; init; }

    /// <summary>How long a one-time secret stays usable after it was handed out (simulated time).</summary>
    public TimeSpan SecretValidity { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Devices of the scenario that belong to the domain: they enroll with its registrar over CMP, in process.</summary>
    public IReadOnlyList<EntityId> Members { get; init; } = [];

    /// <summary>How long (simulated) a certificate sent without implicit confirmation waits for certConf; later, it is revoked and the certConf refused (certRevoked).</summary>
    public TimeSpan ConfirmWaitTime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How the domain's GDS delivers to its PEA servers; null: the domain runs no GDS.</summary>
    public Scenarios.GdsDelivery? Gds { get; init; }

    /// <summary>Lifetime of the GDS's own application certificate.</summary>
    public TimeSpan GdsLifetime { get; init; } = DefaultGdsLifetime;

    /// <summary>The fraction of its lifetime at which the GDS renews its own certificate (design.renewAt, as every certificate).</summary>
    public double GdsRenewAtFraction { get; init; } = 0.75;

    /// <summary>Five years: the GDS's certificate lifetime unless design.lifetimes.gds says otherwise.</summary>
    public static readonly TimeSpan DefaultGdsLifetime = TimeSpan.FromDays(5 * 365);

    /// <summary>The PEA servers the domain's GDS manages (with push: whose renewals it schedules and drives).</summary>
    public IReadOnlyList<GdsManagedServer> GdsServers { get; init; } = [];

    /// <summary>The ApplicationUri of a domain's GDS: what a managed PEA server grants the SecurityAdmin role to.</summary>
    public static string GdsApplicationUri(RunId run, string domain) => $"urn:planttrust:{run.Value}:{EntityIdOf(domain).Value}:gds";

    /// <summary>Whether an implicit confirmation request is granted (RFC 9483 §4.1.1); otherwise certConf is waited for.</summary>
    public bool GrantImplicitConfirm { get; init; } = true;
}

/// <summary>A certificate template of a domain (RFC 9483 §4.3.3): profile, lifetime and which subjects it accepts.</summary>
/// <param name="Name">Its name (a certProfile value, RFC 9483 §3.1).</param>
/// <param name="Profile">The profile the CA issues under.</param>
/// <param name="Lifetime">How long the certificates live.</param>
public sealed record DomainTemplate(string Name, CertificateProfile Profile, TimeSpan Lifetime)
{
    /// <summary>LDevID certificates valid for a year.</summary>
    public static DomainTemplate Default { get; } = new("ldevid", CertificateProfile.LDevId, TimeSpan.FromDays(365));

    /// <summary>A regular expression the requested subject must match in full; null: any subject.</summary>
    public string? SubjectPattern { get; init; }

    /// <summary>True when <paramref name="subject"/> is acceptable.</summary>
    public bool Accepts(string subject) => SubjectPattern is null || FullMatch.Matches(SubjectPattern, subject);
}

/// <summary>
/// An IDevID the registrar admits for zero-touch onboarding: issued by the manufacturer CA, with a
/// serialNumber or a subjectAltName URI matching a pattern (regular expressions, matched in full).
/// </summary>
/// <param name="ManufacturerCa">The manufacturer CA's certificate (DER).</param>
public sealed record AllowListEntry(byte[] ManufacturerCa)
{
    /// <summary>Pattern for the subject's serialNumber attribute; null: any.</summary>
    public string? SerialPattern { get; init; }

    /// <summary>Pattern for one subjectAltName URI; null: any.</summary>
    public string? SanPattern { get; init; }

    // Parsed once per DER array: every request judged against the allow-list would otherwise parse each manufacturer CA again.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], Certificate> s_anchors = new();

    /// <summary>The manufacturer CA, parsed (once for the same DER array).</summary>
    public Certificate Anchor => s_anchors.GetValue(ManufacturerCa, der => Certificate.FromDer(der));

    /// <summary>True when <paramref name="idevid"/> is issued by this entry's CA and matches its patterns.</summary>
    public bool Admits(Certificate idevid, IReadOnlyList<string> sanUris)
    {
        ArgumentNullException.ThrowIfNull(idevid);
        if (!idevid.IsSignedBy(Anchor.PublicKey)) return false;
        if (SerialPattern is { } sp && !(SerialNumberOf(idevid) is { } serial && Full(sp, serial))) return false;
        if (SanPattern is { } up && !sanUris.Any(u => Full(up, u))) return false;
        return true;
    }

    private static bool Full(string pattern, string value) => FullMatch.Matches(pattern, value);

    private static string? SerialNumberOf(Certificate c)
    {
        foreach (var part in c.Subject.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("SERIALNUMBER", StringComparison.OrdinalIgnoreCase)) return kv[1].Trim();
        }
        return null;
    }
}

/// <summary>The upstream CA an RA-mode registrar forwards to over CMP, and the shared secret it protects with.</summary>
/// <param name="Url">The upstream's CMP URL (http://host:port/path).</param>
/// <param name="Recipient">The upstream CA's name, written as recipient.</param>
/// <param name="Reference">The senderKID of the shared secret.</param>
/// <param name="Secret">The shared secret (also used to check the upstream's MAC-protected answers).</param>
public sealed record UpstreamCa(Uri Url, string Recipient, string Reference, string Secret)
{
    /// <summary>
    /// The upstream's CMP protection certificate or the CA that issued it (DER): answers signed by it, or by a certificate it
    /// issued, are authentic. Needed for EST forwarded upstream, which the registrar signs with its own certificate (and the
    /// upstream answers signed); null: only answers MAC-protected with <see cref="Secret"/> are accepted.
    /// </summary>
    public byte[]? CertificateDer { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"UpstreamCa({Url}, {Recipient}, ref {Reference}, secret withheld)";
}

/// <summary>A PEA server a domain's GDS manages: its ApplicationUri, the lifetime of its certificates, and when they are due for renewal.</summary>
public sealed record GdsManagedServer(EntityId Id, string ApplicationUri, TimeSpan Lifetime, double RenewAtFraction, TimeSpan MinimumRenewalLead);
