
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Est;

/// <summary>RFC 7030 bodies, judged by openssl: certs-only PKCS#7, CsrAttrs, the serverkeygen parts, base64 transfer encoding.</summary>
public sealed class EstCodecTests
{
    [Fact]
    public async Task Certs_only_response_is_DER_that_openssl_pkcs7_prints() // RFC 7030 §4.1.3
    {
        var (root, issuing) = TestPki.Hierarchy("Est");
        var der = EstCodec.CertsOnly([issuing.Certificate, root.Certificate]);
        Assert.Equal(0x30, der[0]);
        Assert.NotEqual(0x80, der[1]); // definite length: DER, not BER

        var dir = RepoPaths.NewScratch("est-certs-only");
        var file = Path.Combine(dir, "cacerts.b64");
        await File.WriteAllTextAsync(file, EstCodec.ToBase64Body(der));
        var decoded = await Peer.RunAsync("openssl", ["base64", "-d", "-in", file, "-out", Path.Combine(dir, "cacerts.p7")]);
        Assert.Equal(0, decoded.ExitCode);
        var printed = await Peer.OpenSslAsync("pkcs7", "-inform", "DER", "-in", Path.Combine(dir, "cacerts.p7"), "-print_certs", "-noout");
        Assert.True(printed.ExitCode == 0, printed.All);
        var subjects = printed.StdOut.Split('\n').Where(l => l.StartsWith("subject=", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, subjects.Count);
        // DER sorts a SET OF by encoding (X.690 §11.6), so the order on the wire is the encoder's, not the caller's.
        Assert.Contains(subjects, s => s.Contains("CN = Est Issuing CA", StringComparison.Ordinal));
        Assert.Contains(subjects, s => s.Contains("CN = Est Root", StringComparison.Ordinal));
        Assert.Equal(2, EstCodec.ReadCertsOnly(der).Intersect([issuing.Certificate, root.Certificate]).Count());
    }

    [Fact]
    public async Task Certs_only_response_is_canonical_DER_that_openssl_encodes_again_byte_for_byte() // RFC 5652 §5.1, X.690 §11.6
    {
        // Three certificates, given in an order DER does not keep: the SET OF must come out sorted, every length definite.
        var (root, issuing) = TestPki.Hierarchy("Canonical");
        var leaf = TestPki.Leaf(issuing, "canonical-device");
        var der = EstCodec.CertsOnly([leaf, root.Certificate, issuing.Certificate]);

        var dir = RepoPaths.NewScratch("est-certs-only-der");
        var mine = Path.Combine(dir, "mine.p7");
        var again = Path.Combine(dir, "again.p7");
        await File.WriteAllBytesAsync(mine, der);
        var reencoded = await Peer.OpenSslAsync("pkcs7", "-inform", "DER", "-in", mine, "-outform", "DER", "-out", again);
        Assert.True(reencoded.ExitCode == 0, reencoded.All);
        Assert.Equal(Convert.ToHexString(await File.ReadAllBytesAsync(again)), Convert.ToHexString(der));
        var printed = await Peer.OpenSslAsync("pkcs7", "-inform", "DER", "-in", mine, "-print_certs", "-noout");
        Assert.Equal(3, printed.StdOut.Split('\n').Count(l => l.StartsWith("subject=", StringComparison.Ordinal)));
        Assert.Equal(3, EstCodec.ReadCertsOnly(der).Intersect([leaf, root.Certificate, issuing.Certificate]).Count());
    }

    [Fact]
    public async Task Csr_from_openssl_in_base64_with_line_breaks_is_read_with_its_proof_of_possession() // RFC 7030 §4.2.1
    {
        var dir = RepoPaths.NewScratch("est-csr");
        var key = Path.Combine(dir, "k.pem");
        Assert.Equal(0, (await Peer.OpenSslAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)).ExitCode);
        var der = Path.Combine(dir, "csr.der");
        Assert.Equal(0, (await Peer.OpenSslAsync("req", "-new", "-key", key, "-subj", "/CN=est-device-7/serialNumber=SN7", "-outform", "DER", "-out", der)).ExitCode);
        var b64 = Path.Combine(dir, "csr.b64");
        Assert.Equal(0, (await Peer.OpenSslAsync("base64", "-in", der, "-out", b64)).ExitCode); // 64-column lines

        var csr = EstCodec.ReadCsr(await File.ReadAllBytesAsync(b64));
        Assert.True(csr.IsSignatureValid);
        Assert.Contains("CN=est-device-7", csr.Subject, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("MIIB*AAA", "offset 4")]
    [InlineData("QUJD", "PKCS#10 request: malformed DER")]
    [InlineData("QUJ", "multiple of 4")]
    public void Bad_request_bodies_are_refused_naming_what_and_where(string body, string expected)
    {
        var e = Assert.Throws<PkiFormatException>(() => EstCodec.ReadCsr(System.Text.Encoding.ASCII.GetBytes(body)));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_body_is_refused_before_decoding()
    {
        var body = System.Text.Encoding.ASCII.GetBytes(new string('A', EstCodec.MaxBodyBytes + 4));
        var e = Assert.Throws<PkiFormatException>(() => EstCodec.FromBase64Body(body, "PKCS#10 request"));
        Assert.Contains("more than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csr_attributes_are_DER_that_openssl_asn1parse_reads() // RFC 7030 §4.5.2
    {
        var attrs = new CsrAttributes([CsrAttributes.EcdsaWithSha256, CsrAttributes.SubjectSerialNumber], [new CsrAttrRequest(CsrAttributes.EcPublicKey, [CsrAttributes.Secp256r1])]);
        var der = attrs.ToDer();
        var dir = RepoPaths.NewScratch("est-csrattrs");
        var file = Path.Combine(dir, "csrattrs.der");
        await File.WriteAllBytesAsync(file, der);
        var parsed = await Peer.OpenSslAsync("asn1parse", "-inform", "DER", "-in", file);
        Assert.True(parsed.ExitCode == 0, parsed.All);
        Assert.Contains("ecdsa-with-SHA256", parsed.StdOut, StringComparison.Ordinal);
        Assert.Contains("serialNumber", parsed.StdOut, StringComparison.Ordinal);
        Assert.Contains("id-ecPublicKey", parsed.StdOut, StringComparison.Ordinal);
        Assert.Contains("prime256v1", parsed.StdOut, StringComparison.Ordinal);
        var back = CsrAttributes.FromDer(der);
        Assert.Equal(attrs.Oids, back.Oids);
        Assert.Equal(CsrAttributes.Secp256r1, Assert.Single(back.Attributes).Values.Single());
    }

    [Fact]
    public async Task Serverkeygen_answer_carries_a_PKCS8_key_openssl_reads_and_the_certificate_for_it() // RFC 7030 §4.4.2
    {
        var (_, issuing) = TestPki.Hierarchy("Keygen");
        var key = TestPki.P256();
        var cert = issuing.Issue(CertificationRequest.Create("CN=constrained-1", key), Twin.Pki.Authority.CertificateProfile.LDevId, TestPki.Start, TestPki.Start.AddDays(30));
        var body = ServerKeyGenResponse.Encode(key.ExportPkcs8(), cert);

        var (pkcs8, certificates) = ServerKeyGenResponse.Decode(ServerKeyGenResponse.ContentType, body);
        Assert.Equal(cert, Assert.Single(certificates));
        var dir = RepoPaths.NewScratch("est-keygen");
        var keyFile = Path.Combine(dir, "key.p8");
        await File.WriteAllBytesAsync(keyFile, pkcs8);
        var pub = await Peer.OpenSslAsync("pkey", "-inform", "DER", "-in", keyFile, "-pubout");
        Assert.True(pub.ExitCode == 0, pub.All);
        Assert.Equal(cert.PublicKey, PublicKey.FromPem(pub.StdOut));
    }
}
