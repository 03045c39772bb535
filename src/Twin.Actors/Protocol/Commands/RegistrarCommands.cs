using Twin.Actors.Model;
using Twin.Pki.Authority;

namespace Twin.Actors.Protocol.Commands;

/// <summary>Commands to a domain registrar entity.</summary>
public interface IRegistrarCommand;

/// <summary>A CMP PKIMessage (DER) for the registrar; answered with <see cref="CmpReply"/>. <paramref name="Origin"/> says where it came from (an address, an entity).</summary>
public sealed record CmpRequest(byte[] Der, string Origin) : IRegistrarCommand
{
    /// <summary>
    /// Set when a twin entity sends again, byte for byte, a request it first sent at this instant and never heard back on (it
    /// recovered from a kill): a transaction the registrar already answered is answered the same way, nothing new journaled.
    /// Outside clients never set it; their reuse of a transactionID stays refused (RFC 9483 §3.5 transactionIdInUse).
    /// </summary>
    public Clock.SimInstant? FirstSentAt { get; init; }
}

/// <summary>The registrar's CMP answer (DER); <paramref name="Refused"/> when it is an error message.</summary>
public sealed record CmpReply(byte[] Der, bool Refused);

/// <summary>Asks for a fresh one-time reference and secret for MAC-protected enrollment; answered with <see cref="EnrollmentSecret"/>.</summary>
public sealed record IssueEnrollmentSecret(string Requester) : IRegistrarCommand;

/// <summary>
/// Asks for the secret of one-time reference <paramref name="Reference"/> again, which <paramref name="Requester"/> was handed out
/// before (a device recovering with a MAC-protected request in flight; it never journals the secret). Answered with
/// <see cref="EnrollmentSecret"/>, or <see cref="EnrollmentSecretRefused"/> when the reference was not handed to that requester.
/// </summary>
public sealed record RecallEnrollmentSecret(string Requester, string Reference) : IRegistrarCommand;

/// <summary>The registrar does not hand out the secret of <paramref name="Reference"/> to the asker; <paramref name="Reason"/> says why.</summary>
public sealed record EnrollmentSecretRefused(string Reference, string Reason);

/// <summary>A one-time reference (senderKID) and secret; the secret is never journaled.</summary>
public sealed record EnrollmentSecret(string Domain, string Reference, string Secret)
{
    /// <inheritdoc />
    public override string ToString() => $"EnrollmentSecret({Domain}, {Reference}, secret withheld)";
}

/// <summary>Asks a registrar for its state; answered with <see cref="RegistrarStatus"/>.</summary>
public sealed record GetRegistrarStatus : IRegistrarCommand;

/// <summary>
/// Asks a registrar for what the enrollment listener needs to show the registrar's own certificate in TLS to a client naming its
/// domain (SNI): the certificate, its chain and the private key — answered only to an asker in the registrar's own process, and
/// only for a software key (a TPM or HSM key never leaves its store).
/// </summary>
public sealed record GetRegistrarTlsIdentity : IRegistrarCommand;

/// <summary>The registrar's TLS identity (certificate, chain above it, PKCS#8 key), or why it cannot be handed out.</summary>
public sealed record RegistrarTlsIdentity(byte[]? CertificateDer, IReadOnlyList<byte[]> ChainDer, byte[]? Pkcs8, string? Problem)
{
    /// <inheritdoc />
    public override string ToString() => $"RegistrarTlsIdentity({(Problem ?? "certificate and key")}, key withheld)";
}

/// <summary>A registrar's state: its protection certificate and chain, and its most recent decisions.</summary>
public sealed record RegistrarStatus(string Domain, string Mode, byte[]? CertificateDer, IReadOnlyList<byte[]> ChainDer, IReadOnlyList<Events.RegistrarDecided> RecentDecisions);

/// <summary>
/// Asks a CA to certify a public key that was proven in a CRMF request (RFC 4211) the registrar
/// checked: subject, key and names come from the request, profile and lifetime from the domain's template.
/// Answered like <see cref="IssueFromCsr"/>.
/// </summary>
public sealed record IssueFromTemplate(EntityId Requester, string Subject, byte[] PublicKeyInfo, IReadOnlyList<string> UriNames, IReadOnlyList<string> DnsNames, CertificateProfile Profile, TimeSpan Lifetime) : ICaCommand
{
    /// <summary>As <see cref="IssueFromCsr.FirstSentAt"/>: the request is a retransmission of one first made at this instant.</summary>
    public Clock.SimInstant? FirstSentAt { get; init; }
}

/// <summary>
/// An EST enrollment (RFC 7030 simpleenroll or simplereenroll) for the registrar to decide like a CMP request: the TLS client's
/// certificate against the domain and its allow-list, the PKCS#10 against the domain's template. Answered with <see cref="EstDecision"/>.
/// </summary>
/// <param name="Operation">simpleenroll or simplereenroll.</param>
/// <param name="CsrDer">The PKCS#10 request (DER).</param>
/// <param name="ClientCertificateDer">The TLS client certificate (DER), or null when none was presented.</param>
/// <param name="Origin">Where the request came from (an address).</param>
public sealed record EstEnrollRequest(string Operation, byte[] CsrDer, byte[]? ClientCertificateDer, string Origin) : IRegistrarCommand;

/// <summary>The registrar's EST verdict: the certificate, the CA chain above it and the entity holding it, or the HTTP status and reason of a refusal.</summary>
public sealed record EstDecision(int Status, string Reason, byte[]? CertificateDer, IReadOnlyList<byte[]> ChainDer, EntityId? Holder = null)
{
    /// <summary>True when a certificate was issued.</summary>
    public bool Granted => CertificateDer is not null;
}

/// <summary>
/// A refusal the endpoints decided before the registrar was asked (wrong media type, an oversized or malformed body, an unknown
/// operation), for the domain's audit trail: one decision journal per domain. Answered with <see cref="RefusalRecorded"/> once stored.
/// </summary>
/// <param name="Who">Who asked (<c>cert:SUBJECT#SERIAL</c>, <c>unauthenticated:ORIGIN</c>).</param>
/// <param name="What">What was asked (<c>est:simpleenroll</c>, <c>cmp</c>).</param>
/// <param name="Reason">Why it was refused, as the requester was told.</param>
/// <param name="Failure">The PKIFailureInfo that fits.</param>
public sealed record RecordRefusal(string Who, string What, string Reason, Twin.Pki.Cmp.CmpFailure Failure) : IRegistrarCommand;

/// <summary>The refusal is in the domain's audit trail.</summary>
public sealed record RefusalRecorded;

/// <summary>A PEA server managed by the domain's GDS with push installed <paramref name="CertificateDer"/>: the GDS schedules its next renewal from it.</summary>
public sealed record GdsServerCertified(EntityId Server, byte[] CertificateDer) : IRegistrarCommand;
