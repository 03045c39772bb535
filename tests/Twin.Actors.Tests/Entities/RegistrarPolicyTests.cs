using System.Collections.Immutable;
using System.Text;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>The registrar's pure checks, judged on messages openssl wrote (tests/Twin.Pki.Tests/Data/cmp).</summary>
public sealed class RegistrarPolicyTests
{
    private static readonly SimInstant Now = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly string Data = Path.Combine(RepoPaths.Root, "tests", "Twin.Pki.Tests", "Data", "cmp");
    private static readonly Certificate FixtureCa = Certificate.FromPem(File.ReadAllText(Path.Combine(Data, "ca.pem")));
    private static readonly RegistrarSettings Settings = new("plant", new EntityId("ca-issuing"), KeyAlgorithm.EcdsaP256, RegistrarMode.Ca);
    private static readonly string[] Recipients = ["CN=Fixture CA"];

    private static CmpMessage Load(string name) => CmpMessage.Decode(File.ReadAllBytes(Path.Combine(Data, name)));

    private static RegistrarState WithSecret(SimInstant issued) =>
        RegistrarState.Empty with { OpenSecrets = ImmutableDictionary<string, SimInstant>.Empty.Add("4711", issued) };

    private static byte[] Secret(string reference) => Encoding.UTF8.GetBytes(reference == "4711" ? "fixture-secret" : "other");

    // The fixture CA's key is gone, so it has no CRL: revocation is judged only where a test says so.
    private static DomainTrust Trust(params Certificate[] anchors) => new(anchors, [], []) { Revocation = Twin.Pki.Validation.RevocationMode.Off };

    [Fact] // RFC 9483 §3.1
    public void Header_of_an_openssl_ir_passes_and_a_reused_transactionID_does_not()
    {
        var ir = Load("ir-mac.der");
        Assert.Null(RegistrarPolicy.CheckHeader(RegistrarState.Empty, ir, Recipients, initial: true));
        var seen = RegistrarState.Empty with { Transactions = [ir.Header.TransactionHex] };
        Assert.Equal(CmpFailure.TransactionIdInUse, RegistrarPolicy.CheckHeader(seen, ir, Recipients, initial: true)!.Failure);
        Assert.Null(RegistrarPolicy.CheckHeader(seen, Load("certconf-mac.der"), Recipients, initial: false)); // certConf continues the transaction
        Assert.Equal(CmpFailure.WrongAuthority, RegistrarPolicy.CheckHeader(RegistrarState.Empty, ir, ["CN=Someone Else"], initial: true)!.Failure);
    }

    [Fact] // RFC 4210 §5.1.3.1
    public void A_MAC_authenticates_with_an_open_reference_only()
    {
        var ir = Load("ir-mac.der");
        var (ok, _) = RegistrarPolicy.Authenticate(WithSecret(Now), Settings, ir, Now, Secret, Trust());
        Assert.Equal(CredentialKind.Secret, ok!.Kind);
        Assert.Equal("4711", ok.Reference);

        var wrong = RegistrarPolicy.Authenticate(WithSecret(Now), Settings, ir, Now, _ => Encoding.UTF8.GetBytes("not-it"), Trust());
        Assert.Equal(CmpFailure.BadMessageCheck, wrong.Refusal!.Failure);
        var unknown = RegistrarPolicy.Authenticate(RegistrarState.Empty, Settings, ir, Now, Secret, Trust());
        Assert.Equal(CmpFailure.SignerNotTrusted, unknown.Refusal!.Failure);
        var expired = RegistrarPolicy.Authenticate(WithSecret(Now.Add(TimeSpan.FromDays(-8))), Settings, ir, Now, Secret, Trust());
        Assert.Equal(CmpFailure.SignerNotTrusted, expired.Refusal!.Failure);
        Assert.Contains("expired", expired.Refusal.Reason, StringComparison.Ordinal);
    }

