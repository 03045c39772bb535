using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Authority;

/// <summary>
/// <see cref="SerialNumber.OfCertificate"/> reads only the serial of a DER certificate. Oracles: openssl's <c>x509 -serial</c> on
/// every NIST PKITS certificate (long serials, a serial with the high bit set, negative ones) and on certificates our CA issued.
/// </summary>
public sealed class SerialReadTests
{
    [Fact]
    public async Task Every_PKITS_certificate_gives_the_serial_openssl_prints()
    {
        var folder = Path.Combine(RepoPaths.Pkits, "certs");
        Assert.True(Directory.Exists(folder), $"PKITS certificates not found at {folder}");
        var files = Directory.GetFiles(folder, "*.crt").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 300, $"only {files.Count} certificates in {folder}");
        var negative = 0;
        var dsa = 0;
        foreach (var file in files)
        {
            var der = await File.ReadAllBytesAsync(file);
            var read = SerialNumber.OfCertificate(der).Hex;
            // The full parse agrees on every certificate it reads, negative serials included (those the quick read leaves to it);
            // it refuses the DSA ones (PlantTrust has no DSA keys), whose serials openssl still checks below.
            try
            {
                Assert.Equal(Certificate.FromDer(der).SerialNumber.Hex, read);
            }
            catch (UnsupportedAlgorithmException)
            {
                dsa++;
            }
            var printed = await Peer.OpenSslAsync("x509", "-inform", "DER", "-in", file, "-noout", "-serial");
            Assert.True(printed.ExitCode == 0, $"{file}: {printed.All}");
            var hex = printed.StdOut.Trim()["serial=".Length..];
            if (hex.StartsWith('-')) { negative++; continue; } // openssl prints the sign; the twin shows serials as positive magnitudes
            Assert.True(hex.ToLowerInvariant().TrimStart('0') == read.TrimStart('0'), $"{Path.GetFileName(file)}: openssl says {hex}, read {read}");
        }
        Assert.True(dsa < 20, $"{dsa} certificates the full parse refused");
        Assert.True(negative >= 1, "PKITS has certificates with negative serials (4.4.14, 4.4.15): none seen");
    }

    [Fact]
    public async Task Serials_of_certificates_our_CA_issued_match_openssl()
    {
        var at = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var ca = CertificateAuthority.CreateRoot("CN=Serial Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), at, at.AddYears(1));
        var folder = Directory.CreateTempSubdirectory("planttrust-serial-").FullName;
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var issued = ca.Issue(new IssuanceRequest($"CN=device-{i}", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256).PublicKey, CertificateProfile.LDevId, at, at.AddDays(30)));
                var file = Path.Combine(folder, $"{i}.der");
                await File.WriteAllBytesAsync(file, issued.GetDer());
                var printed = await Peer.OpenSslAsync("x509", "-inform", "DER", "-in", file, "-noout", "-serial");
                Assert.Equal($"serial={issued.SerialNumber.Hex.ToUpperInvariant()}", printed.StdOut.Trim());
                Assert.Equal(issued.SerialNumber.Hex, SerialNumber.OfCertificate(issued.GetDer()).Hex);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Malformed_DER_is_refused_with_the_full_parse_error()
    {
        var e = Assert.Throws<PkiFormatException>(() => SerialNumber.OfCertificate([0x30, 0x03, 0x02, 0x01]));
        Assert.Contains("X.509 certificate", e.Message, StringComparison.Ordinal);
    }
}
