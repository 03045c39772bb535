using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Twin.OpcUa.Gds;

/// <summary>
/// How a server's owner takes part in push certificate management (Part 12 §7.10): where a new key comes from when a
/// management client asks CreateSigningRequest to regenerate it, and what the owner learns once ApplyChanges lands — so
/// keys can live in the owner's key store and every change can be recorded where the owner keeps its history.
/// </summary>
public sealed record CertificateManagementHooks
{
    /// <summary>Makes the new RSA key of the given size for CreateSigningRequest(RegeneratePrivateKey); null: RSA.Create.</summary>
    public Func<int, RSA>? NewKey { get; init; }

    /// <summary>
    /// Told when a key made by <see cref="NewKey"/> is dropped before it was made active (Part 12 §7.10.10: a later
    /// CreateSigningRequest discards it; CancelChanges cancels the transaction it was made in): its SubjectPublicKeyInfo and why,
    /// so the owner can destroy it in its key store.
    /// </summary>
    public Action<byte[], string>? KeyDiscarded { get; init; }

    /// <summary>Told after ApplyChanges installed a certificate or a trust list (on the thread that served the call).</summary>
    public Action<AppliedChanges>? Applied { get; init; }
}

/// <summary>What one ApplyChanges installed: the new certificate (with its key) and its issuers, and the new trust list.</summary>
public sealed record AppliedChanges(X509Certificate2? Certificate, IReadOnlyList<byte[]> Issuers, TrustListData? TrustList);
