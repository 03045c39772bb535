using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Pki.Tests.Validation;

/// <summary>Path validation asking OCSP responders (RFC 6960) through a revocation source, with answers cached until nextUpdate.</summary>
public sealed class OcspRevocationSourceTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;
    private static readonly Uri Url = new("http://127.0.0.1/ocsp/issuing");

    // An in-process responder whose clock and reachability the test sets.
    private sealed class Responder(CertificateAuthority ca) : IOcspTransport
    {
        public DateTimeOffset Now { get; set; }
        public bool Up { get; set; } = true;
        public TimeSpan Validity { get; set; } = TimeSpan.FromHours(1);
        public List<string> Urls { get; } = [];
        public Func<byte[], byte[]>? Tamper { get; set; }

        public byte[]? Send(string url, byte[] requestDer)
        {
            Urls.Add(url);
            if (!Up) return null;
            var response = ca.RespondOcsp(requestDer, Now, Validity);
            return Tamper is null ? response : Tamper(response);
        }
    }

    private static (PathValidator Validator, CertificateAuthority Ca, CertificateRevocationList RootCrl, Responder Responder, OcspRevocationSource Source) Setup(string name)
    {
        var (root, ca) = TestPki.Hierarchy(name);
        var rootCrl = root.IssueCrl(Start, Start.AddYears(1));
        var responder = new Responder(ca);
        return (new PathValidator([root.Certificate]), ca, rootCrl, responder, new OcspRevocationSource(responder));
    }

    private static Certificate Leaf(CertificateAuthority ca, string cn) =>
        ca.Issue(new IssuanceRequest($"C=DE,O=PlantTrust,CN={cn}", TestPki.P256().PublicKey, CertificateProfile.LDevId, Start, Start.AddYears(1)) { OcspUrl = Url });

    [Fact]
    public void Good_answer_validates_without_an_issuer_crl_and_is_cached_until_next_update()
    {
        var (validator, ca, rootCrl, responder, source) = Setup("Ocsp Cache");
        var leaf = Leaf(ca, "dev");
        var at = Start.AddDays(1);
        responder.Now = at;

        var first = validator.Validate(leaf, at, [ca.Certificate], [rootCrl], source);
        ca.Revoke(leaf.SerialNumber, RevocationReason.KeyCompromise, at.AddMinutes(10));
        responder.Now = at.AddMinutes(30);
        var cached = validator.Validate(leaf, at.AddMinutes(30), [ca.Certificate], [rootCrl], source);
        responder.Now = at.AddMinutes(61);
        var fresh = validator.Validate(leaf, at.AddMinutes(61), [ca.Certificate], [rootCrl], source);

        // The issuing CA published no CRL at all: the OCSP answer alone settles the end entity (RFC 6960 §2.2).
        Assert.True(first.IsValid, first.ToString());
        Assert.Equal(RevocationState.Good, first.Path[0].Revocation);
        // RFC 6960 §4.2.2.1: the good answer is current until its nextUpdate; a relying party that caches it does not see the revocation yet.
        Assert.True(cached.IsValid, cached.ToString());
        Assert.Equal(ValidationStatus.Invalid, fresh.Status);
        Assert.Equal(RevocationReason.KeyCompromise, fresh.Path[0].RevocationReason);
        Assert.Equal(2, source.Requests);
        Assert.Equal(1, source.CacheHits);
        Assert.Equal([Url.AbsoluteUri, Url.AbsoluteUri], responder.Urls);
    }

    [Fact]
    public void Unreachable_responder_without_a_current_cached_answer_leaves_revocation_unknown()
    {
        var (validator, ca, rootCrl, responder, source) = Setup("Ocsp Down");
        var leaf = Leaf(ca, "dev");
        var at = Start.AddDays(1);
        responder.Now = at;
        Assert.True(validator.Validate(leaf, at, [ca.Certificate], [rootCrl], source).IsValid);
        responder.Up = false;

        var whileCached = validator.Validate(leaf, at.AddMinutes(59), [ca.Certificate], [rootCrl], source);
        var afterNextUpdate = validator.Validate(leaf, at.AddMinutes(61), [ca.Certificate], [rootCrl], source);
        var stranger = validator.Validate(Leaf(ca, "other"), at, [ca.Certificate], [rootCrl], source);

        Assert.True(whileCached.IsValid, whileCached.ToString());
        Assert.Equal(ValidationStatus.RevocationUnknown, afterNextUpdate.Status);
        Assert.Equal([ValidationReason.OcspUnavailable], afterNextUpdate.Path[0].Errors);
        Assert.Equal(ValidationStatus.RevocationUnknown, stranger.Status);
    }

    [Fact]
    public void Answers_that_are_errors_unknown_or_replayed_leave_revocation_unknown()
    {
        var (validator, ca, rootCrl, responder, source) = Setup("Ocsp Bad");
        var at = Start.AddDays(1);
        responder.Now = at;
        var leaf = Leaf(ca, "dev");
        var stale = ca.RespondOcsp(Ocsp.CreateRequest(leaf, ca.Certificate, [9, 9, 9, 9, 9, 9, 9, 9]), at, TimeSpan.FromHours(1));

        responder.Tamper = _ => OcspResponder.Error(OcspResponseStatus.TryLater);
        var tryLater = validator.Validate(leaf, at, [ca.Certificate], [rootCrl], source);
        responder.Tamper = _ => stale; // a recorded answer with another nonce (RFC 8954 §2.1: replay)
        var replayed = validator.Validate(leaf, at, [ca.Certificate], [rootCrl], source);
        responder.Tamper = null;
        var (_, other) = TestPki.Hierarchy("Ocsp Bad Other");
        var neverIssued = other.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=forged", TestPki.P256().PublicKey, CertificateProfile.LDevId, Start, Start.AddYears(1)) { OcspUrl = Url });
        var unknown = new PathValidator([other.Certificate]).Validate(neverIssued, at, [], [], source); // answered by the wrong CA's responder

        Assert.Equal([ValidationReason.OcspResponseInvalid], tryLater.Path[0].Errors);
        Assert.Equal([ValidationReason.OcspResponseInvalid], replayed.Path[0].Errors);
        Assert.Equal(ValidationStatus.RevocationUnknown, unknown.Status);
    }

    [Fact]
    public void Certificates_without_a_responder_and_short_lived_ones_are_not_put_to_ocsp()
    {
        var (validator, ca, rootCrl, responder, source) = Setup("Ocsp Crl");
        var at = Start.AddDays(1);
        var plain = TestPki.Leaf(ca, "crl-only");
        var shortLived = ca.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=short", TestPki.P256().PublicKey, CertificateProfile.LDevId, Start, Start.AddDays(7)) { NoRevocationAvailable = true, OcspUrl = Url });

        var withoutCrl = validator.Validate(plain, at, [ca.Certificate], [rootCrl], source);
        var withCrl = validator.Validate(plain, at, [ca.Certificate], [rootCrl, ca.IssueCrl(at, at.AddDays(1))], source);
        var noRevAvail = validator.Validate(shortLived, at, [ca.Certificate], [rootCrl], source);

        Assert.Equal([ValidationReason.CrlMissing], withoutCrl.Path[0].Errors);
        Assert.True(withCrl.IsValid, withCrl.ToString());
        Assert.True(noRevAvail.IsValid, noRevAvail.ToString());
        Assert.Empty(responder.Urls);
    }
}
