using System.Text;
using Akka.Actor;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Plant;
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
public sealed class UpstreamResendTests() : RaWithUpstreamTestKit("upstream-resend", new RunId("upstream-resend"), "upstream", UpstreamName, "upstream-shared-secret")
{
    private const string UpstreamName = "CN=Resend Upstream CA,O=PlantTrust";
    private static readonly EntityId Requester = new("sensor-001");

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
        Assert.Equal(2, Upstream.Received.Count);
        Assert.Equal(Upstream.Received[0], Upstream.Received[1]); // the same bytes upstream
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
        Upstream.HoldNext(); // the upstream takes the request and answers only after the registrar is gone
        registrar.Tell(new CmpRequest(ir.Der, $"entity:{Requester.Value}"));
        await Upstream.FirstArrived.Task.WaitAsync(RemainingOrDefault);
        KillAtOnce(registrar);
        await Idle(); // the answer it waited for is counted done at its stop

        var revived = StartRegistrar();
        await Idle();
        var answer = await SendAsync(revived, new CmpRequest(ir.Der, $"entity:{Requester.Value}") { FirstSentAt = T0 });
        Upstream.Release();

        Assert.Equal(CmpBodyType.Ip, answer.BodyType);
        Assert.True(answer.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        Assert.Equal(2, Upstream.Received.Count);
        Assert.Equal(Upstream.Received[0], Upstream.Received[1]);
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
        Upstream.HoldNext(); // the upstream takes the certConf and answers only after the registrar is gone
        registrar.Tell(new CmpRequest(certConf.Der, "outside"));
        await Upstream.CertConfArrived.Task.WaitAsync(RemainingOrDefault);
        KillAtOnce(registrar);
        await Idle();

        var revived = StartRegistrar();
        await Idle();
        var answer = await SendAsync(revived, new CmpRequest(certConf.Der, "outside")); // the client's retransmission: the very same bytes
        Upstream.Release();

        Assert.Equal(CmpBodyType.PkiConf, answer.BodyType);
        Assert.True(answer.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        Assert.Equal(ip.Header.TransactionId, answer.Header.TransactionId);
        var upstreamCertConfs = Upstream.Received.Select(d => CmpMessage.Decode(d)).Where(m => m.BodyType == CmpBodyType.CertConf).ToList();
        Assert.Equal(2, upstreamCertConfs.Count); // sent again upstream, in the same transaction
        Assert.All(upstreamCertConfs, m => Assert.Equal(ip.Header.TransactionId, m.Header.TransactionId));
        Assert.True(Upstream.Confirmed.ContainsKey(ip.Header.TransactionHex)); // not left open at the upstream
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
        Assert.Equal(2, Upstream.Confirmed[ip.Header.TransactionHex]); // asked upstream again in the same transaction, answered as a repeat
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
        Assert.Equal(1, Upstream.Confirmed[ip.Header.TransactionHex]); // not sent upstream
    }

    [Fact] // RFC 9483 §3.6.4: the run ended while an outside client's ir was upstream and the registrar down — an error message, not silence
    public async Task A_request_left_for_the_registrars_next_start_is_refused_with_systemUnavail_when_the_run_ends_first()
    {
        Runtime.Handovers = new RestartHandovers(); // as the plant supervisor sets it
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret(Requester.Value), RemainingOrDefault);
        var ir = Ir(secret);
        var client = CreateTestProbe();
        Upstream.HoldNext();
        registrar.Tell(new CmpRequest(ir.Der, "outside"), client.Ref);
        await Upstream.FirstArrived.Task.WaitAsync(RemainingOrDefault);
        KillAtOnce(registrar); // stopped alone: the exchange is left for its next start

        var refused = Assert.Single(Runtime.Handovers.End()); // the run ends before that start

        Assert.Equal((RegistrarId, 1), (refused.Entity, refused.Waiting));
        var answer = CmpMessage.Decode(client.ExpectMsg<CmpReply>().Der); // before: nothing, until the client's own time-out
        Assert.Equal(CmpBodyType.Error, answer.BodyType);
        Assert.Equal(CmpFailure.SystemUnavail, Assert.Single(answer.ErrorStatus().Failures));
        Assert.Contains("run ended", answer.ErrorStatus().Text, StringComparison.Ordinal);
        Assert.True(answer.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret))); // protected as the request was
        Assert.Equal(Convert.ToHexString(ir.TransactionId), Convert.ToHexString(answer.Header.TransactionId!));
        await Idle(); // the work counted for the exchange ended with the refusal
        Upstream.Release();
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
