using Twin.Pki.Certificates;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Encoding;

/// <summary>PEM (RFC 7468) and DER exchange with openssl for keys, requests, certificates and CRLs; bad input gives typed errors.</summary>
public sealed class PemDerInteropTests
{
    [Fact]
    public async Task Openssl_key_and_csr_in_pem_are_read_and_our_pem_is_read_by_openssl()
    {
        var dir = RepoPaths.NewScratch("pki-pem");
        var keyFile = Path.Combine(dir, "k.pem");
        Assert.Equal(0, (await Peer.OpenSslAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile)).ExitCode);
        var csrFile = Path.Combine(dir, "r.pem");
        Assert.Equal(0, (await Peer.OpenSslAsync("req", "-new", "-key", keyFile, "-subj", "/CN=openssl-device/O=PlantTrust", "-out", csrFile)).ExitCode);

        var key = KeyPair.ImportPkcs8Pem(await File.ReadAllTextAsync(keyFile));
        var csr = CertificationRequest.FromPem(await File.ReadAllTextAsync(csrFile));
        var ours = RepoPaths.WriteText(dir, "ours.pem", key.ExportPkcs8Pem());
        var pub = RepoPaths.WriteText(dir, "pub.pem", key.PublicKey.ToPem());
        var opensslPub = await Peer.OpenSslAsync("pkey", "-in", ours, "-pubout");
        var opensslReadsPub = await Peer.OpenSslAsync("pkey", "-pubin", "-in", pub, "-noout");

        Assert.Equal(KeyAlgorithm.EcdsaP256, key.Algorithm);
        Assert.True(csr.IsSignatureValid);
        Assert.Equal(key.PublicKey, csr.PublicKey);
        Assert.Equal(0, opensslPub.ExitCode);
        Assert.Equal(key.PublicKey, PublicKey.FromPem(opensslPub.StdOut));
        Assert.Equal(0, opensslReadsPub.ExitCode);
    }

    [Fact]
    public async Task Certificate_and_crl_round_trip_through_openssl_der_conversion()
    {
        var (root, ca) = TestPki.Hierarchy("Der");
        var crl = ca.IssueCrl(TestPki.Start, TestPki.Start.AddDays(7));
        var dir = RepoPaths.NewScratch("pki-der");
        var certDer = Path.Combine(dir, "c.der");
        var crlDer = Path.Combine(dir, "l.der");

        Assert.Equal(0, (await Peer.OpenSslAsync("x509", "-in", RepoPaths.WriteText(dir, "c.pem", ca.Certificate.ToPem()), "-outform", "DER", "-out", certDer)).ExitCode);
        Assert.Equal(0, (await Peer.OpenSslAsync("crl", "-in", RepoPaths.WriteText(dir, "l.pem", crl.ToPem()), "-outform", "DER", "-out", crlDer)).ExitCode);

        Assert.Equal(ca.Certificate, Certificate.FromDer(await File.ReadAllBytesAsync(certDer)));
        Assert.Equal(crl.GetDer(), CertificateRevocationList.FromDer(await File.ReadAllBytesAsync(crlDer)).GetDer());
        var bundle = Certificate.FromPemBundle(ca.Certificate.ToPem() + root.Certificate.ToPem());
        Assert.Equal([ca.Certificate, root.Certificate], bundle);
    }

    public static TheoryData<string> Garbage() => ["empty", "truncated", "not-asn1", "wrong-structure"];

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Malformed_der_is_a_format_error_for_every_structure(string kind)
    {
        var good = TestPki.Hierarchy("Bad").Issuing.Certificate.GetDer();
        byte[] der = kind switch
        {
            "empty" => [],
            "truncated" => good[..(good.Length / 2)],
            "not-asn1" => "hello"u8.ToArray(),
            _ => [0x30, 0x03, 0x02, 0x01, 0x05],
        };

        Assert.Throws<PkiFormatException>(() => Certificate.FromDer(der));
        Assert.Throws<PkiFormatException>(() => CertificationRequest.FromDer(der));
        Assert.Throws<PkiFormatException>(() => CertificateRevocationList.FromDer(der));
        Assert.Throws<PkiFormatException>(() => KeyPair.ImportPkcs8(der));
        Assert.Throws<PkiFormatException>(() => PublicKey.FromSubjectPublicKeyInfo(der));
    }

    [Fact]
    public void Malformed_pem_names_the_label_and_line()
    {
        var unclosed = Assert.Throws<PkiFormatException>(() => Certificate.FromPem("junk\n-----BEGIN CERTIFICATE-----\nMIIB\n"));
        var badBase64 = Assert.Throws<PkiFormatException>(() => Certificate.FromPem("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"));
        var missing = Assert.Throws<PkiFormatException>(() => CertificateRevocationList.FromPem("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"));

        Assert.Contains("line 2", unclosed.Message, StringComparison.Ordinal);
        Assert.Contains("base64", badBase64.Message, StringComparison.Ordinal);
        Assert.Contains("X509 CRL", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsupported_algorithms_are_named_in_a_typed_error()
    {
        var dir = RepoPaths.NewScratch("pki-unsupported");
        var file = Path.Combine(dir, "ed.pem");
        Assert.Equal(0, (await Peer.OpenSslAsync("genpkey", "-algorithm", "ED25519", "-out", file)).ExitCode);

        var ed = Assert.Throws<UnsupportedAlgorithmException>(() => KeyPair.ImportPkcs8Pem(File.ReadAllText(file)));
        var rsa1024 = Assert.Throws<UnsupportedAlgorithmException>(() => KeyGenerator.Generate(KeyAlgorithm.Rsa1024));

        Assert.Contains("Ed25519", ed.Message, StringComparison.Ordinal);
        Assert.Contains("Rsa1024", rsa1024.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pem_encoding_wraps_at_64_characters_with_rfc7468_labels()
    {
        var key = TestPki.P256();
        var pem = key.PublicKey.ToPem();

        Assert.StartsWith("-----BEGIN PUBLIC KEY-----\n", pem, StringComparison.Ordinal);
        Assert.All(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)), l => Assert.True(l.Length <= 64));
        Assert.Equal(key.PublicKey.SubjectPublicKeyInfo, Pem.Decode(pem, "PUBLIC KEY"));
    }
}
