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

/// <summary>
/// The domain's GDS registered an application (RegisterApplication, or UpdateApplication of its record) under
/// <paramref name="ApplicationId"/> (a Guid, the NodeId's identifier in the GDS namespace): the ApplicationRecord's fields, the
/// certificate groups it is in and the TrustList it is handed (NodeIds as text). Journaled when the record is new or changed
/// beyond a discovery URL's port, so a restarted GDS answers with the same ApplicationId.
/// </summary>
[PersistedAs("reg.gds-registered.v1")]
public sealed record RegistrarGdsApplicationRegistered(RunId Run, SimInstant At, EntityId Entity, string ApplicationId, int Generation, string ApplicationUri, string ApplicationType,
    IReadOnlyList<GdsApplicationName> ApplicationNames, string ProductUri, IReadOnlyList<string> DiscoveryUrls, IReadOnlyList<string> ServerCapabilities,
    IReadOnlyList<string> CertificateGroups, string TrustList) : ITwinEvent;

/// <summary>One of an ApplicationRecord's names (a LocalizedText).</summary>
public sealed record GdsApplicationName(string? Locale, string Text);

/// <summary>The domain's GDS unregistered an application (UnregisterApplication).</summary>
[PersistedAs("reg.gds-unregistered.v1")]
public sealed record RegistrarGdsApplicationUnregistered(RunId Run, SimInstant At, EntityId Entity, string ApplicationId, string ApplicationUri) : ITwinEvent;

/// <summary>The domain's GDS handed a registered application a certificate (FinishRequest): its current one from now on.</summary>
[PersistedAs("reg.gds-delivered.v1")]
public sealed record RegistrarGdsCertificateDelivered(RunId Run, SimInstant At, EntityId Entity, string ApplicationId, byte[] CertificateDer) : ITwinEvent;

/// <summary>The domain's GDS accepted RevokeCertificate for a certificate it had issued to the application.</summary>
[PersistedAs("reg.gds-revoked.v1")]
public sealed record RegistrarGdsCertificateRevoked(RunId Run, SimInstant At, EntityId Entity, string ApplicationId, byte[] CertificateDer) : ITwinEvent;

/// <summary>
/// The domain's GDS is about to ask its CA to sign a request for <paramref name="ApplicationUri"/> (<paramref name="RequestDigest"/>:
/// SHA-256 of the PKCS#10 DER, hex). Journaled before the CA hears of it: the same request sent again — by an application that
/// recovered before it heard the answer — goes to the CA as a repeat first sent at this instant, and gets the same certificate.
/// </summary>
[PersistedAs("reg.gds-request.v1")]
public sealed record RegistrarGdsSigningRequested(RunId Run, SimInstant At, EntityId Entity, string ApplicationUri, string RequestDigest) : ITwinEvent;
