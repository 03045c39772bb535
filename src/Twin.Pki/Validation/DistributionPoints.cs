using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace Twin.Pki.Validation;

/// <summary>One cRLDistributionPoints entry of a certificate (RFC 5280 §4.2.1.13), names in comparable form.</summary>
internal sealed record CertificateDistributionPoint(IReadOnlyList<string> Names, int Reasons, X509Name? CrlIssuer);

/// <summary>Distribution point names and reason masks for CRL scope checks (RFC 5280 §6.3.3 (b)–(d)).</summary>
internal static class DistributionPoints
{
    internal static readonly int AllReasons =
        ReasonFlags.KeyCompromise | ReasonFlags.CACompromise | ReasonFlags.AffiliationChanged | ReasonFlags.Superseded |
        ReasonFlags.CessationOfOperation | ReasonFlags.CertificateHold | ReasonFlags.PrivilegeWithdrawn | ReasonFlags.AACompromise;

    /// <summary>The certificate's distribution points; without the extension, one point with all reasons at the issuer (RFC 5280 §6.3.3).</summary>
    internal static IReadOnlyList<CertificateDistributionPoint> Of(X509Certificate cert)
    {
        var value = cert.GetExtensionValue(X509Extensions.CrlDistributionPoints);
        if (value is null) return [new CertificateDistributionPoint([], AllReasons, null)];
        var result = new List<CertificateDistributionPoint>();
        foreach (var point in CrlDistPoint.GetInstance(X509ExtensionUtilities.FromExtensionValue(value)).GetDistributionPoints())
        {
            var crlIssuer = point.CrlIssuer?.GetNames().FirstOrDefault(n => n.TagNo == GeneralName.DirectoryName) is { } dn ? X509Name.GetInstance(dn.Name) : null;
            var names = Names(point.DistributionPointName, crlIssuer ?? cert.IssuerDN);
            result.Add(new CertificateDistributionPoint(names, point.Reasons?.IntValue ?? AllReasons, crlIssuer));
        }
        return result;
    }

    /// <summary>Full names as comparable strings; a name relative to the CRL issuer is appended to <paramref name="relativeTo"/>.</summary>
    internal static IReadOnlyList<string> Names(DistributionPointName? name, X509Name relativeTo)
    {
        if (name is null) return [];
        if (name.Type == DistributionPointName.FullName)
            return [.. GeneralNames.GetInstance(name.Name).GetNames().Select(Key)];
        var rdns = Asn1Sequence.GetInstance(relativeTo.ToAsn1Object()).Cast<Asn1Encodable>().Append(name.Name).ToArray();
        return ["dn:" + NameKey.Of(X509Name.GetInstance(new DerSequence(rdns)))];
    }

    internal static string Key(GeneralName name) => name.TagNo == GeneralName.DirectoryName
        ? "dn:" + NameKey.Of(X509Name.GetInstance(name.Name))
        : $"{name.TagNo}:{name.Name}";

    internal static string Key(X509Name name) => "dn:" + NameKey.Of(name);
}
