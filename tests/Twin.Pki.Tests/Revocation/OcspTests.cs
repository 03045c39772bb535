using Twin.Pki.Authority;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Revocation;

/// <summary>OCSP (RFC 6960) responses from CA revocation records, read by `openssl ocsp` and by our reader.</summary>
public sealed class OcspTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ocsp_response_reports_good_and_revoked_as_openssl_reads_it(bool delegated)
    {
        var (root, ca) = TestPki.Hierarchy("Ocsp");
        var good = TestPki.Leaf(ca, "dev-good");
        var revoked = TestPki.Leaf(ca, "dev-revoked");
        ca.Revoke(revoked.SerialNumber, RevocationReason.KeyCompromise, Start.AddDays(2));
        var responderKey = TestPki.P256();
        var responder = delegated ? ca.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=OCSP Responder", responderKey.PublicKey, CertificateProfile.OcspSigner, Start, Start.AddYears(1))) : null;
        var at = Start.AddDays(5);
        var dir = RepoPaths.NewScratch("pki-ocsp");
        var chain = RepoPaths.WriteText(dir, "root.pem", root.Certificate.ToPem());
        var issuerFile = RepoPaths.WriteText(dir, "issuer.pem", ca.Certificate.ToPem());

        foreach (var (leaf, expected) in new[] { (good, "good"), (revoked, "revoked") })
        {
            var nonce = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
            var request = Ocsp.CreateRequest(leaf, ca.Certificate, nonce);
            var response = ca.RespondOcsp(request, at, TimeSpan.FromDays(1), responder, delegated ? responderKey : null);
            await File.WriteAllBytesAsync(Path.Combine(dir, "req.der"), request);
            await File.WriteAllBytesAsync(Path.Combine(dir, "resp.der"), response);

            // RFC 6960 §4.2.2.2: openssl checks the signer (CA or delegated responder with id-kp-OCSPSigning) against the chain,
            // and with -reqin alone also that the nonce came back (RFC 8954).
            string[] common = ["-respin", Path.Combine(dir, "resp.der"), "-issuer", issuerFile, "-CAfile", chain, "-verify_other", issuerFile,
                "-attime", TestPki.Epoch(at), "-validity_period", "1000000000"];
            var nonceCheck = await Peer.OpenSslAsync(["ocsp", "-reqin", Path.Combine(dir, "req.der"), .. common]);
            Assert.True(nonceCheck.ExitCode == 0, nonceCheck.All);
            Assert.Contains("Response verify OK", nonceCheck.All, StringComparison.Ordinal);
            var status = await Peer.OpenSslAsync(["ocsp", "-no_nonce", .. common, "-cert", RepoPaths.WriteText(dir, "leaf.pem", leaf.ToPem())]);
            Assert.True(status.ExitCode == 0, status.All);
            Assert.Contains($": {expected}", status.StdOut, StringComparison.Ordinal);

            var ours = Ocsp.ReadResponse(response, leaf, ca.Certificate, at.AddHours(1));
            Assert.Equal(expected == "good" ? OcspCertificateStatus.Good : OcspCertificateStatus.Revoked, ours.Status);
            if (expected == "revoked") Assert.Equal(RevocationReason.KeyCompromise, ours.Reason);
        }
    }

    [Fact]
    public void Path_validation_takes_revocation_status_from_current_ocsp_answers_and_falls_back_to_crls()
    {
        var (root, ca) = TestPki.Hierarchy("Ocsp Path");
        var good = TestPki.Leaf(ca, "dev-good");
        var revoked = TestPki.Leaf(ca, "dev-revoked");
        ca.Revoke(revoked.SerialNumber, RevocationReason.CessationOfOperation, Start.AddDays(1));
        var at = Start.AddDays(5);
        var rootCrl = root.IssueCrl(at.AddDays(-1), at.AddDays(7));
        byte[] Answer(Certificates.Certificate leaf, DateTimeOffset produced) => ca.RespondOcsp(Ocsp.CreateRequest(leaf, ca.Certificate), produced, TimeSpan.FromHours(4));
        var validator = new PathValidator([root.Certificate]);

        var goodResult = validator.Validate(good, at, [ca.Certificate], [rootCrl], [Answer(good, at.AddHours(-1))]);
        var revokedResult = validator.Validate(revoked, at, [ca.Certificate], [rootCrl], [Answer(revoked, at.AddHours(-1))]);
        var staleResult = validator.Validate(good, at, [ca.Certificate], [rootCrl], [Answer(good, at.AddDays(-2))]);

        Assert.True(goodResult.IsValid, goodResult.ToString());
        Assert.Equal(RevocationState.Good, goodResult.Path[0].Revocation);
        Assert.Equal(ValidationStatus.Invalid, revokedResult.Status);
        Assert.Equal(RevocationReason.CessationOfOperation, revokedResult.Path[0].RevocationReason);
        // RFC 6960 §4.2.2.1: an answer past its nextUpdate is not current; without a CRL the status is unknown.
        Assert.Equal(ValidationStatus.RevocationUnknown, staleResult.Status);
    }

    [Fact]
    public void Ocsp_response_from_another_ca_is_refused_and_unknown_serials_are_unknown()
    {
        var (_, ca) = TestPki.Hierarchy("Ocsp A");
        var (_, other) = TestPki.Hierarchy("Ocsp B");
        var leaf = TestPki.Leaf(ca, "dev");
        var foreign = TestPki.Leaf(other, "dev");
        var at = Start.AddDays(1);

        var forged = other.RespondOcsp(Ocsp.CreateRequest(leaf, ca.Certificate), at, TimeSpan.FromHours(1));
        var unknown = ca.RespondOcsp(Ocsp.CreateRequest(foreign, other.Certificate), at, TimeSpan.FromHours(1));

        Assert.Throws<PolicyViolationException>(() => Ocsp.ReadResponse(forged, leaf, ca.Certificate, at));
        Assert.Throws<PolicyViolationException>(() => Ocsp.ReadResponse(unknown, foreign, other.Certificate, at));
        Assert.Throws<PolicyViolationException>(() => Ocsp.ReadResponse(ca.RespondOcsp(Ocsp.CreateRequest(leaf, ca.Certificate), at, TimeSpan.FromHours(1)), leaf, ca.Certificate, at.AddDays(1)));
        // RFC 6960 §2.3: what does not parse is answered malformedRequest, never thrown at the caller.
        Assert.Equal(OcspResponseStatus.MalformedRequest, Ocsp.StatusOf(ca.RespondOcsp([0x30, 0x00], at, TimeSpan.FromHours(1))));
    }
}
