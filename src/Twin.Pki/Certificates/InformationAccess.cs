using Org.BouncyCastle.Asn1.X509;

namespace Twin.Pki.Certificates;

/// <summary>Reads the authorityInfoAccess extension (RFC 5280 §4.2.2.1).</summary>
internal static class InformationAccess
{
    internal static IReadOnlyList<string> OcspUrlsOf(Org.BouncyCastle.X509.X509Certificate certificate)
    {
        var value = certificate.GetExtensionValue(X509Extensions.AuthorityInfoAccess);
        if (value is null) return [];
        try
        {
            var aia = AuthorityInformationAccess.GetInstance(Org.BouncyCastle.X509.Extension.X509ExtensionUtilities.FromExtensionValue(value));
            return [.. aia.GetAccessDescriptions()
                .Where(d => d.AccessMethod.Equals(AccessDescription.IdADOcsp) && d.AccessLocation.TagNo == GeneralName.UniformResourceIdentifier)
                .Select(d => d.AccessLocation.Name.ToString()!)];
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            throw new PkiFormatException($"Certificate {certificate.SubjectDN}: authorityInfoAccess is malformed ({e.Message}).", e);
        }
    }
}
