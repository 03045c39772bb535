using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.KeyStores;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Pki.Tests.Validation;

/// <summary>The worked example of docs/pki.md, kept true by running it.</summary>
public sealed class DocsExampleTests
{
    [Fact]
    public void Docs_example_device_on_hold_is_reported_revoked_with_reason_certificateHold()
    {
        var at = new DateTimeOffset(2031, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var root = CertificateAuthority.CreateRoot("C=DE,O=Plant,CN=Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), at, at.AddYears(20));
        var issuing = root.CreateSubordinate("C=DE,O=Plant,CN=Issuing CA", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256),
            CertificateProfile.IssuingCa, at, at.AddYears(10));

        var deviceKey = new SecureElementKeyStore("tpm").Generate("ldevid", KeyAlgorithm.EcdsaP256);
        var csr = CertificationRequest.Create("C=DE,O=Plant,CN=pea-1", deviceKey, ["urn:plant:pea-1"], []);
        var ldevid = issuing.Issue(csr, CertificateProfile.LDevId, at, at.AddYears(2));

        issuing.Revoke(ldevid.SerialNumber, RevocationReason.CertificateHold, at.AddDays(3));
        var crls = new[] { root.IssueCrl(at.AddDays(4), at.AddDays(11)), issuing.IssueCrl(at.AddDays(4), at.AddDays(11)) };

        var result = new PathValidator([root.Certificate]).Validate(ldevid, at.AddDays(5), [issuing.Certificate], crls);

        Assert.Equal(ValidationStatus.Invalid, result.Status);
        Assert.Equal([ValidationReason.Revoked], result.Path[0].Errors);
        Assert.Equal(RevocationReason.CertificateHold, result.Path[0].RevocationReason);
    }
}
