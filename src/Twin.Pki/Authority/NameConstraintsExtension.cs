using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Certificates;
using BcNameConstraints = Org.BouncyCastle.Asn1.X509.NameConstraints;

namespace Twin.Pki.Authority;

/// <summary>Encodes <see cref="NameConstraints"/> as the X.509 extension (RFC 5280 §4.2.1.10).</summary>
internal static class NameConstraintsExtension
{
    internal static BcNameConstraints Create(NameConstraints nc)
    {
        var permitted = Subtrees(nc.PermittedDnsNames, nc.PermittedDirectoryNames, nc.PermittedUris, nc.PermittedEmails);
        var excluded = Subtrees(nc.ExcludedDnsNames, nc.ExcludedDirectoryNames, nc.ExcludedUris, nc.ExcludedEmails);
        return new BcNameConstraints(permitted.Count > 0 ? new GeneralSubtrees(permitted.ToArray()) : null, excluded.Count > 0 ? new GeneralSubtrees(excluded.ToArray()) : null);
    }

    private static List<GeneralSubtree> Subtrees(IReadOnlyList<string> dns, IReadOnlyList<string> dirs, IReadOnlyList<string> uris, IReadOnlyList<string> emails)
    {
        var result = new List<GeneralSubtree>();
        result.AddRange(dns.Select(d => new GeneralSubtree(new GeneralName(GeneralName.DnsName, d))));
        result.AddRange(dirs.Select(d => new GeneralSubtree(new GeneralName(DistinguishedNames.Parse(d)))));
        result.AddRange(uris.Select(u => new GeneralSubtree(new GeneralName(GeneralName.UniformResourceIdentifier, u))));
        result.AddRange(emails.Select(e => new GeneralSubtree(new GeneralName(GeneralName.Rfc822Name, e))));
        return result;
    }
}
