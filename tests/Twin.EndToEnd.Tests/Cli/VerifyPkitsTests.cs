using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>`verify` on NIST PKITS cases (read in place), judged beside openssl verify on the same files.</summary>
public sealed class VerifyPkitsTests
{
    private static readonly string Pkits = RepoPaths.Pkits;
    private const string At = "2010-01-01T00:00:00Z";
    private const string AtEpoch = "1262304000";

    // PKITS section, end entity, its CA, the CA's CRL, the verdict the PKITS document gives.
    public static TheoryData<string, string, string, string, bool> Cases => new()
    {
        { "4.1.1", "ValidCertificatePathTest1EE", "GoodCACert", "GoodCACRL", true },
        { "4.1.3", "InvalidEESignatureTest3EE", "GoodCACert", "GoodCACRL", false },
        { "4.2.2", "InvalidEEnotBeforeDateTest2EE", "GoodCACert", "GoodCACRL", false },
        { "4.2.6", "InvalidEEnotAfterDateTest6EE", "GoodCACert", "GoodCACRL", false },
        { "4.4.3", "InvalidRevokedEETest3EE", "GoodCACert", "GoodCACRL", false },
        { "4.4.14", "ValidNegativeSerialNumberTest14EE", "NegativeSerialNumberCACert", "NegativeSerialNumberCACRL", true },
        { "4.6.2", "InvalidcAFalseTest2EE", "basicConstraintsCriticalcAFalseCACert", "basicConstraintsCriticalcAFalseCACRL", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Verify_gives_the_PKITS_verdict_and_agrees_with_openssl(string section, string endEntity, string ca, string caCrl, bool valid)
    {
        var folder = RepoPaths.NewScratch("pkits-" + section);
        var files = new Dictionary<string, string>();
        foreach (var (name, kind) in new[] { (endEntity, "certs"), (ca, "certs"), ("TrustAnchorRootCertificate", "certs"), (caCrl, "crls"), ("TrustAnchorRootCRL", "crls") })
        {
            var der = Path.Combine(Pkits, kind, name + (kind == "certs" ? ".crt" : ".crl"));
            var pem = Path.Combine(folder, name + ".pem");
            var convert = await Peer.OpenSslAsync(kind == "certs" ? "x509" : "crl", "-inform", "DER", "-in", der, "-out", pem);
            Assert.True(convert.ExitCode == 0, convert.All);
            files[name] = pem;
        }

        // The twin reads the DER files as they are; openssl the PEM conversions.
        var twin = await Verb.RunAsync("verify", "--cert", Path.Combine(Pkits, "certs", endEntity + ".crt"),
            "--trust", Path.Combine(Pkits, "certs", "TrustAnchorRootCertificate.crt"), "--untrusted", Path.Combine(Pkits, "certs", ca + ".crt"),
            "--crl", Path.Combine(Pkits, "crls", caCrl + ".crl"), "--crl", Path.Combine(Pkits, "crls", "TrustAnchorRootCRL.crl"), "--at", At);
        var openssl = await Peer.OpenSslAsync("verify", "-attime", AtEpoch, "-CAfile", files["TrustAnchorRootCertificate"], "-untrusted", files[ca],
            "-CRLfile", files[caCrl], "-CRLfile", files["TrustAnchorRootCRL"], "-crl_check_all", files[endEntity]);

        Assert.Equal(valid ? 0 : 1, twin.ExitCode);
        Assert.Equal(valid, openssl.ExitCode == 0);
        Assert.StartsWith(valid ? "valid: Valid" : "invalid:", twin.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_exits_2_on_a_file_that_is_not_a_certificate()
    {
        var folder = RepoPaths.NewScratch("verify-bad");
        var junk = RepoPaths.WriteText(folder, "junk.pem", "not a certificate");
        var result = await Verb.RunAsync("verify", "--cert", junk, "--trust", Path.Combine(Pkits, "certs", "TrustAnchorRootCertificate.crt"), "--at", At);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--cert '{junk}': not a certificate", result.StdErr, StringComparison.Ordinal);
    }
}
