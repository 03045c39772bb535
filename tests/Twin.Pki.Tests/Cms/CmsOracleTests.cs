using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Cms;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Cms;

/// <summary>CMS SignedData (RFC 5652) between Twin.Pki and `openssl cms`, both directions, with the signer's chain checked at an instant.</summary>
public sealed class CmsOracleTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;
    private static readonly DateTimeOffset At = Start.AddDays(20);

    private sealed record Signer(CertificateAuthority Root, CertificateAuthority Issuing, Certificate Certificate, KeyPair Key, string Dir);

    private static Signer NewSigner()
    {
        var (root, issuing) = TestPki.Hierarchy("Cms");
        var key = TestPki.P256();
        var cert = issuing.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=Firmware Signer", key.PublicKey, CertificateProfile.CodeSigning, Start, Start.AddYears(1)));
        return new Signer(root, issuing, cert, key, RepoPaths.NewScratch("pki-cms"));
    }

    private static PathValidator Validator(Signer s) => new([s.Root.Certificate], new ValidationPolicy { Revocation = RevocationMode.Off });

    [Fact]
    public async Task Detached_signature_made_by_us_verifies_with_openssl_cms()
    {
        var s = NewSigner();
        var firmware = RandomBytes(100_000);
        var p7s = CmsSigner.SignDetached(firmware, s.Certificate, s.Key, At, [s.Issuing.Certificate]);
        var file = Path.Combine(s.Dir, "firmware.bin");
        await File.WriteAllBytesAsync(file, firmware);
        await File.WriteAllBytesAsync(file + ".p7s", p7s);

        // DER, not indefinite-length BER: the outer SEQUENCE has a definite length.
        Assert.NotEqual(0x80, p7s[1]);
        var openssl = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-content", file, "-inform", "DER", "-in", file + ".p7s",
            "-CAfile", RepoPaths.WriteText(s.Dir, "root.pem", s.Root.Certificate.ToPem()), "-purpose", "any", "-attime", TestPki.Epoch(At), "-out", "/dev/null");
        Assert.True(openssl.ExitCode == 0, openssl.All);
        Assert.Contains("Verification successful", openssl.All, StringComparison.Ordinal);

        var ours = CmsVerifier.Verify(p7s, firmware, Validator(s), At);
        Assert.True(ours.IsValid, ours.Problem);
        Assert.Equal(At, ours.SigningTime);
        Assert.Equal(s.Certificate, ours.Signer);
    }

    [Fact]
    public async Task Detached_signature_made_by_openssl_cms_verifies_with_ours()
    {
        var s = NewSigner();
        var package = System.Text.Encoding.UTF8.GetBytes("<mtp package=\"PEA-1\">" + new string('x', 5000) + "</mtp>");
        var file = Path.Combine(s.Dir, "pea.mtp");
        await File.WriteAllBytesAsync(file, package);
        var keyFile = RepoPaths.WriteText(s.Dir, "key.pem", Pem.Encode("PRIVATE KEY", s.Key.ExportPkcs8()));

        var sign = await Peer.OpenSslAsync("cms", "-sign", "-binary", "-in", file, "-signer", RepoPaths.WriteText(s.Dir, "signer.pem", s.Certificate.ToPem()),
            "-inkey", keyFile, "-certfile", RepoPaths.WriteText(s.Dir, "issuing.pem", s.Issuing.Certificate.ToPem()), "-outform", "DER", "-out", file + ".p7s");
        Assert.True(sign.ExitCode == 0, sign.All);
        var p7s = await File.ReadAllBytesAsync(file + ".p7s");

        var ours = CmsVerifier.Verify(p7s, package, Validator(s), At);
        var tampered = (byte[])package.Clone();
        tampered[100] ^= 0x20;
        var altered = CmsVerifier.Verify(p7s, tampered, Validator(s), At);

        Assert.True(ours.IsValid, ours.Problem);
        Assert.False(altered.SignatureValid);
        Assert.False(altered.IsValid);
        Assert.Contains("altered", altered.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Voucher_is_signed_as_rfc8366_json_content_and_openssl_extracts_it()
    {
        var s = NewSigner();
        var voucher = System.Text.Encoding.UTF8.GetBytes("""{"ietf-voucher:voucher":{"assertion":"logged","serial-number":"SN-0042","created-on":"2030-01-21T00:00:00Z","pinned-domain-cert":"MIIB"}}""");
        var signed = CmsSigner.SignEncapsulated(voucher, CmsContentType.JsonVoucher, s.Certificate, s.Key, At, [s.Issuing.Certificate]);
        var file = Path.Combine(s.Dir, "voucher.p7s");
        await File.WriteAllBytesAsync(file, signed);

        var verify = await Peer.OpenSslAsync("cms", "-verify", "-inform", "DER", "-in", file, "-CAfile", RepoPaths.WriteText(s.Dir, "root.pem", s.Root.Certificate.ToPem()),
            "-purpose", "any", "-attime", TestPki.Epoch(At), "-out", Path.Combine(s.Dir, "voucher.json"));
        var print = await Peer.OpenSslAsync("cms", "-cmsout", "-print", "-inform", "DER", "-in", file);

        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Equal(voucher, await File.ReadAllBytesAsync(Path.Combine(s.Dir, "voucher.json")));
        // RFC 8366 §5.3: id-ct-animaJSONVoucher.
        Assert.Contains("1.2.840.113549.1.9.16.1.40", print.StdOut, StringComparison.Ordinal);
        var ours = CmsVerifier.Verify(signed, null, Validator(s), At);
        Assert.True(ours.IsValid, ours.Problem);
        Assert.Equal(CmsContentType.JsonVoucher, ours.ContentType);
        Assert.Equal(voucher, ours.Content);
    }

    [Fact]
    public void Signature_by_a_revoked_signer_verifies_but_the_signer_path_does_not()
    {
        var s = NewSigner();
        var firmware = RandomBytes(1000);
        var p7s = CmsSigner.SignDetached(firmware, s.Certificate, s.Key, At, [s.Issuing.Certificate]);
        s.Issuing.Revoke(s.Certificate.SerialNumber, RevocationReason.KeyCompromise, At.AddDays(-1));
        var crls = new[] { s.Root.IssueCrl(At.AddDays(-1), At.AddDays(7)), s.Issuing.IssueCrl(At.AddDays(-1), At.AddDays(7)) };

        var result = CmsVerifier.Verify(p7s, firmware, new PathValidator([s.Root.Certificate]), At, crls: crls);

        Assert.True(result.SignatureValid);
        Assert.False(result.IsValid);
        Assert.Equal(RevocationState.Revoked, result.SignerPath!.Path[0].Revocation);
    }

    [Fact]
    public void Malformed_cms_is_a_format_error_and_missing_detached_content_is_named()
    {
        var s = NewSigner();
        var p7s = CmsSigner.SignDetached([1, 2, 3], s.Certificate, s.Key, At);

        Assert.Throws<PkiFormatException>(() => CmsVerifier.Verify([0x30, 0x80, 0x01], null, Validator(s), At));
        Assert.Contains("not supplied", CmsVerifier.Verify(p7s, null, Validator(s), At).Problem, StringComparison.Ordinal);
        Assert.Throws<PolicyViolationException>(() => CmsSigner.SignDetached([1], s.Certificate, TestPki.P256(), At));
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(n).NextBytes(bytes);
        return bytes;
    }
}
