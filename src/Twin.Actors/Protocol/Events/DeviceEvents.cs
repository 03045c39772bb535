using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>The device generated a key pair on the device into its key store under <paramref name="KeyRef"/>.</summary>
[PersistedAs("dev.key-generated.v1")]
public sealed record DeviceKeyGenerated(RunId Run, SimInstant At, EntityId Entity, string KeyRef, string Algorithm, byte[] PublicKeyInfo) : ITwinEvent;

/// <summary>The device sent a certification request (PKCS#10) to its CA.</summary>
[PersistedAs("dev.enroll-requested.v1")]
public sealed record DeviceEnrollmentRequested(RunId Run, SimInstant At, EntityId Entity, EntityId Ca, string Reason, byte[] CsrDer) : ITwinEvent;

/// <summary>The device installed a certificate issued to it; it supersedes any earlier one.</summary>
[PersistedAs("dev.cert-installed.v1")]
public sealed record DeviceCertificateInstalled(RunId Run, SimInstant At, EntityId Entity, byte[] CertificateDer, byte[] IssuerCertificateDer) : ITwinEvent;
