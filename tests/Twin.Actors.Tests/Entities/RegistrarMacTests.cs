using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// MAC-protected transactions (RFC 4210 §5.1.3.1): the answers carry the request's PBMParameter and are keyed with the key the request
/// verified with, checked here against a PasswordBasedMac computed with the platform's SHA-256 and HMAC-SHA1; the endpoint checks a
/// MAC ahead only for a reference the registrar holds open, and the registrar takes that verdict over only while it still does.
/// </summary>
public sealed class RegistrarMacTests() : RegistrarWithCaTestKit("registrar-mac", new RunId("mac-run"), CaId,
    new CaSettings("CN=Test Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Settings,
    TimeSpan.FromSeconds(30))
{
    private static readonly EntityId CaId = new("ca-root");
    private static readonly RegistrarSettings Settings = new("plant", CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ca);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact] // RFC 4210 §5.1.3.1 (PBMParameter constant through ir/ip/certConf/pkiConf), RFC 9483 §3.2, §4.1.1
    public async Task The_answers_of_a_transaction_carry_its_requests_PBMParameter_and_a_new_transaction_its_own()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var gate = Gate();

        var ir = Ir(secret, "CN=one", implicitConfirm: false);
        var ip = await gate.SendAsync(new CmpRequest(ir.Der, "https:127.0.0.1"), gate.CheckAhead(ir.Der), Timeout);
        Assert.Equal(CmpBodyType.Ip, CmpMessage.Decode(ip.Der).BodyType);
        AssertProtectedLike(ir.Der, ip.Der, secret.Secret);

        // The certConf comes with a salt of its own (as openssl sends it); the pkiConf still carries the ir's parameters.
        var issued = Assert.Single(CmpMessage.Decode(ip.Der).CertResponses()).Certificate!;
        var conf = CmpRequests.CertConf(Mac(secret), CmpMessage.Decode(ip.Der), issued);
        var pkiConf = await gate.SendAsync(new CmpRequest(conf.Der, "https:127.0.0.1"), gate.CheckAhead(conf.Der), Timeout);
        Assert.Equal(CmpBodyType.PkiConf, CmpMessage.Decode(pkiConf.Der).BodyType);
        AssertProtectedLike(ir.Der, pkiConf.Der, secret.Secret);

        // Another transaction with another secret and salt: its answer carries its own request's parameters, keyed with its own secret.
        var other = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var second = Ir(other, "CN=two");
        var answer = await Gate().SendAsync(new CmpRequest(second.Der, "https:127.0.0.1"), Gate().CheckAhead(second.Der), Timeout);
        Assert.Equal(CmpBodyType.Ip, CmpMessage.Decode(answer.Der).BodyType);
        AssertProtectedLike(second.Der, answer.Der, other.Secret);
        Assert.NotEqual(Parameters(ir.Der).Salt.GetOctets(), Parameters(answer.Der).Salt.GetOctets());
        await Idle();
    }

    [Fact] // one-time secrets are spent once: a MAC checked at the endpoint does not outlive the reference it was checked for
    public async Task A_reference_spent_between_the_gate_and_the_registrar_is_refused()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var gate = Gate();
        var first = Ir(secret, "CN=first");
        var second = Ir(secret, "CN=second");

        var aheadFirst = gate.CheckAhead(first.Der);
        Assert.NotNull(aheadFirst!.Mac!.Key); // the MAC verified at the gate, with the reference open
        var aheadSecond = gate.CheckAhead(second.Der);
        Assert.Equal(2, gate.MacsCheckedAhead);
        // The second spends the reference before the registrar reads the first.
        var granted = await gate.SendAsync(new CmpRequest(second.Der, "https:127.0.0.1"), aheadSecond, Timeout);
        Assert.Equal(CmpBodyType.Ip, CmpMessage.Decode(granted.Der).BodyType);
        var refused = await gate.SendAsync(new CmpRequest(first.Der, "https:127.0.0.1"), aheadFirst, Timeout);
        Assert.True(refused.Refused);
        Assert.Equal([CmpFailure.SignerNotTrusted], CmpMessage.Decode(refused.Der).ErrorStatus().Failures);
        // From now on the gate does not derive for it at all.
        var now = Gate();
        var before = now.MacsCheckedAhead;
        Assert.Null(now.CheckAhead(Ir(secret, "CN=third").Der)!.Mac);
        Assert.Equal(before, now.MacsCheckedAhead);
        var status = await registrar.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted", "refused"], status.RecentDecisions.Select(d => d.Verdict));
        await Idle();
    }

    [Fact] // an unknown reference must not make the endpoint hash, whatever iteration count the request names
    public async Task An_unknown_reference_costs_the_gate_no_derivation_and_is_refused()
    {
        var registrar = StartRegistrar();
        await Idle();
        _ = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault); // one reference is open, not this one
        var gate = Gate();
        var forged = new CmpSender("CN=forged", CmpProtector.PasswordBasedMac("0123456789ab"u8.ToArray(), RandomNumberGenerator.GetBytes(16), PkiRandom.System, iterations: 1_000_000),
            T0.Utc, PkiRandom.System);
        var ir = CmpRequests.CertRequest(CmpBodyType.Ir, forged, null, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), "CN=forged", implicitConfirm: true);

        var ahead = gate.CheckAhead(ir.Der);
        Assert.Null(ahead!.Mac);
        Assert.Equal(0, gate.MacsCheckedAhead);
        var refused = await gate.SendAsync(new CmpRequest(ir.Der, "https:127.0.0.1"), ahead, Timeout);
        Assert.Equal([CmpFailure.SignerNotTrusted], CmpMessage.Decode(refused.Der).ErrorStatus().Failures);
        Assert.Contains("unknown or already used", CmpMessage.Decode(refused.Der).ErrorStatus().Text, StringComparison.Ordinal);
        await Idle();
    }

    private CmpGate Gate()
    {
        Assert.True(Runtime.CmpGates.TryGetValue("plant", out var gate), "the ready registrar published no gate");
        return gate!;
    }

    // The answer's protectionAlg is the request's, byte for byte, and its protection is PasswordBasedMac over its ProtectedPart keyed
    // with the secret: BASEKEY = SHA-256(secret || salt) iterated iterationCount times, HMAC-SHA1 (openssl's defaults, the request's).