    [Fact] // RFC 4210 §5.1.3.1: the key the MAC verified with stays with the credential, for the answers of the transaction
    public void A_MAC_judged_at_the_endpoint_is_taken_over_only_for_the_very_reference_it_was_judged_with()
    {
        var ir = Load("ir-mac.der");
        var secret = Encoding.UTF8.GetBytes("fixture-secret");
        var judgedWith = new OpenReference("4711", secret, Now);
        var verdict = new MacVerdict(judgedWith, ir.VerifyMacKeeping(secret));
        Assert.NotNull(verdict.Key);
        var open = new OpenReferences();
        open.Open(judgedWith);
        byte[] NeverAsked(string reference) => throw new InvalidOperationException($"the secret of '{reference}' was derived again");

        // Still open as that object: taken over, no derivation, and the key kept for the answers.
        var (taken, _) = RegistrarPolicy.Authenticate(WithSecret(Now), Settings, ir, Now, NeverAsked, Trust(), null, 0, verdict, open);
        Assert.Same(verdict.Key, taken!.MacKey);
        Assert.Equal("4711", taken.Reference);

        // Handed out again between the gate and the registrar (another object; here with another secret): judged anew, and refused.
        open.Open(new OpenReference("4711", Encoding.UTF8.GetBytes("other"), Now));
        var anew = RegistrarPolicy.Authenticate(WithSecret(Now), Settings, ir, Now, _ => Encoding.UTF8.GetBytes("other"), Trust(), null, 0, verdict, open);
        Assert.Equal(CmpFailure.BadMessageCheck, anew.Refusal!.Failure);

        // Spent meanwhile: refused before any MAC is looked at, whatever the gate found.
        open.Open(judgedWith);
        var spent = RegistrarPolicy.Authenticate(RegistrarState.Empty, Settings, ir, Now, NeverAsked, Trust(), null, 0, verdict, open);
        Assert.Equal(CmpFailure.SignerNotTrusted, spent.Refusal!.Failure);
        var expired = RegistrarPolicy.Authenticate(WithSecret(Now.Add(TimeSpan.FromDays(-8))), Settings, ir, Now, NeverAsked, Trust(), null, 0, verdict, open);
        Assert.Equal(CmpFailure.SignerNotTrusted, expired.Refusal!.Failure);
        // Judged anew without a verdict, the key is derived here and kept just the same.
        Assert.NotNull(RegistrarPolicy.Authenticate(WithSecret(Now), Settings, ir, Now, Secret, Trust()).Credential!.MacKey);
    }

