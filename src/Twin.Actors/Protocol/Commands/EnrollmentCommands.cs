using Twin.Actors.Model;
using Twin.Pki.Authority;

namespace Twin.Actors.Protocol.Commands;

/// <summary>Asks a CA to certify the public key in a PKCS#10 request for <paramref name="Requester"/> under <paramref name="Profile"/>.</summary>
public sealed record IssueFromCsr(EntityId Requester, byte[] CsrDer, CertificateProfile Profile, TimeSpan Lifetime) : ICaCommand;

/// <summary>The CA's answer: the new certificate and the CA's own certificate.</summary>
public sealed record CertificateGranted(byte[] CertificateDer, byte[] IssuerCertificateDer);

/// <summary>The CA refused; <paramref name="Reason"/> names the rule that failed.</summary>
public sealed record CertificateRefused(string Reason);

/// <summary>Asks a CA for its own certificate; answered with <see cref="CaCertificate"/>.</summary>
public sealed record GetCaCertificate : ICaCommand;

/// <summary>A CA's own certificate (DER), or null before it has one.</summary>
public sealed record CaCertificate(EntityId Ca, byte[]? CertificateDer);
