using Twin.Actors.Entities.Manufacturer;
using Twin.Actors.Model;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Cms;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Manufacturing;

/// <summary>Signed firmware and MTP packages: our verdict and openssl's agree, for genuine and tampered content.</summary>
public sealed class SignedArtefactTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static (Certificate Ca, Certificate Signer, KeyPair Key) Maker(CertificateProfile profile = CertificateProfile.CodeSigning)
    {
        var ca = CertificateAuthority.CreateRoot("C=DE,O=Pump Maker,CN=Pump Maker CA", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Now.AddDays(-1), Now.AddYears(10));
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var signer = ca.Issue(new IssuanceRequest("C=DE,O=Pump Maker,CN=Pump Maker Firmware and MTP Signing", key.PublicKey, profile, Now.AddDays(-1), Now.AddYears(10)));
        return (ca.Certificate, signer, key);
    }

    public static TheoryData<string, bool> Cases => new() { { "firmware", false }, { "firmware", true }, { "mtp", false }, { "mtp", true } };

    [Theory] // RFC 5652 §5.6: a detached signature over the content; openssl cms -verify is the oracle
    [MemberData(nameof(Cases))]
    public async Task Our_verdict_on_a_signed_artefact_matches_openssl(string kind, bool tampered)
    {
        var (ca, signer, key) = Maker();
        var device = new EntityId("pea-001");
        var content = kind == "firmware" ? SignedArtefacts.FirmwareImage(device, "1.0.0") : SignedArtefacts.MtpManifest(device, "urn:planttrust:run:pea-001", "Pump Maker");
        var signature = CmsSigner.SignDetached(content, signer, key, Now, [ca]);
        var shipped = !tampered ? content : kind == "firmware" ? SignedArtefacts.TamperedImage(content) : SignedArtefacts.TamperedManifest(content);

        var ours = SignedArtefacts.Verify(shipped, signature, [ca], Now);

        var folder = RepoPaths.NewScratch($"signed-{kind}-{tampered}");
        var (file, p7s, caFile) = (Path.Combine(folder, "content.bin"), Path.Combine(folder, "content.p7s"), Path.Combine(folder, "ca.pem"));
        await File.WriteAllBytesAsync(file, shipped);
        await File.WriteAllBytesAsync(p7s, signature);
        await File.WriteAllTextAsync(caFile, ca.ToPem());
        var openssl = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-content", file, "-inform", "DER", "-in", p7s, "-CAfile", caFile, "-purpose", "any",
            "-attime", Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-out", Path.Combine(folder, "out.bin"));

        Assert.Equal(!tampered, ours.Valid);
        Assert.True((openssl.ExitCode == 0) == !tampered, openssl.All);
        if (tampered) Assert.Contains("does not verify", ours.Reason, StringComparison.Ordinal);
    }

    [Fact] // RFC 5280 §4.2.1.12: a signer without id-kp-codeSigning is not a firmware signer, however good its signature
    public void A_signature_by_a_certificate_without_code_signing_is_refused()
    {
        var (ca, signer, key) = Maker(CertificateProfile.TlsClient);
        var image = SignedArtefacts.FirmwareImage(new EntityId("d"), "1.0.0");
        var verdict = SignedArtefacts.Verify(image, CmsSigner.SignDetached(image, signer, key, Now, [ca]), [ca], Now);
        Assert.False(verdict.Valid);
        Assert.Contains("path is not valid", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_from_another_manufacturer_is_refused()
    {
        var (_, signer, key) = Maker();
        var (otherCa, _, _) = Maker();
        var image = SignedArtefacts.FirmwareImage(new EntityId("d"), "1.0.0");
        Assert.False(SignedArtefacts.Verify(image, CmsSigner.SignDetached(image, signer, key, Now), [otherCa], Now).Valid);
    }
}
