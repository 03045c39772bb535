using System.Collections.Immutable;
using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// A subordinate CA moved to a new key: its parent certified the new key under the same name
/// (<paramref name="CertificateDer"/>). The previous key, <paramref name="Generation"/> − 1, stops
/// issuing but keeps publishing CRLs for what it issued. <paramref name="Cause"/>: rollover or compromise.
/// </summary>
[PersistedAs("ca.rolled-over.v1")]
public sealed record CaRolledOver(RunId Run, SimInstant At, EntityId Entity, int Generation, string Cause, string KeyRef, byte[] CertificateDer, byte[] IssuerCertificateDer) : ITwinEvent;

/// <summary>A previous key (<paramref name="Generation"/>) of a CA signed CRL <paramref name="Number"/> for the certificates it issued.</summary>
[PersistedAs("ca.previous-crl-published.v1")]
public sealed record PreviousKeyCrlPublished(RunId Run, SimInstant At, EntityId Entity, int Generation, long Number, byte[] CrlDer) : ITwinEvent;

/// <summary>A previous key's last certificate expired or was replaced: it publishes nothing more and leaves the distribution point.</summary>
[PersistedAs("ca.previous-key-closed.v1")]
public sealed record PreviousKeyClosed(RunId Run, SimInstant At, EntityId Entity, int Generation) : ITwinEvent;

/// <summary>
/// A root CA updated its key (RFC 4210 §4.4): the new self-signed root (NewWithNew) and the two link
/// certificates — OldWithNew (old key certified by the new) and NewWithOld (new key certified by the old).
/// </summary>
[PersistedAs("ca.root-key-updated.v1")]
public sealed record RootKeyUpdated(RunId Run, SimInstant At, EntityId Entity, int Generation, string KeyRef, byte[] NewWithNewDer, byte[] OldWithNewDer, byte[] NewWithOldDer) : ITwinEvent;

/// <summary>
/// An issuing CA's key was compromised: its parent revoked its certificate (cACompromise) and certified a
/// replacement key; <paramref name="Affected"/> held certificates under the compromised key and re-enroll at
/// <paramref name="ReenrollAt"/>.
/// </summary>
[PersistedAs("ca.compromised.v1")]
public sealed record CaCompromised(RunId Run, SimInstant At, EntityId Entity, string RevokedSerial, ImmutableList<EntityId> Affected, SimInstant ReenrollAt) : ITwinEvent;

/// <summary>The CA's primary instance became unreachable and <paramref name="Instance"/> (its standby, same key and journal) took over issuance and CRLs.</summary>
[PersistedAs("ca.failed-over.v1")]
public sealed record CaFailedOver(RunId Run, SimInstant At, EntityId Entity, string Instance, string Requester) : ITwinEvent;
