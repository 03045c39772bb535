using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Tests.Keys;

/// <summary>
/// Signature checks are remembered process-wide by (DER, key): a certificate parsed anew gets the verdict the first parse
/// found, and a copy that differs in one byte, or another key, never shares it.
/// </summary>
public sealed class SignatureMemoTests
{
    private static readonly DateTimeOffset At = new(2031, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_certificate_parsed_again_keeps_its_verdict_and_a_tampered_copy_or_another_key_does_not_share_it()
    {
        var ca = CertificateAuthority.CreateRoot("CN=Memo Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), At, At.AddYears(5));
        var other = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey;
        var der = ca.Issue(new IssuanceRequest("CN=memo-device", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.LDevId, At, At.AddYears(1))).GetDer();
        var tampered = (byte[])der.Clone();
        tampered[^1] ^= 0x01; // the last octet of the signature's s

        // The tampered copy first: its verdict must not become the original's, nor the original's its.
        Assert.False(Certificate.FromDer(tampered).IsSignedBy(ca.Certificate.PublicKey));
        Assert.True(Certificate.FromDer(der).IsSignedBy(ca.Certificate.PublicKey));
        Assert.True(Certificate.FromDer(der).IsSignedBy(ca.Certificate.PublicKey)); // a new instance of the same bytes
        Assert.False(Certificate.FromDer(der).IsSignedBy(other));
        Assert.False(Certificate.FromDer(tampered).IsSignedBy(ca.Certificate.PublicKey));
        Assert.True(Certificate.FromDer(der).IsSignedBy(ca.Certificate.PublicKey));
    }
}
