using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Revocation;

/// <summary>CRL issuance (RFC 5280 §5): numbering, AKI, nextUpdate, reasons, hold and its release through a delta CRL.</summary>
public sealed class CrlTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Fact]
    public async Task Crl_carries_number_aki_nextUpdate_and_reason_as_openssl_reads_them()
    {
        var (_, ca) = TestPki.Hierarchy();
        var leaf = TestPki.Leaf(ca, "dev-1");
        ca.Revoke(leaf.SerialNumber, RevocationReason.KeyCompromise, Start.AddDays(3));
        var first = ca.IssueCrl(Start.AddDays(4), Start.AddDays(11));
        var second = ca.IssueCrl(Start.AddDays(5), Start.AddDays(12));

        // RFC 5280 §5.2.3: monotonically increasing CRL numbers.
        Assert.Equal(1, first.CrlNumber);
        Assert.Equal(2, second.CrlNumber);
        var dir = RepoPaths.NewScratch("pki-crl");
        var text = await Peer.OpenSslAsync("crl", "-in", RepoPaths.WriteText(dir, "c.pem", second.ToPem()), "-noout", "-text");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("X509v3 CRL Number:", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("X509v3 Authority Key Identifier:", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("Next Update:", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("Key Compromise", text.StdOut, StringComparison.Ordinal);
        Assert.Contains(leaf.SerialNumber.Hex.ToUpperInvariant(), text.StdOut, StringComparison.Ordinal);
        var back = CertificateRevocationList.FromPem(second.ToPem());
        Assert.Equal(RevocationReason.KeyCompromise, back.Find(leaf.SerialNumber)!.Reason);
        Assert.True(back.IsSignedBy(ca.Certificate.PublicKey));
    }

    [Fact]
    public async Task Hold_released_through_delta_crl_removeFromCRL_makes_the_certificate_good_again_for_us_and_openssl()
    {
        var (root, ca) = TestPki.Hierarchy();
        var leaf = TestPki.Leaf(ca, "dev-hold");
        ca.Revoke(leaf.SerialNumber, RevocationReason.CertificateHold, Start.AddDays(1));
        // The complete CRL names where its deltas are (freshest CRL, RFC 5280 §5.2.6): openssl looks for a delta only when the
        // complete CRL or the certificate carries that extension (3.0.22 does; 3.0.19 also took a delta offered alone as complete).
        var deltas = new Uri("http://pki.plant.example/issuing/delta.crl");
        var baseCrl = ca.IssueCrl(Start.AddDays(2), Start.AddDays(30), freshestCrl: deltas);
        ca.ReleaseHold(leaf.SerialNumber);
        var delta = ca.IssueDeltaCrl(baseCrl.CrlNumber!.Value, Start.AddDays(3), Start.AddDays(4));
        var rootCrl = root.IssueCrl(Start.AddDays(2), Start.AddDays(30));
        var at = Start.AddDays(3).AddHours(1);
        var validator = new PathValidator([root.Certificate]);

        // RFC 5280 §5.2.4, §5.3.1: the delta lists removeFromCRL and names its base.
        Assert.True(delta.IsDelta);
        Assert.Equal(baseCrl.CrlNumber, delta.BaseCrlNumber);
        Assert.Equal(RevocationReason.RemoveFromCrl, delta.Find(leaf.SerialNumber)!.Reason);
        var held = validator.Validate(leaf, at, [ca.Certificate], [baseCrl, rootCrl]);
        var released = validator.Validate(leaf, at, [ca.Certificate], [baseCrl, delta, rootCrl]);
        Assert.Equal(ValidationStatus.Invalid, held.Status);
        Assert.Equal(RevocationReason.CertificateHold, held.Path[0].RevocationReason);
        Assert.True(released.IsValid, released.ToString());

        var dir = RepoPaths.NewScratch("pki-crl-freshest");
        var text = await Peer.OpenSslAsync("crl", "-in", RepoPaths.WriteText(dir, "base.pem", baseCrl.ToPem()), "-noout", "-text");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("X509v3 Freshest CRL:", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("URI:" + deltas.AbsoluteUri, text.StdOut, StringComparison.Ordinal);

        var opensslHeld = await TestPki.OpenSslVerifyAsync(at, [root.Certificate], leaf, [ca.Certificate], [baseCrl.ToPem(), rootCrl.ToPem()], "-crl_check_all");
        var opensslReleased = await TestPki.OpenSslVerifyAsync(at, [root.Certificate], leaf, [ca.Certificate], [baseCrl.ToPem(), delta.ToPem(), rootCrl.ToPem()], "-crl_check_all", "-use_deltas");
        Assert.Contains("certificate revoked", opensslHeld.All, StringComparison.Ordinal);
        Assert.True(opensslReleased.ExitCode == 0, opensslReleased.All);
    }

    [Fact]
    public void A_freshest_CRL_location_must_be_absolute()
    {
        var (_, ca) = TestPki.Hierarchy();
        var error = Assert.Throws<ArgumentException>(() => ca.IssueCrl(Start, Start.AddDays(1), freshestCrl: new Uri("delta.crl", UriKind.Relative)));
        Assert.Contains("delta.crl", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, ca.LastCrlNumber);
    }

    [Fact]
    public void Revoked_certificate_stays_revoked_and_a_hold_can_become_permanent()
    {
        var (_, ca) = TestPki.Hierarchy();
        var leaf = TestPki.Leaf(ca, "dev-2");
        ca.Revoke(leaf.SerialNumber, RevocationReason.CertificateHold, Start);
        ca.Revoke(leaf.SerialNumber, RevocationReason.KeyCompromise, Start.AddDays(1));

        Assert.Equal(RevocationReason.KeyCompromise, ca.RevocationOf(leaf.SerialNumber));
        Assert.Throws<PolicyViolationException>(() => ca.Revoke(leaf.SerialNumber, RevocationReason.Superseded, Start));
        Assert.Throws<PolicyViolationException>(() => ca.ReleaseHold(leaf.SerialNumber));
    }

    [Fact]
    public void Revoke_refuses_unknown_serials_and_removeFromCRL()
    {
        var (_, ca) = TestPki.Hierarchy();
        var leaf = TestPki.Leaf(ca, "dev-3");

        var unknown = Assert.Throws<PolicyViolationException>(() => ca.Revoke(SerialNumber.Parse("0badc0de"), RevocationReason.KeyCompromise, Start));
        Assert.Contains("0badc0de", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<PolicyViolationException>(() => ca.Revoke(leaf.SerialNumber, RevocationReason.RemoveFromCrl, Start));
        Assert.Throws<PolicyViolationException>(() => ca.IssueCrl(Start, Start));
    }

    [Fact]
    public void Malformed_crl_der_is_a_format_error()
    {
        var error = Assert.Throws<PkiFormatException>(() => CertificateRevocationList.FromDer([0x30, 0x03, 0x02, 0x01]));
        Assert.Contains("CRL", error.Message, StringComparison.Ordinal);
    }
}
