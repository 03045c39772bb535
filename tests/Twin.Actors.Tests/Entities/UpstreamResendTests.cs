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
/// upstream's answer and decides it once; max mode never waits for the answer the dead registrar was waiting for.
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

    private CmpOutgoing Ir(EnrollmentSecret secret)
    {
        var random = Entropy.For(Requester, "cmp", 0);
        var protector = CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), random, mac: CmpMacAlgorithm.HmacSha256);
        return CmpRequests.CertRequest(CmpBodyType.Ir, new CmpSender("CN=sensor-001,O=PlantTrust", protector, T0.Utc, random), null,
            KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, Entropy.For(Requester, "key", 0)), "CN=sensor-001,O=PlantTrust", [], implicitConfirm: true, []);
    }

    private async Task<CmpMessage> SendAsync(IActorRef registrar, CmpRequest request) =>
        CmpMessage.Decode((await registrar.Ask<CmpReply>(request, RemainingOrDefault)).Der);
}
