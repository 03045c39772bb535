using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// The device generated a key pair on the device into its key store under <paramref name="KeyRef"/>; <paramref name="KeyStore"/> names
/// the store (software, tpm, hsm). Events recorded before the field existed read as "software", which is where their keys were.
/// </summary>
[PersistedAs("dev.key-generated.v1")]
public sealed record DeviceKeyGenerated(RunId Run, SimInstant At, EntityId Entity, string KeyRef, string Algorithm, byte[] PublicKeyInfo, string KeyStore = "software") : ITwinEvent;

/// <summary>The device sent a certification request (PKCS#10) to its CA.</summary>
[PersistedAs("dev.enroll-requested.v1")]
public sealed record DeviceEnrollmentRequested(RunId Run, SimInstant At, EntityId Entity, EntityId Ca, string Reason, byte[] CsrDer) : ITwinEvent;

/// <summary>The device sent a CMP request (<paramref name="Body"/>: ir or kur, RFC 9483 §4.1) to its domain's registrar: the PKIMessage as sent.</summary>
[PersistedAs("dev.cmp-requested.v1")]
public sealed record DeviceCmpRequested(RunId Run, SimInstant At, EntityId Entity, string Domain, string Body, byte[] MessageDer) : ITwinEvent;

/// <summary>
/// The registrar refused the device's CMP request (or its answer was unusable): the request is settled, not to be sent again after a
/// restart; the device asks anew at its retry. <paramref name="Reason"/> is what it was told.
/// </summary>
[PersistedAs("dev.cmp-refused.v1")]
public sealed record DeviceCmpRefused(RunId Run, SimInstant At, EntityId Entity, string Domain, string Reason) : ITwinEvent;

/// <summary>The device installed a certificate issued to it; it supersedes any earlier one.</summary>
[PersistedAs("dev.cert-installed.v1")]
public sealed record DeviceCertificateInstalled(RunId Run, SimInstant At, EntityId Entity, byte[] CertificateDer, byte[] IssuerCertificateDer) : ITwinEvent;

/// <summary>
/// The device was taken out of service: the keys it held (<paramref name="DestroyedKeyRefs"/>) were destroyed in its key store,
/// its current certificate (<paramref name="RevokedSerial"/>, if any) goes to its CA for revocation (cessationOfOperation),
/// and it neither renews, serves nor connects again.
/// </summary>
[PersistedAs("dev.decommissioned.v1")]
public sealed record DeviceDecommissioned(RunId Run, SimInstant At, EntityId Entity, string Requester, IReadOnlyList<string> DestroyedKeyRefs, string? RevokedSerial) : ITwinEvent;

/// <summary>
/// The POL tried to open a secure OPC UA session with <paramref name="Target"/>'s server: the status
/// code it got (Good, or the Part 4 code of the refusal) and why. Availability is measured from these.
/// </summary>
[PersistedAs("pol.attempt.v1")]
public sealed record ConnectionAttempted(RunId Run, SimInstant At, EntityId Entity, EntityId Target, string? EndpointUrl, uint StatusCode, string Status, string Reason) : ITwinEvent;
