using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Authority;

/// <summary>Certificates issued by Twin.Pki, judged by openssl (an independent implementation of RFC 5280).</summary>
public sealed class IssuanceOracleTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Openssl_verify_accepts_a_device_certificate_issued_from_a_csr()
    {
        var root = CertificateAuthority.CreateRoot("CN=PlantTrust Test Root,O=PlantTrust", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(10));
        var deviceKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var csr = CertificationRequest.Create("CN=device-001,O=PlantTrust", deviceKey);

        var cert = root.Issue(csr, CertificateProfile.LDevId, Start.AddDays(1), Start.AddDays(91));

        var dir = RepoPaths.NewScratch("pki-oracle");
        var caFile = RepoPaths.WriteText(dir, "ca.pem", root.Certificate.ToPem());
        var certFile = RepoPaths.WriteText(dir, "device.pem", cert.ToPem());
        var at = Start.AddDays(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var verify = await Peer.OpenSslAsync("verify", "-x509_strict", "-attime", at, "-CAfile", caFile, certFile);
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Contains("OK", verify.StdOut, StringComparison.Ordinal);

        // Before notBefore, openssl must say "not yet valid" (error 9): the dates in the certificate are the simulated ones.
        var early = await Peer.OpenSslAsync("verify", "-attime", Start.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-CAfile", caFile, certFile);
        Assert.NotEqual(0, early.ExitCode);
        Assert.Contains("not yet valid", early.All, StringComparison.OrdinalIgnoreCase);

        var text = await Peer.OpenSslAsync("x509", "-in", certFile, "-noout", "-serial", "-subject", "-nameopt", "RFC2253");
        Assert.Contains($"serial={cert.SerialNumber.Hex.ToUpperInvariant()}", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("CN=device-001", text.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void A_csr_whose_signature_does_not_verify_is_refused_and_no_serial_is_consumed()
    {
        var root = CertificateAuthority.CreateRoot("CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start, Start.AddYears(1));
        var der = CertificationRequest.Create("CN=x", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)).GetDer();
        der[^5] ^= 0x55; // inside the signature value
        var before = root.IssuedSerials.Count;

        var tampered = CertificationRequest.FromDer(der);
        var error = Assert.Throws<PolicyViolationException>(() => root.Issue(tampered, CertificateProfile.LDevId, Start, Start.AddDays(1)));

        Assert.Contains("proof of possession", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, root.IssuedSerials.Count);
    }

    [Fact]
    public void Private_key_never_appears_in_ToString()
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var pkcs8Hex = Convert.ToHexString(key.ExportPkcs8());
        var shown = key.ToString();
        Assert.Contains("withheld", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(pkcs8Hex[^20..], shown, StringComparison.OrdinalIgnoreCase);
    }
}
