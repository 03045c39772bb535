using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Serialization;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// A CA certified its delegated OCSP responder (RFC 6960 §4.2.2.2): a key generated into <paramref name="KeyRef"/> and a
/// certificate with id-kp-OCSPSigning and id-pkix-ocsp-nocheck, signed by the CA's current key.
/// </summary>
[PersistedAs("ca.ocsp-responder-certified.v1")]
public sealed record OcspResponderCertified(RunId Run, SimInstant At, EntityId Entity, string KeyRef, byte[] CertificateDer) : ITwinEvent;

/// <summary>
/// A relying party cached an OCSP answer it received at <paramref name="At"/>: for the certificate of serial <paramref name="Serial"/>
/// (hex) under the issuer key <paramref name="IssuerKey"/>, the status (good, revoked with reason and time), thisUpdate and nextUpdate.
/// A restarted relying party reloads its cache from these, so it judges with the answers it held, as an uninterrupted one does.
/// </summary>
[PersistedAs("dev.ocsp-cached.v1")]
public sealed record DeviceOcspAnswerCached(RunId Run, SimInstant At, EntityId Entity, string IssuerKey, string Serial, string Status, string? Reason, DateTimeOffset? RevokedAt, DateTimeOffset ThisUpdate, DateTimeOffset? NextUpdate) : ITwinEvent;
