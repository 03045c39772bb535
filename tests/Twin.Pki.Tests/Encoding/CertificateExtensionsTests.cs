using System.Text.RegularExpressions;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Encoding;

/// <summary>The inspector's reading of a certificate's extensions (RFC 5280 §4.2) against openssl x509 -text, both ways.</summary>
public sealed partial class CertificateExtensionsTests
{
    [Fact]
    public async Task An_opc_ua_application_certificate_we_issue_reads_as_openssl_reads_it()
    {
        var (_, issuing) = TestPki.Hierarchy("Ext");
        var leaf = issuing.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=pea-001", TestPki.P256().PublicKey, CertificateProfile.OpcUaApplication, TestPki.Start, TestPki.Start.AddDays(90))
        {
            UriNames = ["urn:planttrust:pea-001"],
            DnsNames = ["localhost"],
            IpAddresses = [System.Net.IPAddress.Loopback],
        });

        var ours = CertificateExtensions.Describe(leaf);

        Assert.Contains(ours, e => e.Name == "Authority Key Identifier");
        Assert.Contains(ours, e => e.Name == "Subject Alternative Name" && e.Value.Contains("URI:urn:planttrust:pea-001", StringComparison.Ordinal));
        await AssertSameAsOpenSslAsync(leaf.ToPem(), ours);
    }

    [Fact]
    public async Task A_certificate_openssl_made_with_every_extension_the_inspector_names_reads_as_openssl_reads_it()
    {
        var dir = RepoPaths.NewScratch("ext-oracle");
        var made = await Peer.RunAsync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", Path.Combine(dir, "k.pem"), "-out", Path.Combine(dir, "c.pem"), "-subj", "/CN=Oracle CA", "-days", "30",
            "-addext", "basicConstraints=critical,CA:TRUE,pathlen:1",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
            "-addext", "extendedKeyUsage=serverAuth,codeSigning,1.3.6.1.5.5.7.3.28",
            "-addext", "subjectAltName=URI:urn:planttrust:x,DNS:pea.local,IP:127.0.0.1",
            "-addext", "crlDistributionPoints=URI:http://crl.example/ca.crl"]);
        Assert.True(made.ExitCode == 0, made.All);
        var pem = await File.ReadAllTextAsync(Path.Combine(dir, "c.pem"));

        var ours = CertificateExtensions.Describe(Certificate.FromPem(pem));

        foreach (var name in (string[])["Subject Key Identifier", "Basic Constraints", "Key Usage", "Extended Key Usage", "Subject Alternative Name", "CRL Distribution Points"])
            Assert.Contains(ours, e => e.Name == name);
        Assert.Equal("CA:TRUE, pathlen:1", ours.Single(e => e.Name == "Basic Constraints").Value);
        Assert.Equal("http://crl.example/ca.crl", ours.Single(e => e.Name == "CRL Distribution Points").Value[4..]);
        await AssertSameAsOpenSslAsync(pem, ours);
    }

    private static async Task AssertSameAsOpenSslAsync(string pem, IReadOnlyList<ExtensionText> ours)
    {
        var dir = RepoPaths.NewScratch("ext-text");
        var text = await Peer.RunAsync("openssl", ["x509", "-noout", "-text", "-in", RepoPaths.WriteText(dir, "c.pem", pem)]);
        Assert.True(text.ExitCode == 0, text.All);
        var theirs = OpenSslExtensions(text.StdOut);
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var e in ours)
        {
            var (critical, value) = theirs[e.Name];
            Assert.True(critical == e.Critical, $"{e.Name}: critical {e.Critical}, openssl says {critical}");
            Assert.Equal(Normal(value), Normal(e.Value));
        }
    }

    // "            X509v3 Key Usage: critical\n                Digital Signature, ..." → name → (critical, value lines joined).
    private static Dictionary<string, (bool Critical, string Value)> OpenSslExtensions(string text)
    {
        var block = text[text.IndexOf("X509v3 extensions:", StringComparison.Ordinal)..text.IndexOf("Signature Algorithm", text.IndexOf("X509v3 extensions:", StringComparison.Ordinal), StringComparison.Ordinal)];
        var result = new Dictionary<string, (bool, string)>(StringComparer.Ordinal);
        foreach (Match m in Header().Matches(block))
            result[m.Groups["name"].Value] = (m.Groups["critical"].Success, m.Groups["value"].Value);
        return result;
    }

    // openssl puts "Full Name:" before distribution point URIs and may prefix key ids with "keyid:"; spacing differs.
    private static string Normal(string value) =>
        Regex.Replace(value.Replace("Full Name:", "", StringComparison.Ordinal).Replace("keyid:", "", StringComparison.Ordinal), @"\s+", "");

    [GeneratedRegex(@"X509v3 (?<name>[A-Za-z ]+?):(?<critical> critical)?[ ]*\n(?<value>(?: {16,}.*\n?)+)")]
    private static partial Regex Header();
}
