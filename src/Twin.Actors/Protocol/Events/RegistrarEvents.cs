using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>The registrar generated its CMP protection key into <paramref name="KeyRef"/> and installed the certificate its domain's CA issued for it.</summary>
[PersistedAs("reg.certified.v1")]
public sealed record RegistrarCertified(RunId Run, SimInstant At, EntityId Entity, string Domain, string KeyRef, byte[] CertificateDer, IReadOnlyList<byte[]> ChainDer) : ITwinEvent;

/// <summary>The registrar handed out one-time reference <paramref name="Reference"/> to <paramref name="Requester"/> (the secret is derived from its key, never journaled).</summary>
[PersistedAs("reg.secret-issued.v1")]
public sealed record EnrollmentSecretIssued(RunId Run, SimInstant At, EntityId Entity, string Reference, string Requester) : ITwinEvent;

/// <summary>
/// One entry of the registrar's append-only audit trail: who asked (<paramref name="Who"/>), what
/// (<paramref name="What"/>: the CMP body), the verdict and why, in CMP transaction <paramref name="Transaction"/>.
/// </summary>
[PersistedAs("reg.decision.v1")]
public sealed record RegistrarDecided(RunId Run, SimInstant At, EntityId Entity, string Who, string What, string Verdict, string Reason, string Transaction) : ITwinEvent
{
    /// <summary>The PKIFailureInfo of a refusal (its RFC 4210 name), or null.</summary>
    public string? Failure { get; init; }

    /// <summary>The one-time reference the request authenticated with, or null.</summary>
    public string? Reference { get; init; }

    /// <summary>True when the decision ends the wait for certConf in <see cref="Transaction"/> (see <see cref="ConfirmationAwaited"/>).</summary>
    public bool Closes { get; init; }

    /// <summary>
    /// SHA-256 (hex) of the request the decision answers, or null: a twin entity that sends the very same request again after a
    /// restart (a retransmission) is answered as before, without a new decision; other bytes under that transactionID are refused.
    /// </summary>
    public string? RequestDigest { get; init; }

    /// <summary>Verdicts of the trail.</summary>
    public const string Granted = "granted", Refused = "refused", Confirmed = "confirmed", Rejected = "rejected", Revoked = "revoked", Answered = "answered", Forwarded = "forwarded";
}

/// <summary>A certificate enrolled through the registrar became part of the twin: <paramref name="Holder"/> holds it (an entity of its own when enrolled from outside).</summary>
[PersistedAs("reg.enrolled.v1")]
public sealed record DomainCertificateEnrolled(RunId Run, SimInstant At, EntityId Entity, EntityId Holder, string Domain, string Via, byte[] CertificateDer, byte[]? IssuerCertificateDer) : ITwinEvent;

/// <summary>
/// The registrar sent certificate <paramref name="CertificateDer"/> in transaction <paramref name="Transaction"/> and waits for
/// certConf (RFC 9483 §4.1.1): what it needs to judge the confirmation, also after a restart. No secret and no private key: the
/// request (<paramref name="RequestDer"/>) carries only the public key and its POP, and a one-time secret is derived again from
/// <paramref name="Reference"/>. A <see cref="RegistrarDecided"/> with <c>Closes</c> ends the wait.
/// </summary>
[PersistedAs("reg.confirmation-awaited.v1")]
public sealed record ConfirmationAwaited(RunId Run, SimInstant At, EntityId Entity, string Transaction, byte[] RequestDer, string Origin,
    string CredentialKind, string Who, string? Reference, byte[]? SignerDer, byte[] CertificateDer, byte[]? IssuerCertificateDer,
    byte[] ResponseNonce, EntityId Holder, int CertReqId, bool FromUpstream) : ITwinEvent;
