using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Authority;

/// <summary>Issuance never half-happens and never reuses a serial (RFC 5280 §4.1.2.2).</summary>
public sealed class IssuanceIntegrityTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Fact]
    public void A_serial_already_recorded_is_never_issued_again_even_when_the_random_source_repeats_it()
    {
        var caKey = TestPki.P256();
        var subject = TestPki.P256().PublicKey;
        var rootCert = CertificateAuthority.CreateRoot("CN=Seeded Root", caKey, Start, Start.AddYears(1)).Certificate;
        // Two CAs over the same seeded stream draw the same serials; the second learns the first's serial from its journal.
        var first = new CertificateAuthority(rootCert, caKey, PkiRandom.SimulationOnlySeeded(1, "serials"));
        var second = new CertificateAuthority(rootCert, caKey, PkiRandom.SimulationOnlySeeded(1, "serials"));
        var issued = first.Issue(new IssuanceRequest("CN=a", subject, CertificateProfile.TlsClient, Start, Start.AddDays(1)));
        second.RecordIssued(issued.SerialNumber);

        var next = second.Issue(new IssuanceRequest("CN=b", subject, CertificateProfile.TlsClient, Start, Start.AddDays(1)));

        Assert.NotEqual(issued.SerialNumber, next.SerialNumber);
    }

    [Fact]
    public void A_signing_failure_leaves_no_serial_recorded()
    {
        var store = new SecureElementKeyStore();
        var key = store.Generate("ca", KeyAlgorithm.EcdsaP256);
        var ca = CertificateAuthority.CreateRoot("CN=Element Root", key, Start, Start.AddYears(1));
        var before = ca.IssuedSerials.Count;
        store.Destroy("ca");

        Assert.Throws<PolicyViolationException>(() => TestPki.Leaf(ca, "dev"));
        Assert.Equal(before, ca.IssuedSerials.Count);
    }

    [Fact]
    public async Task Idevid_without_expiry_uses_99991231235959Z_as_ieee_8021ar_and_rfc5280_prescribe()
    {
        var noExpiry = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero);
        var manufacturer = CertificateAuthority.CreateRoot("C=DE,O=Valve Maker,CN=Manufacturer CA", TestPki.P256(), Start, noExpiry);
        var idevid = manufacturer.Issue(new IssuanceRequest("C=DE,O=Valve Maker,CN=valve,SERIALNUMBER=V-1", TestPki.P256().PublicKey, CertificateProfile.IDevId, Start, noExpiry));
        var dir = RepoPaths.NewScratch("pki-idevid");

        var dates = await Peer.OpenSslAsync("x509", "-in", RepoPaths.WriteText(dir, "c.pem", idevid.ToPem()), "-noout", "-enddate");
        var verify = await TestPki.OpenSslVerifyAsync(new DateTimeOffset(2090, 1, 1, 0, 0, 0, TimeSpan.Zero), [manufacturer.Certificate], idevid);

        // RFC 5280 §4.1.2.5: GeneralizedTime 99991231235959Z means "no well-defined expiration date".
        Assert.Contains("notAfter=Dec 31 23:59:59 9999 GMT", dates.StdOut, StringComparison.Ordinal);
        Assert.Equal(noExpiry, idevid.NotAfter);
        Assert.True(verify.ExitCode == 0, verify.All);
    }
}
