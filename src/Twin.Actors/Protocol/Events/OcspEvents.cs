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
