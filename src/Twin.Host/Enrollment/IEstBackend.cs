using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Est;

namespace Twin.Host.Enrollment;

/// <summary>
/// A domain served by the enrollment endpoints: its label in the path and the CA entity that issues for it. <paramref name="Registrar"/>
/// names the operator domain (scenario <c>domains:</c>) whose registrar decides every enrollment; null for a bare CA label.
/// </summary>
public sealed record EstDomain(string Label, string Ca, string? Registrar = null);

/// <summary>How a TLS client proved who it is.</summary>
public enum EstClientKind
{
    /// <summary>No certificate, or one that does not validate.</summary>
    None,
    /// <summary>A certificate of the twin's own PKI (an LDevID or any certificate one of its CAs issued).</summary>
    DomainCertificate,
    /// <summary>A manufacturer's IDevID (IEEE 802.1AR) from a configured manufacturer CA.</summary>
    Idevid,
    /// <summary>Whatever was presented (or nothing), judged by the operator domain's registrar against its own trust and allow-list.</summary>
    JudgedByRegistrar,
}

/// <summary>The authenticated client of a request.</summary>
/// <param name="Kind">How it authenticated.</param>
/// <param name="Certificate">Its certificate, when it presented one.</param>
/// <param name="Name">Who it is, for the audit trail: its subject, or "anonymous".</param>
/// <param name="Holder">The twin entity that holds the certificate, when known.</param>
/// <param name="Refusal">Why it is not authenticated; null when it is.</param>
public sealed record EstClient(EstClientKind Kind, Certificate? Certificate, string Name, string? Holder, string? Refusal)
{
    /// <summary>True when the client proved an identity the endpoints accept.</summary>
    public bool IsAuthenticated => Kind != EstClientKind.None && Refusal is null;
}

/// <summary>What the backend answers an enrollment: the certificate and its chain, or an HTTP status with a reason.</summary>
public sealed record EstResult(int Status, string Message, Certificate? Certificate = null, IReadOnlyList<Certificate>? Chain = null)
{
    /// <summary>True when a certificate was issued.</summary>
    public bool Issued => Certificate is not null;
}

/// <summary>A server-generated key, delivered once: <see cref="DestroyAsync"/> must run after the answer was written.</summary>
public sealed record ServerKeyGenResult(EstResult Result, byte[]? Pkcs8, Func<Task> DestroyAsync);

/// <summary>One decision of the enrollment endpoints, for the audit trail.</summary>
public sealed record EnrollmentAudit(string Protocol, string Operation, string Client, bool Granted, string Reason)
{
    /// <summary>The operator domain the request named: its registrar's audit trail records the refusal instead of the enrollment log.</summary>
    public string? Registrar { get; init; }

    /// <summary>The PKIFailureInfo that fits a refusal recorded in a registrar's trail.</summary>
    public Twin.Pki.Cmp.CmpFailure Failure { get; init; } = Twin.Pki.Cmp.CmpFailure.BadRequest;
}

/// <summary>
/// What the EST and BRSKI endpoints need from the twin. The endpoints parse and answer HTTP; the backend decides and issues.
/// Today it talks to the run's CA entities; a registrar entity can stand behind the same interface.
/// </summary>
public interface IEstBackend
{
    /// <summary>Simulated now: the instant every validation and issuance uses.</summary>
    DateTimeOffset Now { get; }

    /// <summary>The domain named by <paramref name="label"/> (null: the default domain), or null when there is none.</summary>
    EstDomain? FindDomain(string? label);

    /// <summary>The domain CA's certificate and the CA certificates above it (RFC 7030 §4.1.3).</summary>
    Task<IReadOnlyList<Certificate>> CaCertificatesAsync(EstDomain domain, CancellationToken cancellationToken);

    /// <summary>Judges the TLS client certificate at simulated now.</summary>
    EstClient Authenticate(EstDomain domain, Certificate? certificate);

    /// <summary>Issues for <paramref name="csr"/> to <paramref name="client"/> (simpleenroll, simplereenroll), journaling the outcome.</summary>
    Task<EstResult> EnrollAsync(EstDomain domain, EstClient client, CertificationRequest csr, EstOperation operation, CancellationToken cancellationToken);

    /// <summary>Generates a key for the client, certifies it with the subject of <paramref name="csr"/>, and hands it out once (RFC 7030 §4.4).</summary>
    Task<ServerKeyGenResult> ServerKeyGenAsync(EstDomain domain, EstClient client, CertificationRequest csr, CancellationToken cancellationToken);

    /// <summary>What the domain wants in a request (RFC 7030 §4.5).</summary>
    CsrAttributes CsrAttributes(EstDomain domain);

    /// <summary>The TLS server certificate (with its chain) and key of the enrollment listener, issued by the default domain's CA.</summary>
    Task<RegistrarCredential> RegistrarCredentialAsync(CancellationToken cancellationToken);

    /// <summary>The manufacturer CAs whose IDevIDs are recognised.</summary>
    IReadOnlyList<Certificate> ManufacturerAnchors { get; }

    /// <summary>True when <paramref name="idevid"/> is on the allow-list; otherwise the reason.</summary>
    bool IsAllowListed(Certificate idevid, out string reason);

    /// <summary>Forwards a registrar voucher request to the MASA of the IDevID's manufacturer (RFC 8995 §5.5).</summary>
    Task<MasaDecision> RequestVoucherAsync(Certificate idevid, byte[] registrarVoucherRequest, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a pledge's voucher request to the registrar of operator domain <paramref name="domain"/> (RFC 8995 §5.3–§5.5), which asks
    /// the twin's manufacturer entity for the voucher.
    /// </summary>
    Task<DomainVoucherResult> RequestDomainVoucherAsync(EstDomain domain, byte[] pledgeRequest, Certificate idevid, CancellationToken cancellationToken);

    /// <summary>
    /// For a pledge made by one of the twin's manufacturer entities: the operator domain its domain-less BRSKI requests go to — the
    /// default domain when that domain buys from the manufacturer, else the only operator domain that does — or why there is none.
    /// Null for a pledge whose manufacturer is not an entity of the twin (the configured MASAs answer those).
    /// </summary>
    BrskiRoute? RouteOf(Certificate idevid);

    /// <summary>
    /// The TLS identity to show a client that names <paramref name="serverName"/> (SNI): the certificate and key of the registrar of
    /// the operator domain of that name (or whose name is its first label), so that a pledge learns from the handshake the very
    /// certificate it must pin (RFC 8995 §5.1). Null for any other name: the listener's own identity is shown then.
    /// </summary>
    Task<RegistrarCredential?> DomainTlsCredentialAsync(string? serverName, CancellationToken cancellationToken);

    /// <summary>Journals a decision (granted or refused) in the audit trail.</summary>
    Task AuditAsync(EnrollmentAudit audit);
}

/// <summary>Where a domain-less BRSKI request of a twin manufacturer's pledge goes: an operator domain, or the reason none is chosen.</summary>
public sealed record BrskiRoute(EstDomain? Domain, string? Problem);

/// <summary>A domain registrar's answer to a voucher request: the voucher (CMS), or an HTTP status and the reason it gave.</summary>
public sealed record DomainVoucherResult(bool Issued, byte[]? VoucherCms, int Status, string Reason);

/// <summary>The registrar's TLS identity: it terminates TLS and signs registrar voucher requests with it.</summary>
public sealed record RegistrarCredential(Certificate Certificate, IReadOnlyList<Certificate> Chain, Twin.Pki.Keys.KeyPair Key);
