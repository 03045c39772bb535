using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Revocation;

/// <summary>The OCSP responder (RFC 6960) against requests openssl wrote and answers openssl reads.</summary>
public sealed class OcspResponderTests
{
    private static readonly DateTimeOffset At = TestPki.Start.AddDays(3);
    private static string DataDir => Path.Combine(RepoPaths.Root, "tests", "Twin.Pki.Tests", "Data", "ocsp");

    // Fixture: an openssl-made CA (ca.pem, ca.key) and device certificate (ee.pem, serial 1A2B3C4D) and the requests
    // `openssl ocsp -issuer ca.pem -cert ee.pem -reqout` wrote for it: SHA-1 CertID with a nonce, SHA-256 CertID without.
    [Theory]
    [InlineData("request-nonce.der", "good")]
    [InlineData("request-nonce.der", "revoked")]
    [InlineData("request-sha256.der", "good")]
    [InlineData("request-sha256.der", "revoked")]
    public async Task RFC6960_4_2_request_written_by_openssl_is_answered_and_openssl_verifies_the_answer(string requestFile, string expected)
    {
        var caFile = Path.Combine(DataDir, "ca.pem");
        var ca = Certificate.FromPem(await File.ReadAllTextAsync(caFile));
        var ee = Certificate.FromPem(await File.ReadAllTextAsync(Path.Combine(DataDir, "ee.pem")));
        var key = KeyPair.ImportPkcs8Pem(await File.ReadAllTextAsync(Path.Combine(DataDir, "ca.key")));
        var revokedAt = At.AddHours(-5);
        var responder = new OcspResponder(ca, key);
        var request = await File.ReadAllBytesAsync(Path.Combine(DataDir, requestFile));

        var response = responder.Respond(request, At, TimeSpan.FromHours(1), serial =>
            serial != ee.SerialNumber ? OcspRecord.Unknown
            : expected == "good" ? OcspRecord.Good
            : new OcspRecord(OcspCertificateStatus.Revoked, revokedAt, RevocationReason.KeyCompromise));

        var dir = RepoPaths.NewScratch("pki-ocsp-fixture");
        var respFile = Path.Combine(dir, "resp.der");
        await File.WriteAllBytesAsync(respFile, response);
        // openssl checks thisUpdate/nextUpdate against its own wall clock, not -attime: the window is widened so the
        // simulated 2030 instants pass; currency at an instant is what Ocsp.ReadResponse's tests check.
        string[] verify = ["-respin", respFile, "-CAfile", caFile, "-verify_other", caFile, "-attime", TestPki.Epoch(At), "-validity_period", "1000000000"];
        // With -reqin openssl checks the signature and that the request's nonce came back (RFC 8954).
        var signature = await Peer.OpenSslAsync(["ocsp", "-reqin", Path.Combine(DataDir, requestFile), .. verify]);
        Assert.True(signature.ExitCode == 0, signature.All);
        Assert.Contains("Response verify OK", signature.All, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING", signature.All, StringComparison.Ordinal);
        string[] digest = requestFile.Contains("sha256", StringComparison.Ordinal) ? ["-sha256"] : [];
        var status = await Peer.OpenSslAsync(["ocsp", .. digest, "-issuer", caFile, "-cert", Path.Combine(DataDir, "ee.pem"), "-no_nonce", .. verify]);
        Assert.True(status.ExitCode == 0, status.All);
        Assert.True(status.StdOut.Contains($"ee.pem: {expected}", StringComparison.Ordinal), status.All);
        if (expected == "revoked")
        {
            Assert.Contains("Reason: keyCompromise", status.StdOut, StringComparison.Ordinal);
            Assert.Contains("Revocation Time: " + revokedAt.UtcDateTime.ToString("MMM d HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture), status.StdOut.Replace("  ", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("empty", new byte[0])]
    [InlineData("not DER", new byte[] { 0x13, 0x37, 0x00 })]
    [InlineData("truncated", new byte[] { 0x30, 0x82, 0x01, 0x00, 0x30 })]
    [InlineData("an empty SEQUENCE", new byte[] { 0x30, 0x00 })]
    public async Task RFC6960_2_3_malformed_body_is_answered_malformedRequest(string what, byte[] body)
    {
        var (_, ca) = TestPki.Hierarchy("Malformed " + what);
        var responder = ca.CreateOcspResponder();

        var response = responder.Respond(body, At, TimeSpan.FromHours(1), _ => OcspRecord.Good);

        Assert.Equal(OcspResponseStatus.MalformedRequest, Ocsp.StatusOf(response));
        Assert.Contains("Responder Error: malformedrequest (1)", await RespText(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RFC8954_2_1_nonce_longer_than_32_octets_is_malformed_and_one_of_32_is_echoed()
    {
        var (_, ca) = TestPki.Hierarchy("Nonce");
        var leaf = TestPki.Leaf(ca, "dev");
        var responder = ca.CreateOcspResponder();

        var tooLong = responder.Respond(Ocsp.CreateRequest(leaf, ca.Certificate, new byte[33]), At, TimeSpan.FromHours(1), ca.OcspRecordOf);
        var nonce = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var echoed = responder.Respond(Ocsp.CreateRequest(leaf, ca.Certificate, nonce), At, TimeSpan.FromHours(1), ca.OcspRecordOf);

        Assert.Equal(OcspResponseStatus.MalformedRequest, Ocsp.StatusOf(tooLong));
        Assert.Equal(OcspCertificateStatus.Good, Ocsp.ReadResponse(echoed, leaf, ca.Certificate, At, nonce).Status);
        Assert.Throws<PolicyViolationException>(() => Ocsp.ReadResponse(echoed, leaf, ca.Certificate, At, new byte[32]));
        Assert.Contains(Convert.ToHexString(nonce), (await RespText(echoed)).Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RFC6960_2_3_request_for_another_issuer_is_answered_unauthorized()
    {
        var (_, ca) = TestPki.Hierarchy("Authoritative");
        var (_, other) = TestPki.Hierarchy("Elsewhere");
        var foreign = TestPki.Leaf(other, "dev");
        var responder = ca.CreateOcspResponder();

        var response = responder.Respond(Ocsp.CreateRequest(foreign, other.Certificate), At, TimeSpan.FromHours(1), _ => OcspRecord.Good);

        Assert.Equal(OcspResponseStatus.Unauthorized, Ocsp.StatusOf(response));
        Assert.Contains("Responder Error: unauthorized (6)", await RespText(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RFC6960_4_2_2_2_delegated_responder_certificate_carries_ocsp_signing_and_nocheck()
    {
        var (_, ca) = TestPki.Hierarchy("Delegation");
        var key = TestPki.P256();
        var responderCert = ca.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=Delegated OCSP", key.PublicKey, CertificateProfile.OcspSigner, TestPki.Start, TestPki.Start.AddYears(1)));
        var dir = RepoPaths.NewScratch("pki-ocsp-delegate");

        var text = await Peer.OpenSslAsync("x509", "-noout", "-text", "-in", RepoPaths.WriteText(dir, "responder.pem", responderCert.ToPem()));

        Assert.Contains("OCSP Signing", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("OCSP No Check", text.StdOut, StringComparison.Ordinal);
        // A responder certificate from someone else, or without the purpose, is refused up front.
        var (_, other) = TestPki.Hierarchy("Not the issuer");
        Assert.Throws<PolicyViolationException>(() => new OcspResponder(other.Certificate, key, responderCert));
        var plain = TestPki.P256();
        var notResponder = ca.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=Just a device", plain.PublicKey, CertificateProfile.LDevId, TestPki.Start, TestPki.Start.AddYears(1)));
        Assert.Throws<PolicyViolationException>(() => new OcspResponder(ca.Certificate, plain, notResponder));
    }

    [Fact]
    public async Task RFC5280_4_2_2_1_end_entity_certificate_names_its_ocsp_responder_in_authority_info_access()
    {
        var (_, ca) = TestPki.Hierarchy("Aia");
        var url = new Uri("http://127.0.0.1:8080/ocsp/ca-issuing");
        var leaf = ca.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=dev", TestPki.P256().PublicKey, CertificateProfile.LDevId, TestPki.Start, TestPki.Start.AddYears(1)) { OcspUrl = url });
        var dir = RepoPaths.NewScratch("pki-ocsp-aia");

        var uri = await Peer.OpenSslAsync("x509", "-noout", "-ocsp_uri", "-in", RepoPaths.WriteText(dir, "leaf.pem", leaf.ToPem()));

        Assert.Equal(url.AbsoluteUri, uri.StdOut.Trim());
        Assert.Equal([url.AbsoluteUri], leaf.OcspUrls);
        Assert.Empty(TestPki.Leaf(ca, "without").OcspUrls);
        var key = TestPki.P256().PublicKey;
        Assert.Throws<PolicyViolationException>(() => ca.Issue(new IssuanceRequest("C=DE,CN=x", key, CertificateProfile.LDevId, TestPki.Start, TestPki.Start.AddYears(1)) { OcspUrl = new Uri("ftp://example.org/ocsp") }));
        Assert.Throws<PolicyViolationException>(() => ca.Issue(new IssuanceRequest("C=DE,CN=Sub CA", key, CertificateProfile.IssuingCa, TestPki.Start, TestPki.Start.AddYears(1)) { OcspUrl = url }));
    }

    private static async Task<string> RespText(byte[] response)
    {
        var dir = RepoPaths.NewScratch("pki-ocsp-text");
        var file = Path.Combine(dir, "resp.der");
        await File.WriteAllBytesAsync(file, response);
        var text = await Peer.OpenSslAsync("ocsp", "-respin", file, "-resp_text", "-noverify");
        return text.All;
    }
}
