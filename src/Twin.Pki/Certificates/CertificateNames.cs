using Org.BouncyCastle.Asn1.X509;

namespace Twin.Pki.Certificates;

/// <summary>Names a certificate carries besides its subject.</summary>
public static class CertificateNames
{
    /// <summary>The URIs of the subjectAltName extension (a device URN, an OPC UA ApplicationUri), in order.</summary>
    public static IReadOnlyList<string> UrisOf(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var ext = certificate.Inner.CertificateStructure.TbsCertificate.Extensions?.GetExtension(X509Extensions.SubjectAlternativeName);
        if (ext is null) return [];
        return [.. GeneralNames.GetInstance(ext.GetParsedValue()).GetNames().Where(n => n.TagNo == GeneralName.UniformResourceIdentifier).Select(n => n.Name.ToString()!)];
    }
}
