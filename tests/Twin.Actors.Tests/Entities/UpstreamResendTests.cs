using System.Text;
using Akka.Actor;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// An RA-mode registrar killed with a request of a twin entity forwarded upstream: the entity sends the very same PKIMessage again
/// after the restart (CmpRequest.FirstSentAt). Whether the upstream's answer came back before the kill (decision journaled) or not
/// (nothing journaled), the registrar forwards it again with the same bytes — same transactionID, nonce and messageTime — relays the
/// upstream's answer and decides it once; max mode never waits for the answer the dead registrar was waiting for. An outside client's
/// certConf (no implicit confirmation) sent again after a kill is forwarded upstream again in the same transaction and answered with
/// pkiConf — whether the kill came while the first certConf was upstream or after its pkiConf was relayed and journaled.
/// </summary>
public sealed class UpstreamResendTests : RegistrarWithCaTestKit
{
    private const string UpstreamSecret = "upstream-shared-secret";
    private const string UpstreamName = "CN=Resend Upstream CA,O=PlantTrust";
    private static readonly EntityId CaId = new("ca-domain");
    private static readonly EntityId Requester = new("sensor-001");
    private static readonly RegistrarSettings Ra = new("upstream", CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ra)
    {
        Upstream = new UpstreamCa(new Uri("http://127.0.0.1:9/cmp"), UpstreamName, "4711", UpstreamSecret),
    };

    private readonly FakeUpstreamCa _upstream = new(UpstreamName, UpstreamSecret);