    [Fact] // RFC 9483 §3.2: signature protection, protection certificate in extraCerts
    public void A_signature_authenticates_a_domain_certificate_or_an_allow_listed_IDevID()
    {
        var cr = Load("cr-sig.der");
        var domain = RegistrarPolicy.Authenticate(RegistrarState.Empty, Settings, cr, Now, Secret, Trust(FixtureCa));
        Assert.Equal(CredentialKind.DomainCertificate, domain.Credential!.Kind);

        var noCrl = RegistrarPolicy.Authenticate(RegistrarState.Empty, Settings, cr, Now, Secret, Trust(FixtureCa) with { Revocation = Twin.Pki.Validation.RevocationMode.Required });
        Assert.Equal(CmpFailure.SignerNotTrusted, noCrl.Refusal!.Failure);
        Assert.Contains("revocation status is unknown", noCrl.Refusal.Reason, StringComparison.Ordinal);
        var foreign = RegistrarPolicy.Authenticate(RegistrarState.Empty, Settings, cr, Now, Secret, Trust());
        Assert.Equal(CmpFailure.SignerNotTrusted, foreign.Refusal!.Failure);

        var listed = Settings with { AllowList = [new AllowListEntry(FixtureCa.GetDer()) { SanPattern = "urn:fixture:.*" }] };
        Assert.Equal(CredentialKind.IDevId, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now, Secret, Trust()).Credential!.Kind);
        var otherSan = Settings with { AllowList = [new AllowListEntry(FixtureCa.GetDer()) { SanPattern = "urn:other:.*" }] };
        Assert.Equal(CmpFailure.SignerNotTrusted, RegistrarPolicy.Authenticate(RegistrarState.Empty, otherSan, cr, Now, Secret, Trust()).Refusal!.Failure);
        var serial = Settings with { AllowList = [new AllowListEntry(FixtureCa.GetDer()) { SerialPattern = "SN-.*" }] }; // the fixture has no serialNumber attribute
        Assert.Equal(CmpFailure.SignerNotTrusted, RegistrarPolicy.Authenticate(RegistrarState.Empty, serial, cr, Now, Secret, Trust()).Refusal!.Failure);
    }

    [Fact] // RFC 9483 §3.2; RFC 5280 §6.1.3 (a)(2): the instant enters a path's validation only through validity boundaries
    public void A_signer_judged_ahead_is_taken_over_only_with_the_same_settings_trust_version_and_no_boundary_passed()
    {
        var cr = Load("cr-sig.der");
        var listed = Settings with { AllowList = [new AllowListEntry(FixtureCa.GetDer()) { SanPattern = "urn:fixture:.*" }] };
        var trust = Trust();
        var judged = RegistrarPolicy.CheckAhead(listed, cr, Now, trust)!.Value;
        Assert.Equal(CredentialKind.IDevId, judged.Credential!.Kind);
        var verdict = new SignerVerdict(judged.Credential, judged.Refusal, listed, trust, 7, Now, SignerVerdict.Horizon(cr, listed, trust, Now));
        Assert.InRange(verdict.HoldsUntil.Utc, Now.Utc, cr.ProtectionCertificate!.NotAfter);

        // Nothing changed: the verdict is taken over, the very credential.
        Assert.Same(verdict.Credential, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now, Secret, trust, verdict, 7).Credential);
        // The allow-list changed between the endpoint and the registrar: judged again, and no longer admitted.
        var otherSan = Settings with { AllowList = [new AllowListEntry(FixtureCa.GetDer()) { SanPattern = "urn:other:.*" }] };
        Assert.Equal(CmpFailure.SignerNotTrusted, RegistrarPolicy.Authenticate(RegistrarState.Empty, otherSan, cr, Now, Secret, trust, verdict, 7).Refusal!.Failure);
        // A verdict of an older trust version (or of another trust) is judged again: what was refused then is not refused now.
        var refusedThen = verdict with { Credential = null, Refusal = new Refusal(CmpFailure.CertRevoked, "revoked in the older publication") };
        Assert.Same(refusedThen.Refusal, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now, Secret, trust, refusedThen, 7).Refusal);
        Assert.Equal(CredentialKind.IDevId, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now, Secret, trust, refusedThen, 8).Credential!.Kind);
        Assert.Equal(CredentialKind.IDevId, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now, Secret, Trust(), refusedThen, 7).Credential!.Kind);
        // Past the signer's notAfter, or before the instant it was judged at: judged again (expired; valid).
        var expired = new SimInstant(cr.ProtectionCertificate.NotAfter.AddSeconds(1));
        Assert.Equal(CmpFailure.SignerNotTrusted, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, expired, Secret, trust, verdict, 7).Refusal!.Failure);
        Assert.Equal(CredentialKind.IDevId, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now.Add(TimeSpan.FromSeconds(-1)), Secret, trust, refusedThen, 7).Credential!.Kind);
        // A MAC-protected request never takes a signer's verdict over.
        var mac = Load("ir-mac.der");
        Assert.Equal(CredentialKind.Secret, RegistrarPolicy.Authenticate(WithSecret(Now), listed, mac, Now, Secret, trust, refusedThen, 7).Credential!.Kind);
    }

    [Fact] // RFC 9483 §3.2: an allow-listed manufacturer CA that is also a CA of the domain leaves its certificates domain certificates
    public void A_signer_whose_issuer_is_both_on_the_allow_list_and_in_the_domain_is_a_domain_certificate()
    {
        var cr = Load("cr-sig.der");
        var listed = Settings with { AllowList = [new AllowListEntry(FixtureCa.GetDer()) { SanPattern = "urn:fixture:.*" }] };
        Assert.Equal(CredentialKind.DomainCertificate, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now, Secret, Trust(FixtureCa)).Credential!.Kind);
        Assert.Equal(CredentialKind.IDevId, RegistrarPolicy.Authenticate(RegistrarState.Empty, listed, cr, Now, Secret, Trust()).Credential!.Kind);
    }

    [Fact] // RFC 9483 §3.2
    public void An_unprotected_request_is_refused()
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var unprotected = CmpRequests.CertRequest(CmpBodyType.Ir, new CmpSender("CN=x", null, Now.Utc, PkiRandom.System), "CN=Fixture CA", key, "CN=x");
        var result = RegistrarPolicy.Authenticate(WithSecret(Now), Settings, CmpMessage.Decode(unprotected.Der), Now, Secret, Trust(FixtureCa));
        Assert.Equal(CmpFailure.BadMessageCheck, result.Refusal!.Failure);
    }

    [Fact] // RFC 4211 §4.1, RFC 9483 §4.1.1
    public void Requests_are_checked_for_pop_suite_subject_and_template()
    {
        var request = Assert.Single(Load("ir-mac.der").CertRequests());
        var template = DomainTemplate.Default with { SubjectPattern = "CN=fixture-[a-z]+" };
        Assert.Null(RegistrarPolicy.CheckRequest(Settings, template, request.Subject, request.PublicKey, request.PopVerified, request.PopProblem));
        Assert.Equal(CmpFailure.BadPop, RegistrarPolicy.CheckRequest(Settings, template, request.Subject, request.PublicKey, false, "forged")!.Failure);
        Assert.Equal(CmpFailure.BadCertTemplate, RegistrarPolicy.CheckRequest(Settings with { Suite = KeyAlgorithm.Rsa2048 }, template, request.Subject, request.PublicKey, true, null)!.Failure);
        Assert.Equal(CmpFailure.BadCertTemplate, RegistrarPolicy.CheckRequest(Settings, template, "CN=Fixture-Device", request.PublicKey, true, null)!.Failure);
        Assert.Equal(CmpFailure.BadCertTemplate, RegistrarPolicy.CheckRequest(Settings, template, null, request.PublicKey, true, null)!.Failure);
        Assert.Equal(CmpFailure.BadCertTemplate, RegistrarPolicy.TemplateFor(Settings, "no-such").Refusal!.Failure);
    }
}