#pragma warning disable CA5350 // HMAC-SHA1 is the MAC the request names (openssl's default); this is the reference it is checked against.
    private static void AssertProtectedLike(byte[] requestDer, byte[] answerDer, string secret)
    {
        var request = PkiMessage.GetInstance(requestDer);
        var answer = PkiMessage.GetInstance(answerDer);
        Assert.Equal(request.Header.ProtectionAlg.GetEncoded(Asn1Encodable.Der), answer.Header.ProtectionAlg.GetEncoded(Asn1Encodable.Der));
        var p = PbmParameter.GetInstance(answer.Header.ProtectionAlg.Parameters);
        Assert.Equal("2.16.840.1.101.3.4.2.1", p.Owf.Algorithm.Id);
        Assert.Equal("1.3.6.1.5.5.8.1.2", p.Mac.Algorithm.Id);
        var key = SHA256.HashData([.. Encoding.ASCII.GetBytes(secret), .. p.Salt.GetOctets()]);
        for (var i = 1; i < p.IterationCount.IntValueExact; i++) key = SHA256.HashData(key);
        var expected = HMACSHA1.HashData(key, new ProtectedPart(answer.Header, answer.Body).GetEncoded(Asn1Encodable.Der));
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(answer.Protection.GetBytes()));
    }
#pragma warning restore CA5350

    private static PbmParameter Parameters(byte[] der) => PbmParameter.GetInstance(PkiMessage.GetInstance(der).Header.ProtectionAlg.Parameters);

    private static CmpSender Mac(EnrollmentSecret secret) =>
        new("CN=device", CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), PkiRandom.System), T0.Utc, PkiRandom.System);

    private static CmpOutgoing Ir(EnrollmentSecret secret, string subject, bool implicitConfirm = true) =>
        CmpRequests.CertRequest(CmpBodyType.Ir, Mac(secret), null, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), subject, implicitConfirm: implicitConfirm);
}
