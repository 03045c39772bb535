using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace Twin.Pki.Validation;

/// <summary>Reads the key identifier extensions (RFC 5280 §4.2.1.1, §4.2.1.2) that steer path building.</summary>
internal static class KeyIdentifiers
{
    internal static byte[]? Authority(X509Certificate c)
    {
        try
        {
            var value = c.GetExtensionValue(X509Extensions.AuthorityKeyIdentifier);
            return value is null ? null : AuthorityKeyIdentifier.GetInstance(X509ExtensionUtilities.FromExtensionValue(value)).KeyIdentifier?.GetOctets();
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            return null;
        }
    }

    internal static byte[]? Subject(X509Certificate c)
    {
        try
        {
            var value = c.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
            return value is null ? null : Asn1OctetString.GetInstance(X509ExtensionUtilities.FromExtensionValue(value)).GetOctets();
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            return null;
        }
    }
}
