using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;
using Twin.Tests.Support;
using Xunit.Abstractions;

namespace Twin.Pki.Tests.Validation;

/// <summary>
/// NIST PKITS (Public Key Interoperability Test Suite) path validation cases, run at 2010-01-01
/// with the PKITS trust anchor and default settings (revocation required). The expected verdict is
/// the one the PKITS document gives; the data's file names carry it (Valid… / Invalid…).
/// The data is read in place (RepoPaths.Pkits); without it every case fails, naming where it looked.
/// </summary>
public sealed class PkitsTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset At = new(2010, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string Folder = RepoPaths.Pkits;
    private static readonly Lazy<Data?> Loaded = new(Load);

    // Section, end-entity certificate. DSA cases (4.1.4–4.1.6) are left out: PlantTrust does not support DSA keys.
    private static readonly (string Section, string EndEntity)[] All =
    [
        ("4.1.1", "ValidCertificatePathTest1EE"), ("4.1.2", "InvalidCASignatureTest2EE"), ("4.1.3", "InvalidEESignatureTest3EE"),
        ("4.2.1", "InvalidCAnotBeforeDateTest1EE"), ("4.2.2", "InvalidEEnotBeforeDateTest2EE"), ("4.2.3", "Validpre2000UTCnotBeforeDateTest3EE"),
        ("4.2.4", "ValidGeneralizedTimenotBeforeDateTest4EE"), ("4.2.5", "InvalidCAnotAfterDateTest5EE"), ("4.2.6", "InvalidEEnotAfterDateTest6EE"),
        ("4.2.7", "Invalidpre2000UTCEEnotAfterDateTest7EE"), ("4.2.8", "ValidGeneralizedTimenotAfterDateTest8EE"),
        ("4.3.1", "InvalidNameChainingTest1EE"), ("4.3.2", "InvalidNameChainingOrderTest2EE"), ("4.3.3", "ValidNameChainingWhitespaceTest3EE"),
        ("4.3.4", "ValidNameChainingWhitespaceTest4EE"), ("4.3.5", "ValidNameChainingCapitalizationTest5EE"), ("4.3.6", "ValidNameUIDsTest6EE"),
        ("4.3.7", "ValidRFC3280MandatoryAttributeTypesTest7EE"), ("4.3.8", "ValidRFC3280OptionalAttributeTypesTest8EE"),
        ("4.3.9", "ValidUTF8StringEncodedNamesTest9EE"), ("4.3.10", "ValidRolloverfromPrintableStringtoUTF8StringTest10EE"),
        ("4.3.11", "ValidUTF8StringCaseInsensitiveMatchTest11EE"),
        ("4.4.1", "InvalidMissingCRLTest1EE"), ("4.4.2", "InvalidRevokedCATest2EE"), ("4.4.3", "InvalidRevokedEETest3EE"),
        ("4.4.4", "InvalidBadCRLSignatureTest4EE"), ("4.4.5", "InvalidBadCRLIssuerNameTest5EE"), ("4.4.6", "InvalidWrongCRLTest6EE"),
        ("4.4.7", "ValidTwoCRLsTest7EE"), ("4.4.8", "InvalidUnknownCRLEntryExtensionTest8EE"), ("4.4.9", "InvalidUnknownCRLExtensionTest9EE"),
        ("4.4.10", "InvalidUnknownCRLExtensionTest10EE"), ("4.4.11", "InvalidOldCRLnextUpdateTest11EE"), ("4.4.12", "Invalidpre2000CRLnextUpdateTest12EE"),
        ("4.4.13", "ValidGeneralizedTimeCRLnextUpdateTest13EE"), ("4.4.14", "ValidNegativeSerialNumberTest14EE"), ("4.4.15", "InvalidNegativeSerialNumberTest15EE"),
        ("4.4.16", "ValidLongSerialNumberTest16EE"), ("4.4.17", "ValidLongSerialNumberTest17EE"), ("4.4.18", "InvalidLongSerialNumberTest18EE"),
        ("4.4.19", "ValidSeparateCertificateandCRLKeysTest19EE"), ("4.4.20", "InvalidSeparateCertificateandCRLKeysTest20EE"),
        ("4.4.21", "InvalidSeparateCertificateandCRLKeysTest21EE"),
        ("4.5.1", "ValidBasicSelfIssuedOldWithNewTest1EE"), ("4.5.2", "InvalidBasicSelfIssuedOldWithNewTest2EE"),
        ("4.5.3", "ValidBasicSelfIssuedNewWithOldTest3EE"), ("4.5.4", "ValidBasicSelfIssuedNewWithOldTest4EE"),
        ("4.5.5", "InvalidBasicSelfIssuedNewWithOldTest5EE"), ("4.5.6", "ValidBasicSelfIssuedCRLSigningKeyTest6EE"),
        ("4.5.7", "InvalidBasicSelfIssuedCRLSigningKeyTest7EE"), ("4.5.8", "InvalidBasicSelfIssuedCRLSigningKeyTest8EE"),
        ("4.6.1", "InvalidMissingbasicConstraintsTest1EE"), ("4.6.2", "InvalidcAFalseTest2EE"), ("4.6.3", "InvalidcAFalseTest3EE"),
        ("4.6.4", "ValidbasicConstraintsNotCriticalTest4EE"), ("4.6.5", "InvalidpathLenConstraintTest5EE"), ("4.6.6", "InvalidpathLenConstraintTest6EE"),
        ("4.6.7", "ValidpathLenConstraintTest7EE"), ("4.6.8", "ValidpathLenConstraintTest8EE"), ("4.6.9", "InvalidpathLenConstraintTest9EE"),
        ("4.6.10", "InvalidpathLenConstraintTest10EE"), ("4.6.11", "InvalidpathLenConstraintTest11EE"), ("4.6.12", "InvalidpathLenConstraintTest12EE"),
        ("4.6.13", "ValidpathLenConstraintTest13EE"), ("4.6.14", "ValidpathLenConstraintTest14EE"), ("4.6.15", "ValidSelfIssuedpathLenConstraintTest15EE"),
        ("4.6.16", "InvalidSelfIssuedpathLenConstraintTest16EE"), ("4.6.17", "ValidSelfIssuedpathLenConstraintTest17EE"),
        ("4.7.1", "InvalidkeyUsageCriticalkeyCertSignFalseTest1EE"), ("4.7.2", "InvalidkeyUsageNotCriticalkeyCertSignFalseTest2EE"),
        ("4.7.3", "ValidkeyUsageNotCriticalTest3EE"), ("4.7.4", "InvalidkeyUsageCriticalcRLSignFalseTest4EE"),
        ("4.7.5", "InvalidkeyUsageNotCriticalcRLSignFalseTest5EE"),
        ("4.13.1", "ValidDNnameConstraintsTest1EE"), ("4.13.2", "InvalidDNnameConstraintsTest2EE"), ("4.13.3", "InvalidDNnameConstraintsTest3EE"),
        ("4.13.4", "ValidDNnameConstraintsTest4EE"), ("4.13.5", "ValidDNnameConstraintsTest5EE"), ("4.13.6", "ValidDNnameConstraintsTest6EE"),
        ("4.13.7", "InvalidDNnameConstraintsTest7EE"), ("4.13.8", "InvalidDNnameConstraintsTest8EE"), ("4.13.9", "InvalidDNnameConstraintsTest9EE"),
        ("4.13.10", "InvalidDNnameConstraintsTest10EE"), ("4.13.11", "ValidDNnameConstraintsTest11EE"), ("4.13.12", "InvalidDNnameConstraintsTest12EE"),
        ("4.13.13", "InvalidDNnameConstraintsTest13EE"), ("4.13.14", "ValidDNnameConstraintsTest14EE"), ("4.13.15", "InvalidDNnameConstraintsTest15EE"),
        ("4.13.16", "InvalidDNnameConstraintsTest16EE"), ("4.13.17", "InvalidDNnameConstraintsTest17EE"), ("4.13.18", "ValidDNnameConstraintsTest18EE"),
        ("4.13.19", "ValidDNnameConstraintsTest19EE"), ("4.13.20", "InvalidDNnameConstraintsTest20EE"), ("4.13.21", "ValidRFC822nameConstraintsTest21EE"),
        ("4.13.22", "InvalidRFC822nameConstraintsTest22EE"), ("4.13.23", "ValidRFC822nameConstraintsTest23EE"), ("4.13.24", "InvalidRFC822nameConstraintsTest24EE"),
        ("4.13.25", "ValidRFC822nameConstraintsTest25EE"), ("4.13.26", "InvalidRFC822nameConstraintsTest26EE"),
        ("4.13.27", "ValidDNandRFC822nameConstraintsTest27EE"), ("4.13.28", "InvalidDNandRFC822nameConstraintsTest28EE"),
        ("4.13.29", "InvalidDNandRFC822nameConstraintsTest29EE"), ("4.13.30", "ValidDNSnameConstraintsTest30EE"),
        ("4.13.31", "InvalidDNSnameConstraintsTest31EE"), ("4.13.32", "ValidDNSnameConstraintsTest32EE"), ("4.13.33", "InvalidDNSnameConstraintsTest33EE"),
        ("4.13.34", "ValidURInameConstraintsTest34EE"), ("4.13.35", "InvalidURInameConstraintsTest35EE"), ("4.13.36", "ValidURInameConstraintsTest36EE"),
        ("4.13.37", "InvalidURInameConstraintsTest37EE"), ("4.13.38", "InvalidDNSnameConstraintsTest38EE"),
        ("4.14.1", "ValiddistributionPointTest1EE"), ("4.14.2", "InvaliddistributionPointTest2EE"), ("4.14.3", "InvaliddistributionPointTest3EE"),
        ("4.14.4", "ValiddistributionPointTest4EE"), ("4.14.5", "ValiddistributionPointTest5EE"), ("4.14.6", "InvaliddistributionPointTest6EE"),
        ("4.14.7", "ValiddistributionPointTest7EE"), ("4.14.8", "InvaliddistributionPointTest8EE"), ("4.14.9", "InvaliddistributionPointTest9EE"),
        ("4.14.10", "ValidNoissuingDistributionPointTest10EE"), ("4.14.11", "InvalidonlyContainsUserCertsTest11EE"), ("4.14.12", "InvalidonlyContainsCACertsTest12EE"),
        ("4.14.13", "ValidonlyContainsCACertsTest13EE"), ("4.14.14", "InvalidonlyContainsAttributeCertsTest14EE"), ("4.14.15", "InvalidonlySomeReasonsTest15EE"),
        ("4.14.16", "InvalidonlySomeReasonsTest16EE"), ("4.14.17", "InvalidonlySomeReasonsTest17EE"), ("4.14.18", "ValidonlySomeReasonsTest18EE"),
        ("4.14.19", "ValidonlySomeReasonsTest19EE"), ("4.14.20", "InvalidonlySomeReasonsTest20EE"), ("4.14.21", "InvalidonlySomeReasonsTest21EE"),
        ("4.14.22", "ValidIDPwithindirectCRLTest22EE"), ("4.14.23", "InvalidIDPwithindirectCRLTest23EE"), ("4.14.24", "ValidIDPwithindirectCRLTest24EE"),
        ("4.14.25", "ValidIDPwithindirectCRLTest25EE"), ("4.14.26", "InvalidIDPwithindirectCRLTest26EE"), ("4.14.27", "InvalidcRLIssuerTest27EE"),
        ("4.14.28", "ValidcRLIssuerTest28EE"), ("4.14.29", "ValidcRLIssuerTest29EE"), ("4.14.30", "ValidcRLIssuerTest30EE"),
        ("4.14.31", "InvalidcRLIssuerTest31EE"), ("4.14.32", "InvalidcRLIssuerTest32EE"), ("4.14.33", "ValidcRLIssuerTest33EE"),
        ("4.14.34", "InvalidcRLIssuerTest34EE"), ("4.14.35", "InvalidcRLIssuerTest35EE"),
        ("4.16.1", "ValidUnknownNotCriticalCertificateExtensionTest1EE"), ("4.16.2", "InvalidUnknownCriticalCertificateExtensionTest2EE"),
        ("4.15.1", "InvaliddeltaCRLIndicatorNoBaseTest1EE"), ("4.15.2", "ValiddeltaCRLTest2EE"), ("4.15.3", "InvaliddeltaCRLTest3EE"),
        ("4.15.4", "InvaliddeltaCRLTest4EE"), ("4.15.5", "ValiddeltaCRLTest5EE"), ("4.15.6", "InvaliddeltaCRLTest6EE"),
        ("4.15.7", "ValiddeltaCRLTest7EE"), ("4.15.8", "ValiddeltaCRLTest8EE"), ("4.15.9", "InvaliddeltaCRLTest9EE"),
        ("4.15.10", "InvaliddeltaCRLTest10EE"),
        ("4.8.2", "AllCertificatesNoPoliciesTest2EE"), ("4.8.3", "DifferentPoliciesTest3EE"), ("4.8.4", "DifferentPoliciesTest4EE"),
        ("4.8.5", "DifferentPoliciesTest5EE"), ("4.8.6", "OverlappingPoliciesTest6EE"), ("4.8.7", "DifferentPoliciesTest7EE"),
        ("4.8.8", "DifferentPoliciesTest8EE"), ("4.8.9", "DifferentPoliciesTest9EE"), ("4.8.10", "AllCertificatesSamePoliciesTest10EE"),
        ("4.8.11", "AllCertificatesanyPolicyTest11EE"), ("4.8.12", "DifferentPoliciesTest12EE"), ("4.8.13", "AllCertificatesSamePoliciesTest13EE"),
        ("4.8.14", "AnyPolicyTest14EE"), ("4.8.15", "UserNoticeQualifierTest15EE"), ("4.8.16", "UserNoticeQualifierTest16EE"),
        ("4.8.17", "UserNoticeQualifierTest17EE"), ("4.8.18", "UserNoticeQualifierTest18EE"), ("4.8.19", "UserNoticeQualifierTest19EE"),
        ("4.8.20", "CPSPointerQualifierTest20EE"),
        ("4.9.1", "ValidrequireExplicitPolicyTest1EE"), ("4.9.2", "ValidrequireExplicitPolicyTest2EE"), ("4.9.3", "InvalidrequireExplicitPolicyTest3EE"),
        ("4.9.4", "ValidrequireExplicitPolicyTest4EE"), ("4.9.5", "InvalidrequireExplicitPolicyTest5EE"), ("4.9.6", "ValidSelfIssuedrequireExplicitPolicyTest6EE"),
        ("4.9.7", "InvalidSelfIssuedrequireExplicitPolicyTest7EE"), ("4.9.8", "InvalidSelfIssuedrequireExplicitPolicyTest8EE"),
        ("4.10.1", "ValidPolicyMappingTest1EE"), ("4.10.2", "InvalidPolicyMappingTest2EE"), ("4.10.3", "ValidPolicyMappingTest3EE"),
        ("4.10.4", "InvalidPolicyMappingTest4EE"), ("4.10.5", "ValidPolicyMappingTest5EE"), ("4.10.6", "ValidPolicyMappingTest6EE"),
        ("4.10.7", "InvalidMappingFromanyPolicyTest7EE"), ("4.10.8", "InvalidMappingToanyPolicyTest8EE"), ("4.10.9", "ValidPolicyMappingTest9EE"),
        ("4.10.10", "InvalidPolicyMappingTest10EE"), ("4.10.11", "ValidPolicyMappingTest11EE"), ("4.10.12", "ValidPolicyMappingTest12EE"),
        ("4.10.13", "ValidPolicyMappingTest13EE"), ("4.10.14", "ValidPolicyMappingTest14EE"),
        ("4.11.1", "InvalidinhibitPolicyMappingTest1EE"), ("4.11.2", "ValidinhibitPolicyMappingTest2EE"), ("4.11.3", "InvalidinhibitPolicyMappingTest3EE"),
        ("4.11.4", "ValidinhibitPolicyMappingTest4EE"), ("4.11.5", "InvalidinhibitPolicyMappingTest5EE"), ("4.11.6", "InvalidinhibitPolicyMappingTest6EE"),
        ("4.11.7", "ValidSelfIssuedinhibitPolicyMappingTest7EE"), ("4.11.8", "InvalidSelfIssuedinhibitPolicyMappingTest8EE"),
        ("4.11.9", "InvalidSelfIssuedinhibitPolicyMappingTest9EE"), ("4.11.10", "InvalidSelfIssuedinhibitPolicyMappingTest10EE"),
        ("4.11.11", "InvalidSelfIssuedinhibitPolicyMappingTest11EE"),
        ("4.12.1", "InvalidinhibitAnyPolicyTest1EE"), ("4.12.2", "ValidinhibitAnyPolicyTest2EE"), ("4.12.3", "inhibitAnyPolicyTest3EE"),
        ("4.12.4", "InvalidinhibitAnyPolicyTest4EE"), ("4.12.5", "InvalidinhibitAnyPolicyTest5EE"), ("4.12.6", "InvalidinhibitAnyPolicyTest6EE"),
        ("4.12.7", "ValidSelfIssuedinhibitAnyPolicyTest7EE"), ("4.12.8", "InvalidSelfIssuedinhibitAnyPolicyTest8EE"),
        ("4.12.9", "ValidSelfIssuedinhibitAnyPolicyTest9EE"), ("4.12.10", "InvalidSelfIssuedinhibitAnyPolicyTest10EE"),
    ];

    // Policy cases whose file names carry no Valid/Invalid prefix: valid under the default settings
    // (initial policy set anyPolicy, no explicit policy required), as the PKITS document gives for 4.8 and 4.12.3.
    private static readonly HashSet<string> ValidWithDefaultSettings =
    [
        "AllCertificatesNoPoliciesTest2EE", "DifferentPoliciesTest3EE", "OverlappingPoliciesTest6EE", "AllCertificatesSamePoliciesTest10EE",
        "AllCertificatesanyPolicyTest11EE", "AllCertificatesSamePoliciesTest13EE", "AnyPolicyTest14EE", "UserNoticeQualifierTest15EE",
        "UserNoticeQualifierTest16EE", "UserNoticeQualifierTest17EE", "UserNoticeQualifierTest18EE", "UserNoticeQualifierTest19EE",
        "CPSPointerQualifierTest20EE", "inhibitAnyPolicyTest3EE",
    ];

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (section, ee) in All) data.Add(section, ee);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pkits_case_gives_the_documented_verdict(string section, string endEntity)
    {
        var data = Loaded.Value ?? throw new DirectoryNotFoundException($"PKITS {section}: the NIST data is not at {Folder} (set PLANTTRUST_PKITS to its folder)");
        var expectedValid = endEntity.StartsWith("Valid", StringComparison.Ordinal) || ValidWithDefaultSettings.Contains(endEntity);
        var validator = new PathValidator([data.Anchor]);
        var leaf = Certificate.FromDer(File.ReadAllBytes(Path.Combine(Folder, "certs", endEntity + ".crt")));

        var result = validator.Validate(leaf, At, data.Intermediates, data.Crls);

        output.WriteLine($"PKITS {section} {endEntity}: {result}");
        Assert.True(expectedValid == result.IsValid, $"PKITS {section} {endEntity}: expected {(expectedValid ? "valid" : "invalid")}, got {result}");
    }

    private const string P1 = "2.16.840.1.101.3.2.1.48.1";
    private const string P2 = "2.16.840.1.101.3.2.1.48.2";
    private const string P3 = "2.16.840.1.101.3.2.1.48.3";

    // PKITS runs of the policy cases with relying-party inputs other than the defaults (RFC 5280 §6.1.1 (c), (e)–(g)).
    public static TheoryData<string, string, string, bool> PolicySettingCases() => new()
    {
        { "4.8.1", "ValidCertificatePathTest1EE", "explicit", true },
        { "4.8.1", "ValidCertificatePathTest1EE", "explicit P1", true },
        { "4.8.1", "ValidCertificatePathTest1EE", "explicit P2", false },
        { "4.8.1", "ValidCertificatePathTest1EE", "explicit P1 P2", true },
        { "4.8.2", "AllCertificatesNoPoliciesTest2EE", "explicit", false },
        { "4.8.3", "DifferentPoliciesTest3EE", "explicit", false },
        { "4.8.6", "OverlappingPoliciesTest6EE", "P1", true },
        { "4.8.6", "OverlappingPoliciesTest6EE", "P2", false },
        { "4.8.10", "AllCertificatesSamePoliciesTest10EE", "P1", true },
        { "4.8.10", "AllCertificatesSamePoliciesTest10EE", "P2", true },
        { "4.8.11", "AllCertificatesanyPolicyTest11EE", "P1", true },
        { "4.8.13", "AllCertificatesSamePoliciesTest13EE", "P1", true },
        { "4.8.13", "AllCertificatesSamePoliciesTest13EE", "P2", true },
        { "4.8.13", "AllCertificatesSamePoliciesTest13EE", "P3", true },
        { "4.8.14", "AnyPolicyTest14EE", "P1", true },
        { "4.8.14", "AnyPolicyTest14EE", "P2", false },
        { "4.10.1", "ValidPolicyMappingTest1EE", "P1", true },
        { "4.10.1", "ValidPolicyMappingTest1EE", "P2", false },
        { "4.10.1", "ValidPolicyMappingTest1EE", "inhibit-mapping", false },
        { "4.12.3", "inhibitAnyPolicyTest3EE", "inhibit-any", false },
    };

    [Theory]
    [MemberData(nameof(PolicySettingCases))]
    public void Pkits_policy_case_with_relying_party_settings_gives_the_documented_verdict(string section, string endEntity, string settings, bool expectedValid)
    {
        var data = Loaded.Value ?? throw new DirectoryNotFoundException($"PKITS {section}: the NIST data is not at {Folder} (set PLANTTRUST_PKITS to its folder)");
        var words = settings.Split(' ');
        var policy = new ValidationPolicy
        {
            RequireExplicitPolicy = words.Contains("explicit"),
            InhibitPolicyMapping = words.Contains("inhibit-mapping"),
            InhibitAnyPolicy = words.Contains("inhibit-any"),
            AcceptablePolicies = [.. words.Select(w => w switch { "P1" => P1, "P2" => P2, "P3" => P3, _ => null }).OfType<string>()],
        };
        var leaf = Certificate.FromDer(File.ReadAllBytes(Path.Combine(Folder, "certs", endEntity + ".crt")));

        var result = new PathValidator([data.Anchor], policy).Validate(leaf, At, data.Intermediates, data.Crls);

        output.WriteLine($"PKITS {section} {endEntity} [{settings}]: {result}");
        Assert.True(expectedValid == result.IsValid, $"PKITS {section} {endEntity} [{settings}]: expected {(expectedValid ? "valid" : "invalid")}, got {result}");
    }

    private sealed record Data(Certificate Anchor, List<Certificate> Intermediates, List<CertificateRevocationList> Crls);

    private static Data? Load()
    {
        if (!Directory.Exists(Folder)) return null;
        var anchor = Certificate.FromDer(File.ReadAllBytes(Path.Combine(Folder, "certs", "TrustAnchorRootCertificate.crt")));
        var intermediates = new List<Certificate>();
        foreach (var file in Directory.GetFiles(Path.Combine(Folder, "certs"), "*.crt"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.EndsWith("EE", StringComparison.Ordinal) || name == "TrustAnchorRootCertificate") continue;
            try
            {
                intermediates.Add(Certificate.FromDer(File.ReadAllBytes(file)));
            }
            catch (PkiException)
            {
                // DSA keys: not supported, and only used by the DSA cases left out above.
            }
        }
        var crls = Directory.GetFiles(Path.Combine(Folder, "crls"), "*.crl")
            .Select(f => CertificateRevocationList.FromDer(File.ReadAllBytes(f))).ToList();
        return new Data(anchor, intermediates, crls);
    }
}
