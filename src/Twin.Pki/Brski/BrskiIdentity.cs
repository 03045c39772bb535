using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Validation;

namespace Twin.Pki.Brski;

/// <summary>What BRSKI reads from an IEEE 802.1AR IDevID: the device serial number and the issuer's key identifier.</summary>
public static class BrskiIdentity
{
    /// <summary>The X.520 serialNumber of the subject (RFC 8995 §2.3.1), or null when the certificate carries none.</summary>
    public static string? SerialNumberOf(Certificate idevid)
    {
        ArgumentNullException.ThrowIfNull(idevid);
        var values = idevid.Inner.SubjectDN.GetValueList(X509Name.SerialNumber);
        return values.Count > 0 ? values[0] : null;
    }

    /// <summary>The keyIdentifier of the authorityKeyIdentifier extension (RFC 5280 §4.2.1.1): the voucher's idevid-issuer (RFC 8366 §5.3).</summary>
    public static byte[]? AuthorityKeyIdOf(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return KeyIdentifiers.Authority(certificate.Inner);
    }

    // IDevIDs and MASA signers are manufacturer credentials: manufacturers publish no CRLs to the plant.
    internal static PathValidator Validator(IEnumerable<Certificate> anchors) =>
        new(anchors, ValidationPolicy.Default with { Revocation = RevocationMode.Off });
}