    public UpstreamResendTests() : base("upstream-resend", new RunId("upstream-resend"), CaId,
        new CaSettings("CN=Domain Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Ra, TimeSpan.FromSeconds(60), seed: 4711) { }

    protected override ICmpTransport? Transport => _upstream;

    [Fact] // RFC 9483 §5.2.3 (RA forwarding), §3.5: a retransmission is answered, not refused as a reused transactionID
    public async Task A_request_forwarded_and_decided_before_a_restart_is_forwarded_again_and_answered_without_a_second_decision()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret(Requester.Value), RemainingOrDefault);
        var ir = Ir(secret);
        var first = await SendAsync(registrar, new CmpRequest(ir.Der, $"entity:{Requester.Value}"));
        var issued = Assert.Single(first.CertResponses()).Certificate!;
        Assert.Equal(UpstreamName, issued.Issuer);

        var revived = await RestartAsync(registrar); // the answer died with the process: the requester sends its ir again
        var again = await SendAsync(revived, new CmpRequest(ir.Der, $"entity:{Requester.Value}") { FirstSentAt = T0 });

        Assert.Equal(CmpBodyType.Ip, again.BodyType);
        Assert.True(again.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret))); // protected with the requester's secret, derived again from its reference
        Assert.Equal(issued.GetDer(), Assert.Single(again.CertResponses()).Certificate!.GetDer());
        Assert.Equal(2, _upstream.Received.Count);
        Assert.Equal(_upstream.Received[0], _upstream.Received[1]); // the same bytes upstream
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["forwarded"], status.RecentDecisions.Select(d => d.Verdict));
    }

    [Fact] // RFC 9483 §5.2.3: the upstream's answer never reached the registrar before its stop
    public async Task A_request_still_upstream_at_a_restart_is_forwarded_again_with_the_same_bytes_and_decided_once()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret(Requester.Value), RemainingOrDefault);
        var ir = Ir(secret);
        _upstream.HoldNext(); // the upstream takes the request and answers only after the registrar is gone
        registrar.Tell(new CmpRequest(ir.Der, $"entity:{Requester.Value}"));
        await _upstream.FirstArrived.Task.WaitAsync(RemainingOrDefault);
        KillAtOnce(registrar);
        await Idle(); // the answer it waited for is counted done at its stop

        var revived = StartRegistrar();
        await Idle();
        var answer = await SendAsync(revived, new CmpRequest(ir.Der, $"entity:{Requester.Value}") { FirstSentAt = T0 });
        _upstream.Release();

        Assert.Equal(CmpBodyType.Ip, answer.BodyType);
        Assert.True(answer.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        Assert.Equal(2, _upstream.Received.Count);
        Assert.Equal(_upstream.Received[0], _upstream.Received[1]);
        await Idle();
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["forwarded"], status.RecentDecisions.Select(d => d.Verdict));
    }

    [Fact] // RFC 9483 §4.1.1 (no implicit confirmation), §3.5: the RA died with the client's certConf upstream; the client sends it again
    public async Task A_certConf_still_upstream_at_a_restart_is_forwarded_again_when_the_client_repeats_it_and_answered_with_pkiConf()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret(Requester.Value), RemainingOrDefault);
        var ir = Ir(secret, implicitConfirm: false);
        var ip = await SendAsync(registrar, new CmpRequest(ir.Der, "outside"));
        Assert.Equal(CmpBodyType.Ip, ip.BodyType);
        Assert.False(ip.Header.ImplicitConfirm); // the upstream awaits the certConf
        var certConf = CertConf(secret, ip);
        _upstream.HoldNext(); // the upstream takes the certConf and answers only after the registrar is gone
        registrar.Tell(new CmpRequest(certConf.Der, "outside"));
        await _upstream.CertConfArrived.Task.WaitAsync(RemainingOrDefault);
        KillAtOnce(registrar);
        await Idle();

        var revived = StartRegistrar();
        await Idle();
        var answer = await SendAsync(revived, new CmpRequest(certConf.Der, "outside")); // the client's retransmission: the very same bytes
        _upstream.Release();

        Assert.Equal(CmpBodyType.PkiConf, answer.BodyType);
        Assert.True(answer.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        Assert.Equal(ip.Header.TransactionId, answer.Header.TransactionId);
        var upstreamCertConfs = _upstream.Received.Select(d => CmpMessage.Decode(d)).Where(m => m.BodyType == CmpBodyType.CertConf).ToList();
        Assert.Equal(2, upstreamCertConfs.Count); // sent again upstream, in the same transaction
        Assert.All(upstreamCertConfs, m => Assert.Equal(ip.Header.TransactionId, m.Header.TransactionId));
        Assert.True(_upstream.Confirmed.ContainsKey(ip.Header.TransactionHex)); // not left open at the upstream
        await Idle();
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["forwarded", "forwarded"], status.RecentDecisions.Select(d => d.Verdict)); // the ip, then the certConf, once each
    }

    [Fact] // RFC 9483 §4.1.1, §3.5: the upstream's pkiConf was relayed and journaled, but the client never heard it
    public async Task A_certConf_repeated_after_its_pkiConf_was_relayed_before_a_restart_is_forwarded_again_and_answered_with_pkiConf()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret(Requester.Value), RemainingOrDefault);
        var ip = await SendAsync(registrar, new CmpRequest(Ir(secret, implicitConfirm: false).Der, "outside"));
        var certConf = CertConf(secret, ip);
        Assert.Equal(CmpBodyType.PkiConf, (await SendAsync(registrar, new CmpRequest(certConf.Der, "outside"))).BodyType);

        var revived = await RestartAsync(registrar); // the pkiConf died with the process: the client sends its certConf again
        var again = await SendAsync(revived, new CmpRequest(certConf.Der, "outside"));

        Assert.Equal(CmpBodyType.PkiConf, again.BodyType); // before: error, "no certificate of transaction … awaits confirmation"
        Assert.True(again.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        Assert.Equal(ip.Header.TransactionId, again.Header.TransactionId);
        Assert.Equal(2, _upstream.Confirmed[ip.Header.TransactionHex]); // asked upstream again in the same transaction, answered as a repeat
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["forwarded", "forwarded"], status.RecentDecisions.Select(d => d.Verdict)); // nothing decided twice
    }

    [Fact] // RFC 9483 §4.1.1: only the requester's certConf, naming its certificate, is answered again
    public async Task A_certConf_for_another_certificate_after_the_pkiConf_was_relayed_is_refused_after_a_restart()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret(Requester.Value), RemainingOrDefault);
        var ip = await SendAsync(registrar, new CmpRequest(Ir(secret, implicitConfirm: false).Der, "outside"));
        Assert.Equal(CmpBodyType.PkiConf, (await SendAsync(registrar, new CmpRequest(CertConf(secret, ip).Der, "outside"))).BodyType);

        var revived = await RestartAsync(registrar);
        var other = await SendAsync(revived, new CmpRequest(CertConf(secret, ip, _upstreamRoot.Value).Der, "outside"));

        Assert.Equal(CmpBodyType.Error, other.BodyType);
        Assert.Equal(1, _upstream.Confirmed[ip.Header.TransactionHex]); // not sent upstream
    }

    // A certificate the client was never sent: a certConf naming it is not the client's confirmation.
    private readonly Lazy<Twin.Pki.Certificates.Certificate> _upstreamRoot = new(() => Twin.Pki.Authority.CertificateAuthority.CreateRoot("CN=Someone Else,O=PlantTrust",
        KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(9, "other")), T0.Utc, T0.Utc.AddYears(1), PkiRandom.SimulationOnlySeeded(9, "other-root")).Certificate);

    private CmpOutgoing CertConf(EnrollmentSecret secret, CmpMessage response, Twin.Pki.Certificates.Certificate? named = null)
    {
        var random = Entropy.For(Requester, "cmp", 1);
        var protector = CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), random, mac: CmpMacAlgorithm.HmacSha256);
        return CmpRequests.CertConf(new CmpSender("CN=sensor-001,O=PlantTrust", protector, T0.Utc, random), response, named ?? Assert.Single(response.CertResponses()).Certificate!);
    }

    private CmpOutgoing Ir(EnrollmentSecret secret, bool implicitConfirm = true)
    {
        var random = Entropy.For(Requester, "cmp", 0);
        var protector = CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), random, mac: CmpMacAlgorithm.HmacSha256);
        return CmpRequests.CertRequest(CmpBodyType.Ir, new CmpSender("CN=sensor-001,O=PlantTrust", protector, T0.Utc, random), null,
            KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, Entropy.For(Requester, "key", 0)), "CN=sensor-001,O=PlantTrust", [], implicitConfirm, []);
    }

    private async Task<CmpMessage> SendAsync(IActorRef registrar, CmpRequest request) =>
        CmpMessage.Decode((await registrar.Ask<CmpReply>(request, RemainingOrDefault)).Der);
}
