using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Pki.Tests.Authority;

/// <summary>Issuing-CA rollover, root key update with link certificates (RFC 4210 §4.4), cross-certification and revocation policy per issuer.</summary>
public sealed class HierarchyTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Fact]
    public async Task Issuing_ca_rollover_old_and_new_certificates_both_validate_during_the_overlap()
    {
        var (root, oldCa) = TestPki.Hierarchy("Rollover");
        var before = TestPki.Leaf(oldCa, "dev-before", Start, Start.AddYears(3));
        var newCa = oldCa.RollOver(root, TestPki.P256(), Start.AddYears(2), Start.AddYears(12));
        oldCa.Retire();
        var after = TestPki.Leaf(newCa, "dev-after", Start.AddYears(2), Start.AddYears(4));
        var at = Start.AddYears(2).AddDays(10);
        var crls = new[] { root.IssueCrl(at.AddDays(-1), at.AddDays(7)), oldCa.IssueCrl(at.AddDays(-1), at.AddDays(7)), newCa.IssueCrl(at.AddDays(-1), at.AddDays(7)) };
        var intermediates = new[] { oldCa.Certificate, newCa.Certificate };
        var validator = new PathValidator([root.Certificate]);

        Assert.Equal(oldCa.Certificate.Subject, newCa.Certificate.Subject);
        Assert.True(validator.Validate(before, at, intermediates, crls).IsValid);
        Assert.True(validator.Validate(after, at, intermediates, crls).IsValid);
        Assert.Throws<PolicyViolationException>(() => TestPki.Leaf(oldCa, "too-late"));
        foreach (var leaf in new[] { before, after })
        {
            var openssl = await TestPki.OpenSslVerifyAsync(at, [root.Certificate], leaf, intermediates, crls.Select(c => c.ToPem()), "-crl_check_all");
            Assert.True(openssl.ExitCode == 0, openssl.All);
        }
    }

    [Fact]
    public async Task Root_key_update_link_certificates_let_old_and_new_trust_anchors_accept_both_generations()
    {
        var (oldRoot, _) = TestPki.Hierarchy("Link");
        var update = oldRoot.UpdateRootKey(TestPki.P256(), Start.AddYears(5), Start.AddYears(25));
        var fromOld = TestPki.Leaf(oldRoot, "dev-old", Start.AddYears(5), Start.AddYears(7));
        var fromNew = TestPki.Leaf(update.NewRoot, "dev-new", Start.AddYears(5), Start.AddYears(7));
        var at = Start.AddYears(5).AddDays(1);
        var links = new[] { update.OldWithNew, update.NewWithOld };
        var off = new ValidationPolicy { Revocation = RevocationMode.Off };

        // RFC 4210 §4.4: a holder of the old root reaches the new key through NewWithOld, and vice versa through OldWithNew.
        Assert.True(new PathValidator([oldRoot.Certificate], off).Validate(fromNew, at, links).IsValid);
        Assert.True(new PathValidator([update.NewRoot.Certificate], off).Validate(fromOld, at, links).IsValid);
        Assert.False(new PathValidator([oldRoot.Certificate], off).Validate(fromNew, at).IsValid);
        Assert.True(update.NewWithOld.IsSignedBy(oldRoot.Certificate.PublicKey));
        Assert.True(update.OldWithNew.IsSignedBy(update.NewRoot.Certificate.PublicKey));

        var oldTrustsNew = await TestPki.OpenSslVerifyAsync(at, [oldRoot.Certificate], fromNew, links);
        var newTrustsOld = await TestPki.OpenSslVerifyAsync(at, [update.NewRoot.Certificate], fromOld, links);
        Assert.True(oldTrustsNew.ExitCode == 0, oldTrustsNew.All);
        Assert.True(newTrustsOld.ExitCode == 0, newTrustsOld.All);
    }

    [Fact]
    public void Revocation_optional_for_one_issuer_turns_a_missing_crl_into_a_warning()
    {
        var (root, ca) = TestPki.Hierarchy("Optional");
        var leaf = TestPki.Leaf(ca, "dev");
        var at = Start.AddDays(10);
        var rootCrl = root.IssueCrl(at.AddDays(-1), at.AddDays(7));

        var strict = new PathValidator([root.Certificate]).Validate(leaf, at, [ca.Certificate], [rootCrl]);
        var lenient = new PathValidator([root.Certificate], new ValidationPolicy
        {
            RevocationByIssuer = new Dictionary<string, RevocationMode> { [ca.Certificate.Subject] = RevocationMode.Optional },
        }).Validate(leaf, at, [ca.Certificate], [rootCrl]);

        // OPC 10000-4 §6.1.3: revocation unknown is its own verdict, which a relying party may choose to suppress.
        Assert.Equal(ValidationStatus.RevocationUnknown, strict.Status);
        Assert.Equal([ValidationReason.CrlMissing], strict.Path[0].Errors);
        Assert.True(lenient.IsValid, lenient.ToString());
        Assert.Equal([ValidationReason.CrlMissing], lenient.Path[0].Warnings);
        Assert.Equal(RevocationState.Unknown, lenient.Path[0].Revocation);
    }

    [Fact]
    public void Verdict_lists_every_certificate_of_the_path_with_its_own_reasons()
    {
        var (root, ca) = TestPki.Hierarchy("Verdict");
        var leaf = TestPki.Leaf(ca, "dev", Start, Start.AddDays(5));
        ca.Revoke(ca.IssuedSerials.First(s => s == leaf.SerialNumber), RevocationReason.Superseded, Start.AddDays(1));
        var at = Start.AddDays(10);
        var crls = new[] { root.IssueCrl(at.AddDays(-1), at.AddDays(7)), ca.IssueCrl(at.AddDays(-1), at.AddDays(7)) };

        var result = new PathValidator([root.Certificate]).Validate(leaf, at, [ca.Certificate], crls);

        Assert.Equal(3, result.Path.Count);
        Assert.Equal([ValidationReason.Expired, ValidationReason.Revoked], result.Path[0].Errors);
        Assert.Equal(RevocationReason.Superseded, result.Path[0].RevocationReason);
        Assert.Empty(result.Path[1].Errors);
        Assert.Equal(RevocationState.Good, result.Path[1].Revocation);
        Assert.True(result.Path[2].IsTrustAnchor);
    }

    [Fact]
    public void Purpose_demanded_by_the_policy_must_be_in_the_extended_key_usage()
    {
        var (root, ca) = TestPki.Hierarchy("Purpose");
        var leaf = TestPki.Leaf(ca, "dev");
        var policy = new ValidationPolicy { Revocation = RevocationMode.Off, RequiredPurpose = KeyPurpose.ServerAuth };

        var result = new PathValidator([root.Certificate], policy).Validate(leaf, Start.AddDays(1), [ca.Certificate]);

        // RFC 5280 §4.2.1.12: an LDevID carries clientAuth only.
        Assert.Equal([ValidationReason.PurposeNotAllowed], result.Path[0].Errors);
    }

    [Theory]
    [InlineData(KeyAlgorithm.Rsa2048, true)]
    [InlineData(KeyAlgorithm.EcdsaP256, false)]
    public void Key_usage_demanded_by_the_policy_must_be_in_the_certificate(KeyAlgorithm algorithm, bool expectedValid)
    {
        var (root, ca) = TestPki.Hierarchy("KeyUsage");
        var app = ca.Issue(new IssuanceRequest("CN=PEA", KeyGenerator.Generate(algorithm).PublicKey, CertificateProfile.OpcUaApplication, Start, Start.AddYears(1))
        {
            UriNames = ["urn:planttrust:pea"],
            DnsNames = ["pea.plant.example"],
        });
        // What an RSA OPC UA application certificate must allow (OPC 10000-6 §6.2.2): ECC certificates carry no encipherment bits.
        var policy = new ValidationPolicy
        {
            Revocation = RevocationMode.Off,
            RequiredPurpose = KeyPurpose.ServerAuth,
            RequiredKeyUsages = KeyUsages.DigitalSignature | KeyUsages.KeyEncipherment | KeyUsages.DataEncipherment,
        };

        var result = new PathValidator([root.Certificate], policy).Validate(app, Start.AddDays(1), [ca.Certificate]);

        Assert.Equal(expectedValid, result.IsValid);
        if (!expectedValid) Assert.Equal([ValidationReason.KeyUsageNotAllowed], result.Path[0].Errors);
    }
}
