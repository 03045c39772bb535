using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Authority;

/// <summary>PKCS#10 requests (RFC 2986) with requested subjectAltNames (RFC 2985 §5.4.2), from openssl and from keys in a secure element.</summary>
public sealed class CsrTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Fact]
    public async Task Opc_ua_csr_from_openssl_with_requested_names_is_issued_with_those_names()
    {
        var dir = RepoPaths.NewScratch("pki-csr");
        var key = Path.Combine(dir, "k.pem");
        var csrFile = Path.Combine(dir, "r.pem");
        Assert.Equal(0, (await Peer.OpenSslAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)).ExitCode);
        var req = await Peer.OpenSslAsync("req", "-new", "-key", key, "-subj", "/CN=PEA 7/O=PlantTrust", "-addext", "subjectAltName=URI:urn:planttrust:pea:7,DNS:pea7.plant.example,IP:10.1.2.3", "-out", csrFile);
        Assert.True(req.ExitCode == 0, req.All);
        var (_, issuing) = TestPki.Hierarchy("Csr");

        var csr = CertificationRequest.FromPem(await File.ReadAllTextAsync(csrFile));
        var cert = issuing.Issue(csr, CertificateProfile.OpcUaApplication, Start, Start.AddYears(1));
        var text = await Peer.OpenSslAsync("x509", "-in", RepoPaths.WriteText(dir, "c.pem", cert.ToPem()), "-noout", "-ext", "subjectAltName");

        Assert.Equal(["urn:planttrust:pea:7"], csr.RequestedUris);
        Assert.Contains("URI:urn:planttrust:pea:7", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("DNS:pea7.plant.example", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("IP Address:10.1.2.3", text.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csr_signed_inside_a_secure_element_is_accepted_by_openssl_and_our_ca()
    {
        var element = new SecureElementKeyStore("tpm");
        var key = element.Generate("ldevid", KeyAlgorithm.EcdsaP256);
        var csr = CertificationRequest.Create("CN=valve-3,O=PlantTrust", key, ["urn:planttrust:device:valve-3"], []);
        var dir = RepoPaths.NewScratch("pki-csr-se");

        var verify = await Peer.OpenSslAsync("req", "-in", RepoPaths.WriteText(dir, "r.pem", csr.ToPem()), "-verify", "-noout");
        var (_, issuing) = TestPki.Hierarchy("Csr SE");
        var cert = issuing.Issue(csr, CertificateProfile.LDevId, Start, Start.AddYears(1));

        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.True(csr.IsSignatureValid);
        Assert.Equal(key.PublicKey, cert.PublicKey);
        Assert.Equal(1, element.SignatureCount);
    }
}
