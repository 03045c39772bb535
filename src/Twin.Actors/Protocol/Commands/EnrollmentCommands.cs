using Twin.Actors.Model;
using Twin.Pki.Authority;

namespace Twin.Actors.Protocol.Commands;

/// <summary>Asks a CA to certify the public key in a PKCS#10 request for <paramref name="Requester"/> under <paramref name="Profile"/>.</summary>
public sealed record IssueFromCsr(EntityId Requester, byte[] CsrDer, CertificateProfile Profile, TimeSpan Lifetime) : ICaCommand
{
    /// <summary>
    /// Set when the requester sends again a request it first made at this instant (a device recovering
    /// with its request still unanswered): a CA that already answered it then returns the same certificate.
    /// </summary>
    public Clock.SimInstant? FirstSentAt { get; init; }
}

/// <summary>The CA's answer: the new certificate and the CA's own certificate.</summary>
public sealed record CertificateGranted(byte[] CertificateDer, byte[] IssuerCertificateDer)
{
    /// <summary>
    /// Which request this answers: the SHA-256 (lower-case hex) of the PKCS#10 request's DER for <see cref="IssueFromCsr"/>;
    /// null where the answer is not matched to a request (a template issuance, an answer built in process).
    /// </summary>
    public string? Request { get; init; }
}

/// <summary>The CA refused; <paramref name="Reason"/> names the rule that failed.</summary>
public sealed record CertificateRefused(string Reason);

/// <summary>Asks a CA for its own certificate; answered with <see cref="CaCertificate"/>.</summary>
public sealed record GetCaCertificate : ICaCommand;

/// <summary>A CA's own certificate (DER), or null before it has one.</summary>
public sealed record CaCertificate(EntityId Ca, byte[]? CertificateDer);

/// <summary>Asks a CA to revoke the certificate with <paramref name="Serial"/> (hex) for <paramref name="Reason"/>; <paramref name="Requester"/> is recorded.</summary>
public sealed record RevokeCertificate(string Serial, Twin.Pki.Revocation.RevocationReason Reason, string Requester) : ICaCommand;

/// <summary>The CA revoked the certificate and published CRL <paramref name="CrlNumber"/>.</summary>
public sealed record RevocationDone(string Serial, long CrlNumber);

/// <summary>The CA refused to revoke; <paramref name="Reason"/> names the rule.</summary>
public sealed record RevocationRefused(string Serial, string Reason);

/// <summary>Asks a CA for the last CRL it published; answered with <see cref="CaCrl"/>.</summary>
public sealed record GetCurrentCrl : ICaCommand;

/// <summary>A CA's last CRL (DER), or null before its first.</summary>
public sealed record CaCrl(byte[]? CrlDer);

/// <summary>Delivers <paramref name="Message"/> to entity <paramref name="Entity"/> of the run, as the one way in for the API and the dashboard.</summary>
public sealed record ToEntity(Twin.Actors.Model.EntityId Entity, object Message);

/// <summary>Makes a CA unreachable (false) or reachable again (true); answered with <see cref="CaReachability"/>.</summary>
public sealed record SetCaReachable(bool Reachable, string Requester) : ICaCommand;

/// <summary>Whether the CA is reachable now.</summary>
public sealed record CaReachability(bool Reachable);

/// <summary>Asks a device to have its current certificate revoked by its CA (an operator's action after a compromise).</summary>
public sealed record RevokeCurrentCertificate(Twin.Pki.Revocation.RevocationReason Reason, string Requester) : IDeviceCommand;

/// <summary>Takes a device out of service for good: its keys destroyed, its certificate revoked (cessationOfOperation).</summary>
public sealed record DecommissionDevice(string Requester) : IDeviceCommand;
