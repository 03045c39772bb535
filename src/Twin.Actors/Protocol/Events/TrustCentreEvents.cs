using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// A CA (an accredited operator or manufacturer CA, or a partner trust centre) installed the cross-certificate that
/// <paramref name="TrustCentre"/> issued for its current key: relying parties anchored at that trust centre now reach it.
/// </summary>
[PersistedAs("ca.cross-certified.v1")]
public sealed record CaCrossCertified(RunId Run, SimInstant At, EntityId Entity, EntityId TrustCentre, byte[] CrossCertificateDer, byte[] TrustCentreCertificateDer) : ITwinEvent;

/// <summary>A trust centre took <paramref name="Partner"/> into (<paramref name="Joined"/>) or out of its federation.</summary>
[PersistedAs("tc.partner.v1")]
public sealed record TrustCentrePartnerChanged(RunId Run, SimInstant At, EntityId Entity, EntityId Partner, bool Joined, string Requester) : ITwinEvent;

/// <summary>
/// A relying party (a PEA server, the POL) pulled the trust list on its schedule and now holds newer CRLs: one line per CA,
/// "name=CRL number". Journaled only when something changed, so a quiet plant writes nothing.
/// </summary>
[PersistedAs("dev.trust-list-pulled.v1")]
public sealed record DeviceTrustListPulled(RunId Run, SimInstant At, EntityId Entity, IReadOnlyList<string> Crls) : ITwinEvent;

/// <summary>
/// A CA purged the records of certificates that expired more than the retention period ago (serials, hex); those that were
/// revoked left its CRL with this purge (<paramref name="RevocationEntriesDropped"/>).
/// </summary>
[PersistedAs("ca.records-purged.v1")]
public sealed record CertificateRecordsPurged(RunId Run, SimInstant At, EntityId Entity, IReadOnlyList<string> Serials, int RevocationEntriesDropped) : ITwinEvent;

/// <summary>A gateway generated a key for its credential in a further domain (<paramref name="Domain"/>) and sent that domain's registrar a CMP request (DER).</summary>
[PersistedAs("dev.domain-requested.v1")]
public sealed record GatewayDomainRequested(RunId Run, SimInstant At, EntityId Entity, string Domain, string KeyRef, byte[] PublicKeyInfo, string Body, byte[] MessageDer) : ITwinEvent;

/// <summary>
/// A further domain's registrar refused the gateway's request (or answered unusably): the request is settled, not sent again after a
/// restart; the gateway asks anew at its retry. <paramref name="Reason"/> is what it was told.
/// </summary>
[PersistedAs("dev.domain-refused.v1")]
public sealed record GatewayDomainRefused(RunId Run, SimInstant At, EntityId Entity, string Domain, string Reason) : ITwinEvent;

/// <summary>A gateway installed its LDevID in a further domain: one device, one credential per domain, each from that domain's registrar.</summary>
[PersistedAs("dev.domain-credential.v1")]
public sealed record GatewayCredentialInstalled(RunId Run, SimInstant At, EntityId Entity, string Domain, string KeyRef, byte[] CertificateDer, byte[] IssuerCertificateDer) : ITwinEvent;

/// <summary>
/// A trust centre published its signed list (trust-list model): list <paramref name="Sequence"/>, current until
/// <paramref name="NextUpdate"/>, naming each listed CA with its level ("ca-de=SL3"), and the CMS SignedData relying parties fetch.
/// <paramref name="Reason"/>: the schedule, or the partner that joined or left.
/// </summary>
[PersistedAs("tc.list-published.v1")]
public sealed record TrustCentreListPublished(RunId Run, SimInstant At, EntityId Entity, long Sequence, SimInstant NextUpdate, IReadOnlyList<string> Listed, string Reason, byte[] Cms) : ITwinEvent;

/// <summary>
/// A relying party fetched its trust centre's list and checked it: accepted (list <paramref name="Sequence"/>; the CAs it now anchors
/// on, those at the required level or above) or refused (<paramref name="Problem"/>; it keeps no anchor from that list). Journaled
/// only when the outcome changed.
/// </summary>
[PersistedAs("dev.tc-list-fetched.v1")]
public sealed record DeviceTrustCentreListFetched(RunId Run, SimInstant At, EntityId Entity, EntityId TrustCentre, long Sequence, IReadOnlyList<string> Anchors, string? Problem) : ITwinEvent;
