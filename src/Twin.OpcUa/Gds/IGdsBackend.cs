namespace Twin.OpcUa.Gds;

/// <summary>
/// What a GDS pull server (<see cref="GdsDirectory"/>) asks of whoever runs the certificate authority behind it: who signs,
/// who revokes, which trust list its applications get. The twin fills it with a registrar's domain and CA.
/// </summary>
public interface IGdsBackend
{
    /// <summary>
    /// Signs a PKCS#10 request (DER) for a registered application. It may take its time: until the task completes the
    /// application's FinishRequest answers BadNothingToDo; a refusal is a <see cref="Encoding.UaException"/> with its code.
    /// </summary>
    Task<GdsIssuedCertificate> SignAsync(ApplicationRecord application, byte[] certificationRequest, CancellationToken ct);

    /// <summary>
    /// Revokes a certificate issued to the application by the CA behind the GDS — any of them, as long as the CA keeps its record —
    /// and completes once the revocation is recorded (its CRL then reaches relying parties through the trust list). A certificate
    /// the CA did not issue, or no longer keeps a record of, is refused with a <see cref="Encoding.UaException"/> of
    /// BadInvalidArgument (Part 12 §7.9.15); one already revoked completes without change.
    /// </summary>
    Task RevokeAsync(ApplicationRecord application, byte[] certificate, CancellationToken ct);

    /// <summary>The trust list the application's certificate group hands out: CA certificates and their CRLs.</summary>
    TrustListData TrustList();

    /// <summary>The certificate of the CA that signs now; a certificate it did not sign needs renewing (GetCertificateStatus).</summary>
    byte[] IssuerCertificate();
}

/// <summary>A certificate the backend issued (DER) and the issuer certificates a client needs to build its chain.</summary>
public sealed record GdsIssuedCertificate(byte[] Certificate, IReadOnlyList<byte[]> IssuerCertificates);
