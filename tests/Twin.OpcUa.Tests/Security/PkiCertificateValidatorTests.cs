using Twin.OpcUa.Encoding;
using Twin.OpcUa.Security;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.OpcUa.Tests.Security;

/// <summary>Part 4 §6.1.3 on Twin.Pki's path validator: each fault of a two-tier path gets the status code Table 106 names.</summary>
public sealed class PkiCertificateValidatorTests
{
    private const string AppUri = "urn:planttrust:pea-07:server-1";
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = T0.AddDays(10);

    private sealed record Plant(CertificateAuthority Root, CertificateAuthority Issuing, Certificate Leaf, Certificate Other);

    private static Plant NewPlant()
    {
        var root = CertificateAuthority.CreateRoot("CN=Plant Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), T0, T0.AddYears(10));
        var issuingKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var issuingCert = root.Issue(new IssuanceRequest("CN=Plant Issuing CA", issuingKey.PublicKey, CertificateProfile.IssuingCa, T0, T0.AddYears(5)));
        var issuing = new CertificateAuthority(issuingCert, issuingKey);
        Certificate App(string cn, DateTimeOffset from, DateTimeOffset to) =>
            issuing.Issue(new IssuanceRequest($"CN={cn}", KeyGenerator.Generate(KeyAlgorithm.Rsa2048).PublicKey, CertificateProfile.OpcUaApplication, from, to)
            {
                UriNames = [AppUri],
                DnsNames = ["localhost"],
            });
        return new Plant(root, issuing, App("pea-07", T0, T0.AddDays(90)), App("pea-08", T0.AddDays(20), T0.AddDays(90)));
    }

    private static PkiCertificateValidator Validator(Plant p, bool trustRoot = true, bool issuerKnown = true, bool rootCrl = true, bool issuingCrl = true, DateTimeOffset? crlAt = null)
    {
        var v = new PkiCertificateValidator();
        if (trustRoot) v.AddTrusted(p.Root.Certificate.GetDer());
        else v.AddIssuer(p.Root.Certificate.GetDer());
        if (issuerKnown) v.AddIssuer(p.Issuing.Certificate.GetDer());
        var at = crlAt ?? Now.AddHours(-1);
        if (rootCrl) v.AddRevocationList(p.Root.IssueCrl(at, at.AddDays(2)).GetDer());
        if (issuingCrl) v.AddRevocationList(p.Issuing.IssueCrl(at, at.AddDays(2)).GetDer());
        return v;
    }

    private static CertificateCheck Check(Certificate c, DateTimeOffset? at = null, string? uri = AppUri) =>
        new(c.GetDer(), [], CertificateUse.ApplicationInstance, uri, at ?? Now);

    [Fact]
    public void A_complete_current_path_is_Good()
    {
        var p = NewPlant();
        Assert.Equal(StatusCode.Good, Validator(p).Validate(Check(p.Leaf)).Status);
    }

    [Fact]
    public void Time_faults_are_BadCertificateTimeInvalid()
    {
        var p = NewPlant();
        var v = Validator(p);
        Assert.Equal(StatusCodes.BadCertificateTimeInvalid, v.Validate(Check(p.Other)).Status.Code);                       // not yet valid
        Assert.Equal(StatusCodes.BadCertificateTimeInvalid, Validator(p, crlAt: T0.AddDays(100)).Validate(Check(p.Leaf, T0.AddDays(100))).Status.Code); // expired
    }

    [Fact]
    public void Revocation_of_the_certificate_and_of_its_issuer_have_their_own_codes()
    {
        var p = NewPlant();
        p.Issuing.Revoke(p.Leaf.SerialNumber, RevocationReason.KeyCompromise, Now.AddHours(-2));
        Assert.Equal(StatusCodes.BadCertificateRevoked, Validator(p).Validate(Check(p.Leaf)).Status.Code);

        var q = NewPlant();
        q.Root.Revoke(q.Issuing.Certificate.SerialNumber, RevocationReason.CACompromise, Now.AddHours(-2));
        Assert.Equal(StatusCodes.BadCertificateIssuerRevoked, Validator(q).Validate(Check(q.Leaf)).Status.Code);
    }

    [Fact]
    public void Missing_or_lapsed_CRLs_make_revocation_unknown_for_the_certificate_or_its_issuer()
    {
        var p = NewPlant();
        Assert.Equal(StatusCodes.BadCertificateRevocationUnknown, Validator(p, issuingCrl: false).Validate(Check(p.Leaf)).Status.Code);
        Assert.Equal(StatusCodes.BadCertificateIssuerRevocationUnknown, Validator(p, rootCrl: false).Validate(Check(p.Leaf)).Status.Code);
        // CRLs published on day 1 with nextUpdate on day 3: on day 10 they have lapsed.
        Assert.Equal(StatusCodes.BadCertificateRevocationUnknown, Validator(p, crlAt: T0.AddDays(1)).Validate(Check(p.Leaf)).Status.Code);
        var lenient = Validator(p, issuingCrl: false);
        lenient.RequireRevocationLists = false;
        Assert.Equal(StatusCode.Good, lenient.Validate(Check(p.Leaf)).Status);
    }

    [Fact]
    public void An_untrusted_root_is_BadCertificateUntrusted_until_auto_accept_is_switched_on_and_the_certificate_is_rejected_meanwhile()
    {
        var p = NewPlant();
        var v = Validator(p, trustRoot: false);

        Assert.Equal(StatusCodes.BadCertificateUntrusted, v.Validate(Check(p.Leaf)).Status.Code);
        Assert.Contains(v.RejectedStore.Rejected, r => r.RawData.AsSpan().SequenceEqual(p.Leaf.GetDer()));

        v.AutoAccept = true; // takes effect at once
        Assert.Equal(StatusCode.Good, v.Validate(Check(p.Leaf)).Status);
        v.AutoAccept = false;
        Assert.Equal(StatusCodes.BadCertificateUntrusted, v.Validate(Check(p.Leaf)).Status.Code);
    }

    [Fact]
    public void A_missing_issuer_is_BadCertificateChainIncomplete_unless_the_peer_sends_it()
    {
        var p = NewPlant();
        var v = Validator(p, issuerKnown: false);
        Assert.Equal(StatusCodes.BadCertificateChainIncomplete, v.Validate(Check(p.Leaf)).Status.Code);
        var withChain = new CertificateCheck(p.Leaf.GetDer(), [p.Issuing.Certificate.GetDer()], CertificateUse.ApplicationInstance, AppUri, Now);
        Assert.Equal(StatusCode.Good, v.Validate(withChain).Status);
    }

    [Fact]
    public void A_certificate_for_another_application_is_BadCertificateUriInvalid()
    {
        var p = NewPlant();
        Assert.Equal(StatusCodes.BadCertificateUriInvalid, Validator(p).Validate(Check(p.Leaf, uri: "urn:planttrust:someone-else")).Status.Code);
    }

    [Fact]
    public void Replacing_the_lists_takes_effect_on_the_next_check()
    {
        var p = NewPlant();
        var v = Validator(p);
        Assert.Equal(StatusCode.Good, v.Validate(Check(p.Leaf)).Status);
        v.Replace([], [p.Issuing.Certificate.GetDer(), p.Root.Certificate.GetDer()], []);
        Assert.Equal(StatusCodes.BadCertificateUntrusted, v.Validate(Check(p.Leaf)).Status.Code);
    }
}
