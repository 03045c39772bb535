using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>A root CA came into being: its key was generated into <paramref name="KeyRef"/> and it signed its own certificate.</summary>
[PersistedAs("ca.root-created.v1")]
public sealed record RootCaCreated(RunId Run, SimInstant At, EntityId Entity, string KeyRef, byte[] CertificateDer) : ITwinEvent;

/// <summary>A CA issued a certificate to <paramref name="Subject"/>.</summary>
[PersistedAs("ca.issued.v1")]
public sealed record CertificateIssued(RunId Run, SimInstant At, EntityId Entity, EntityId Subject, string Profile, byte[] CertificateDer) : ITwinEvent
{
    /// <summary>SHA-256 (hex) of the request it answers, so that the same request sent again gets this certificate; null in older journals.</summary>
    public string? Request { get; init; }
}

/// <summary>A CA refused a request; nothing was issued.</summary>
[PersistedAs("ca.refused.v1")]
public sealed record IssuanceRefused(RunId Run, SimInstant At, EntityId Entity, EntityId Requester, string Reason) : ITwinEvent;

/// <summary>A CA revoked (or put on hold) the certificate with <paramref name="Serial"/> (hex).</summary>
[PersistedAs("ca.revoked.v1")]
public sealed record CertificateRevoked(RunId Run, SimInstant At, EntityId Entity, string Serial, Twin.Pki.Revocation.RevocationReason Reason, string Requester) : ITwinEvent;

/// <summary>A CA signed and published CRL number <paramref name="Number"/>.</summary>
[PersistedAs("ca.crl-published.v1")]
public sealed record CrlPublished(RunId Run, SimInstant At, EntityId Entity, long Number, byte[] CrlDer) : ITwinEvent;

/// <summary>A subordinate CA generated its key into <paramref name="KeyRef"/> and installed the certificate its parent issued for it.</summary>
[PersistedAs("ca.certified.v1")]
public sealed record SubordinateCaCertified(RunId Run, SimInstant At, EntityId Entity, EntityId Parent, string KeyRef, byte[] CertificateDer, byte[] IssuerCertificateDer) : ITwinEvent;

/// <summary>A CA became unreachable (<paramref name="Reachable"/> false) or reachable again: while unreachable it neither issues, revokes nor publishes CRLs.</summary>
[PersistedAs("ca.reachability.v1")]
public sealed record CaReachabilityChanged(RunId Run, SimInstant At, EntityId Entity, bool Reachable, string Requester) : ITwinEvent;

/// <summary>The CA's last CRL passed its nextUpdate without a successor: relying parties that require a current CRL now fail.</summary>
[PersistedAs("ca.crl-lapsed.v1")]
public sealed record CrlLapsed(RunId Run, SimInstant At, EntityId Entity, long Number) : ITwinEvent;
