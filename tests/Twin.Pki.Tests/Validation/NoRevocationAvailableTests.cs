using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Validation;

/// <summary>
/// Short-lived certificates (RFC 9608 noRevAvail): the extension as openssl reads it, and a relying party that demands
/// revocation information accepting such an end-entity certificate without a CRL — but still demanding one for its CAs.
/// </summary>
public sealed class NoRevocationAvailableTests
{
    private static readonly DateTimeOffset At = TestPki.Start.AddDays(3);

    private static Certificate ShortLived(CertificateAuthority ca, string cn, bool noRevAvail = true) =>
        ca.Issue(new IssuanceRequest($"C=DE,O=PlantTrust,CN={cn}", TestPki.P256().PublicKey, CertificateProfile.LDevId, TestPki.Start, TestPki.Start.AddDays(7)) { NoRevocationAvailable = noRevAvail });

    [Fact]
    public async Task The_extension_is_id_ce_noRevAvail_non_critical_with_a_NULL_value_as_openssl_parses_it()
    {
        var (root, issuing) = TestPki.Hierarchy("NoRevAvail");
        var cert = ShortLived(issuing, "sensor-1");
        var dir = RepoPaths.NewScratch("norevavail");
        var file = RepoPaths.WriteText(dir, "leaf.pem", cert.ToPem());

        var text = await Peer.OpenSslAsync("x509", "-in", file, "-noout", "-text");
        var verify = await TestPki.OpenSslVerifyAsync(At, [root.Certificate], cert, [issuing.Certificate], null, "-x509_strict");

        Assert.True(text.ExitCode == 0, text.All);
        // OpenSSL names the extension; "critical" would follow its name if it were.
        var line = text.StdOut.Split('\n').Single(l => l.Contains("X509v3 No Revocation Available", StringComparison.Ordinal));
        Assert.DoesNotContain("critical", line, StringComparison.Ordinal);
        var der = await Peer.RunAsync("openssl", ["asn1parse", "-in", file]);
        var lines = der.StdOut.Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains("OBJECT            :X509v3 No Revocation Available", StringComparison.Ordinal));
        Assert.True(at >= 0, der.StdOut);
        // The next element is the extnValue OCTET STRING wrapping a DER NULL (05 00): no critical BOOLEAN between.
        Assert.Contains("OCTET STRING      [HEX DUMP]:0500", lines[at + 1], StringComparison.Ordinal);
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.True(cert.NoRevocationAvailable);
        Assert.False(TestPki.Leaf(issuing, "ordinary").NoRevocationAvailable);
    }

    [Fact]
    public void A_relying_party_that_requires_CRLs_accepts_a_short_lived_leaf_without_one_and_still_checks_its_CAs()
    {
        var (root, issuing) = TestPki.Hierarchy("ShortLived");
        var shortLived = ShortLived(issuing, "sensor-2");
        var ordinary = ShortLived(issuing, "sensor-3", noRevAvail: false);
        var rootCrl = root.IssueCrl(At.AddHours(-1), At.AddDays(1));
        var validator = new PathValidator([root.Certificate], ValidationPolicy.Default);

        var accepted = validator.Validate(shortLived, At, [issuing.Certificate], [rootCrl]);
        var unknown = validator.Validate(ordinary, At, [issuing.Certificate], [rootCrl]);
        var caUnknown = validator.Validate(shortLived, At, [issuing.Certificate], []);

        Assert.True(accepted.IsValid, accepted.ToString());
        Assert.Equal(RevocationState.NotApplicable, accepted.Path[0].Revocation);
        Assert.Equal(RevocationState.Good, accepted.Path[1].Revocation);
        Assert.Equal(ValidationStatus.RevocationUnknown, unknown.Status);
        // The issuing CA's own certificate stays revocable: without the root's CRL the path is not valid.
        Assert.Equal(ValidationStatus.RevocationUnknown, caUnknown.Status);
    }

    [Fact]
    public void A_short_lived_leaf_on_a_CRL_is_not_looked_up_its_lifetime_is_the_bound()
    {
        var (root, issuing) = TestPki.Hierarchy("ShortLivedRevoked");
        var cert = ShortLived(issuing, "sensor-4");
        issuing.Revoke(cert.SerialNumber, RevocationReason.KeyCompromise, At.AddHours(-2));
        var crls = new[] { root.IssueCrl(At.AddHours(-1), At.AddDays(1)), issuing.IssueCrl(At.AddHours(-1), At.AddDays(1)) };
        var validator = new PathValidator([root.Certificate], ValidationPolicy.Default);

        var during = validator.Validate(cert, At, [issuing.Certificate], crls);
        var after = validator.Validate(cert, TestPki.Start.AddDays(8), [issuing.Certificate], crls);

        Assert.True(during.IsValid, during.ToString());
        Assert.Equal(ValidationStatus.Invalid, after.Status);
        Assert.Contains(ValidationReason.Expired, after.Path[0].Errors);
    }

    [Fact]
    public void A_CA_certificate_cannot_be_made_unrevocable()
    {
        var (root, _) = TestPki.Hierarchy("NoRevAvailCa");
        var request = new IssuanceRequest("C=DE,O=PlantTrust,CN=Sub CA", TestPki.P256().PublicKey, CertificateProfile.IssuingCa, TestPki.Start, TestPki.Start.AddYears(1)) { NoRevocationAvailable = true };

        var e = Assert.Throws<PolicyViolationException>(() => root.Issue(request));
        Assert.Contains("noRevAvail", e.Message, StringComparison.Ordinal);
    }
}
