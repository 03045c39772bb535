using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Pea;

/// <summary>Hands an entity's certificate and RSA key to the OPC UA stack, which speaks X509Certificate2.</summary>
internal static class OpcUaIdentity
{
    public static X509Certificate2 WithPrivateKey(Certificate certificate, KeyPair key)
    {
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.ExportPkcs8(), out _);
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.GetDer());
        return publicOnly.CopyWithPrivateKey(rsa);
    }
}
