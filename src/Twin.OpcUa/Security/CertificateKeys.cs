using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Twin.OpcUa.Security;

/// <summary>
/// The private key behind an application or user certificate. X509Certificate2 can only carry a key it may copy
/// (on Linux CopyWithPrivateKey exports the parameters), so a key that lives in a non-exportable store (TPM, HSM) is
/// attached beside the certificate instead: <see cref="WithKeyInStore"/>. Every place the stack needs the private key asks here.
/// </summary>
public static class CertificateKeys
{
    private static readonly ConditionalWeakTable<X509Certificate2, Func<RSA>> Attached = new();

    /// <summary>A copy of <paramref name="certificate"/> (public part only) whose private operations run through <paramref name="openKey"/>; each call to it returns an RSA the caller may dispose.</summary>
    public static X509Certificate2 WithKeyInStore(X509Certificate2 certificate, Func<RSA> openKey)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(openKey);
        var copy = X509CertificateLoader.LoadCertificate(certificate.RawData);
        Attached.AddOrUpdate(copy, openKey);
        return copy;
    }

    /// <summary>The certificate's RSA private key (from its key store or carried by the certificate), or null; the caller disposes it.</summary>
    public static RSA? PrivateKeyOf(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Attached.TryGetValue(certificate, out var open) ? open() : certificate.GetRSAPrivateKey();
    }

    /// <summary>True when the certificate carries a private key or has one attached from a key store.</summary>
    public static bool HasPrivateKey(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.HasPrivateKey || Attached.TryGetValue(certificate, out _);
    }
}
