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
