using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// A PEA server received a renewed application certificate through its domain's GDS (<paramref name="Mode"/>: pull — it called
/// the GDS — or push — the GDS drove its ServerConfiguration); the certificate itself is in the <see cref="DeviceCertificateInstalled"/> beside it.
/// </summary>
[PersistedAs("dev.gds-certificate.v1")]
public sealed record DeviceGdsCertificateDelivered(RunId Run, SimInstant At, EntityId Entity, string Mode, EntityId Gds, string Serial) : ITwinEvent;

/// <summary>
/// A PEA server installed the trust list its domain's GDS delivered (CA certificates and CRLs, DER): from now on it judges
/// revocation of that CA's certificates by these CRLs. Journaled whole, so a restarted server judges by the same copy.
/// </summary>
[PersistedAs("dev.gds-trust-list.v1")]
public sealed record DeviceGdsTrustListInstalled(RunId Run, SimInstant At, EntityId Entity, string Mode, IReadOnlyList<byte[]> CaCertificates, IReadOnlyList<byte[]> Crls) : ITwinEvent;

/// <summary>The registrar generated its GDS's key into <paramref name="KeyRef"/> and installed the OPC UA application certificate the domain's CA issued for it.</summary>
[PersistedAs("reg.gds-certified.v1")]
public sealed record RegistrarGdsCertified(RunId Run, SimInstant At, EntityId Entity, string KeyRef, byte[] CertificateDer) : ITwinEvent;
