using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Commands;

/// <summary>
/// Asks a trust centre to cross-certify the key in a PKCS#10 request of <paramref name="Requester"/> (an accredited CA or a
/// partner trust centre); answered with <see cref="CrossCertified"/> or <see cref="CrossCertificationRefused"/>.
/// <paramref name="Partnership"/> marks a partner trust centre's request, which the trust centre answers by asking for the reverse.
/// </summary>
public sealed record CrossCertify(EntityId Requester, byte[] CsrDer, TimeSpan Lifetime, bool Partnership) : ICaCommand;

/// <summary>The trust centre's cross-certificate for the requester's key, and the trust centre's own certificate.</summary>
public sealed record CrossCertified(EntityId TrustCentre, byte[] CrossCertificateDer, byte[] TrustCentreCertificateDer);

/// <summary>The trust centre refused to cross-certify; <paramref name="Reason"/> names the rule.</summary>
public sealed record CrossCertificationRefused(EntityId TrustCentre, string Reason);

/// <summary>A partner JOINs: the trust centre asks <paramref name="Partner"/> to cross-certify it, and the partner asks back.</summary>
public sealed record JoinPartner(EntityId Partner, string Requester) : ICaCommand;

/// <summary>
/// A partner LEAVEs: the trust centre revokes the cross-certificate it issued to <paramref name="Partner"/>; with
/// <paramref name="Reciprocate"/> it tells the partner to do the same for it.
/// </summary>
public sealed record LeavePartner(EntityId Partner, string Requester, bool Reciprocate = true) : ICaCommand;
