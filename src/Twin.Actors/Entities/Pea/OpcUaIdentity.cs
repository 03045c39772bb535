using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Security;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Pea;

/// <summary>Hands an entity's certificate and RSA key to the OPC UA stack, which speaks X509Certificate2.</summary>
internal static class OpcUaIdentity
{
    /// <summary>
    /// A software key travels inside the X509Certificate2 as before; a key in a TPM or HSM stays there: the certificate gets an
    /// RSA whose signatures and decryptions the store performs (<see cref="KeyStoreRsa"/>), and nothing exports it.
    /// </summary>
    public static X509Certificate2 WithPrivateKey(Certificate certificate, ISigningKey key)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(key);
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.GetDer());
        switch (key)
        {
            case KeyPair software:
            {
                using var rsa = RSA.Create();
                rsa.ImportPkcs8PrivateKey(software.ExportPkcs8(), out _);
                return publicOnly.CopyWithPrivateKey(rsa);
            }
            case IRsaKeyOperations inStore:
                return CertificateKeys.WithKeyInStore(publicOnly, () => new KeyStoreRsa(inStore));
            default:
                throw new UnsupportedAlgorithmException($"{key} offers no RSA decryption: an OPC UA application certificate needs an RSA key with decrypt and sign operations.");
        }
    }
}
