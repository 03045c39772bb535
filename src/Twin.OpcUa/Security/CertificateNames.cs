using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Twin.OpcUa.Security;

/// <summary>Names an application instance certificate carries (Part 6 §6.2.2: the ApplicationUri is a URI in subjectAltName).</summary>
public static class CertificateNames
{
    /// <summary>The uniformResourceIdentifier entries of the subjectAltName extension, in order; empty without one.</summary>
    public static IReadOnlyList<string> UrisOf(X509Certificate2 cert)
    {
        ArgumentNullException.ThrowIfNull(cert);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return [];
        var reader = new AsnReader(san.RawData, AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        while (reader.HasData)
        {
            if (reader.PeekTag() == uriTag) uris.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            else reader.ReadEncodedValue();
        }
        return uris;
    }
}
