using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace Twin.Pki.Certificates;

/// <summary>One X.509v3 extension as a person reads it: its name, OID, criticality and value in openssl's wording.</summary>
public sealed record ExtensionText(string Name, string Oid, bool Critical, string Value);

/// <summary>Describes a certificate's extensions (RFC 5280 §4.2) for display; names follow openssl x509 -text so the two can be compared.</summary>
public static class CertificateExtensions
{
    private static readonly string[] KeyUsageNames =
        ["Digital Signature", "Non Repudiation", "Key Encipherment", "Data Encipherment", "Key Agreement", "Certificate Sign", "CRL Sign", "Encipher Only", "Decipher Only"];

    private static readonly Dictionary<string, string> PurposeNames = new(StringComparer.Ordinal)
    {
        ["1.3.6.1.5.5.7.3.1"] = "TLS Web Server Authentication",
        ["1.3.6.1.5.5.7.3.2"] = "TLS Web Client Authentication",
        ["1.3.6.1.5.5.7.3.3"] = "Code Signing",
        ["1.3.6.1.5.5.7.3.4"] = "E-mail Protection",
        ["1.3.6.1.5.5.7.3.8"] = "Time Stamping",
        ["1.3.6.1.5.5.7.3.9"] = "OCSP Signing",
        ["1.3.6.1.5.5.7.3.28"] = "CMC Registration Authority",
        ["1.3.6.1.5.5.7.3.31"] = "Bootstrapping Remote Secure Key Infrastructures registrar",
    };

    /// <summary>Every extension of <paramref name="certificate"/>, in the order it carries them.</summary>
    public static IReadOnlyList<ExtensionText> Describe(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extensions = certificate.Inner.CertificateStructure.TbsCertificate.Extensions;
        if (extensions is null) return [];
        var result = new List<ExtensionText>();
        foreach (var oid in extensions.ExtensionOids)
        {
            var ext = extensions.GetExtension(oid);
            var (name, value) = Render(oid, ext.GetParsedValue());
            result.Add(new ExtensionText(name, oid.Id, ext.IsCritical, value));
        }
        return result;
    }

    private static (string Name, string Value) Render(DerObjectIdentifier oid, Asn1Object parsed)
    {
        if (oid.Equals(X509Extensions.BasicConstraints))
        {
            var bc = BasicConstraints.GetInstance(parsed);
            return ("Basic Constraints", bc.IsCA() ? "CA:TRUE" + (bc.PathLenConstraint is { } p ? $", pathlen:{p}" : "") : "CA:FALSE");
        }
        if (oid.Equals(X509Extensions.KeyUsage))
        {
            var bits = KeyUsage.GetInstance(parsed);
            var names = KeyUsageNames.Where((_, i) => (bits.IntValue & KeyUsageBit(i)) != 0);
            return ("Key Usage", string.Join(", ", names));
        }
        if (oid.Equals(X509Extensions.ExtendedKeyUsage))
            return ("Extended Key Usage", string.Join(", ", ExtendedKeyUsage.GetInstance(parsed).GetAllUsages().Select(u => PurposeNames.GetValueOrDefault(u.Id, u.Id))));
        if (oid.Equals(X509Extensions.SubjectAlternativeName))
            return ("Subject Alternative Name", string.Join(", ", GeneralNames.GetInstance(parsed).GetNames().Select(NameText)));
        if (oid.Equals(X509Extensions.SubjectKeyIdentifier))
            return ("Subject Key Identifier", Hex(SubjectKeyIdentifier.GetInstance(parsed).GetKeyIdentifier()));
        if (oid.Equals(X509Extensions.AuthorityKeyIdentifier))
        {
            var aki = AuthorityKeyIdentifier.GetInstance(parsed);
            return ("Authority Key Identifier", aki.KeyIdentifier is { } id ? Hex(id.GetOctets()) : "(no key identifier)");
        }
        if (oid.Equals(X509Extensions.CrlDistributionPoints))
        {
            var uris = CrlDistPoint.GetInstance(parsed).GetDistributionPoints()
                .Where(p => p.DistributionPointName?.Type == DistributionPointName.FullName)
                .SelectMany(p => GeneralNames.GetInstance(p.DistributionPointName.Name).GetNames())
                .Select(NameText);
            return ("CRL Distribution Points", string.Join(", ", uris));
        }
        return (oid.Id, $"{parsed.GetEncoded().Length} bytes");
    }

    private static int KeyUsageBit(int index) => index switch
    {
        0 => KeyUsage.DigitalSignature,
        1 => KeyUsage.NonRepudiation,
        2 => KeyUsage.KeyEncipherment,
        3 => KeyUsage.DataEncipherment,
        4 => KeyUsage.KeyAgreement,
        5 => KeyUsage.KeyCertSign,
        6 => KeyUsage.CrlSign,
        7 => KeyUsage.EncipherOnly,
        _ => KeyUsage.DecipherOnly,
    };

    private static string NameText(GeneralName name) => name.TagNo switch
    {
        GeneralName.UniformResourceIdentifier => "URI:" + name.Name,
        GeneralName.DnsName => "DNS:" + name.Name,
        GeneralName.IPAddress => "IP Address:" + IpText(Asn1OctetString.GetInstance(name.Name).GetOctets()),
        GeneralName.Rfc822Name => "email:" + name.Name,
        GeneralName.DirectoryName => "DirName:" + X509Name.GetInstance(name.Name),
        _ => $"othername:{name.TagNo}",
    };

    private static string IpText(byte[] octets) => new System.Net.IPAddress(octets).ToString();

    private static string Hex(byte[] bytes) => string.Join(':', bytes.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}
