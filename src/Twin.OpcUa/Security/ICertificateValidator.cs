using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Security;

/// <summary>What a certificate is presented for: application authentication (Part 4 §6.1.3) or a user token (Part 4 §7.41.5).</summary>
public enum CertificateUse
{
    ApplicationInstance,
    UserIdentity,
}

/// <summary>A certificate to check, with the chain the peer sent and what the caller expects of it.</summary>
/// <param name="Certificate">The DER of the end-entity certificate.</param>
/// <param name="Chain">DER of further certificates the peer sent (issuers), possibly empty.</param>
/// <param name="Use">What the certificate is presented for.</param>
/// <param name="ExpectedApplicationUri">When set, the certificate's subjectAltName URI must equal it (BadCertificateUriInvalid).</param>
/// <param name="At">The instant to validate at: simulated time in the twin.</param>
public sealed record CertificateCheck(byte[] Certificate, IReadOnlyList<byte[]> Chain, CertificateUse Use, string? ExpectedApplicationUri, DateTimeOffset At);

/// <summary>The verdict: Good, or the Part 4 §7.39 status code a peer would see (BadCertificateUntrusted, BadCertificateRevoked, ...).</summary>
public sealed record CertificateVerdict(StatusCode Status, string Reason)
{
    public static CertificateVerdict Good { get; } = new(StatusCode.Good, "trusted");
    public bool IsGood => Status.IsGood;
}

/// <summary>
/// Validates peer certificates per Part 4 §6.1.3 (Table 106: structure, chain, signature, trust list, validity period,
/// host name/URI, usage, revocation). The twin's path validator in Twin.Pki can implement this and replace the trust-list one.
/// </summary>
public interface ICertificateValidator
{
    CertificateVerdict Validate(CertificateCheck check);
}

/// <summary>A validator that keeps the certificates it refused: the server's GetRejectedList answers from it (Part 12 §7.10.9).</summary>
public interface IRejectingValidator
{
    IRejectedCertificateStore RejectedStore { get; }
}

/// <summary>Where the rejected certificates end up, so an operator can inspect and trust them (Part 12 §7.3.6).</summary>
public interface IRejectedCertificateStore
{
    void Add(X509Certificate2 certificate, StatusCode reason);

    IReadOnlyList<X509Certificate2> Rejected { get; }
}

/// <summary>An in-memory rejected list.</summary>
public sealed class RejectedCertificates : IRejectedCertificateStore
{
    private readonly List<X509Certificate2> _rejected = [];

    public void Add(X509Certificate2 certificate, StatusCode reason)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        lock (_rejected)
            if (!_rejected.Any(c => c.Thumbprint == certificate.Thumbprint)) _rejected.Add(certificate);
    }

    public IReadOnlyList<X509Certificate2> Rejected
    {
        get { lock (_rejected) return [.. _rejected]; }
    }
}

/// <summary>
/// A validator whose trust list a server's ServerConfiguration may read and replace (Part 12 §7.10: the TrustList file,
/// ApplyChanges, a pulled trust list): the trusted certificates, the issuers that complete a path, and the CRLs.
/// </summary>
public interface ITrustListStore
{
    /// <summary>The trust list, issuer list and CRLs as DER, as they stand.</summary>
    (IReadOnlyList<byte[]> Trusted, IReadOnlyList<byte[]> Issuers, IReadOnlyList<byte[]> Crls) Snapshot();

    /// <summary>Replaces the trust list, issuer list and CRLs at once.</summary>
    void Replace(IEnumerable<byte[]> trusted, IEnumerable<byte[]> issuers, IEnumerable<byte[]> crls);

    /// <summary>Adds a CA that may complete a path without being trusted itself (DER).</summary>
    void AddIssuer(byte[] der);
}
