using System.Text;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Persistence;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Protocol.Queries;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A gateway killed while its request into a further domain was open: its journal holds the ir (MAC with that domain's one-time
/// secret), the registrar either decided it already or never saw it. Started again, the gateway sends the same PKIMessage at its
/// instant as a retransmission, recalling the secret by its reference; the registrar answers it without a second decision and the
/// gateway installs the certificate — no new request, no new secret, no refusal of a reused transactionID.
/// </summary>
public sealed class GatewayResendTests() : RegistrarWithCaTestKit("gateway-resend", new RunId("gateway-resend"), CaId,
    new CaSettings("CN=Line B Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), new RegistrarSettings(Domain, CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ca),
    TimeSpan.FromSeconds(60), seed: 5)
{
    private const string Domain = "line-b";
    private static readonly EntityId CaId = new("ca-line-b");
    private static readonly EntityId GatewayId = new("gateway-001");
    private static readonly EntityId FirstCaId = new("ca-line-a");
    // Its first credential comes from another CA (per-domain CAs, as in a plant): line B's CA remembers only the gateway's request there.
    private static readonly DeviceSettings Gateway = new(FirstCaId, "CN=gateway-001,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30)) { GatewayDomains = [Domain] };

    [Theory] // RFC 9483 §4.1.1 ir with a one-time secret; §3.5: the same transactionID, sent again, is a retransmission, not a reuse
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_gateway_restarted_with_a_further_domain_request_open_sends_it_again_and_installs_the_answer(bool decidedBeforeKill)
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret(GatewayId.Value), RemainingOrDefault);
        var (keyRef, key) = Vault.Generate(Run, GatewayId, KeyStoreKind.Software, KeyAlgorithm.EcdsaP256, Entropy.For(GatewayId, "key:" + Domain, 0));
        var random = Entropy.For(GatewayId, "cmp:" + Domain, 0);
        var protector = CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), random, mac: CmpMacAlgorithm.HmacSha256);
        var ir = CmpRequests.CertRequest(CmpBodyType.Ir, new CmpSender(Gateway.Subject, protector, T0.Utc, random), null, key, Gateway.Subject, [], implicitConfirm: true, []);
        Certificate? grantedBefore = null;
        if (decidedBeforeKill)
        {
            // The registrar granted it; the answer died with the process.
            var answer = CmpMessage.Decode((await registrar.Ask<CmpReply>(new CmpRequest(ir.Der, $"entity:{GatewayId.Value}"), RemainingOrDefault)).Der);
            grantedBefore = Assert.Single(answer.CertResponses()).Certificate;
        }
        await Idle();
        registrar = await RestartAsync(registrar); // the whole process died
        Runtime.Registrars[Domain] = registrar;
        Sys.ActorOf(Props.Create(() => new JournalWriter(EntityKinds.PersistenceId(EntityKinds.Device, Run, GatewayId),
            new List<object> { new GatewayDomainRequested(Run, T0, GatewayId, Domain, keyRef, key.PublicKey.SubjectPublicKeyInfo, "ir", ir.Der) }, TestActor)));
        ExpectMsg<JournalWriter.Written>();

        Work.BeginStart(FirstCaId.Value);
        var firstCa = Sys.ActorOf(CaActor.Props(Run, FirstCaId, new CaSettings("CN=Line A Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Clock, Vault, Work, ClockActor, Entropy));
        await Idle();
        Work.BeginStart(GatewayId.Value);
        Sys.ActorOf(DeviceActor.Props(Run, GatewayId, Gateway, Clock, ClockActor, firstCa, Vault, Work, Entropy, Runtime));
        ClockActor.Tell(new RunUntil(T0.Add(TimeSpan.FromHours(3)))); // past the retry the open request left due
        await Idle();

        var journal = await JournalOf(EntityKinds.PersistenceId(EntityKinds.Device, Run, GatewayId));
        var requested = Assert.Single(journal.OfType<GatewayDomainRequested>()); // sent again, never asked anew
        Assert.Equal(ir.Der, requested.MessageDer);
        Assert.DoesNotContain(journal, e => e is GatewayDomainRefused);
        var installed = Assert.Single(journal.OfType<GatewayCredentialInstalled>());
        var certificate = Certificate.FromDer(installed.CertificateDer);
        Assert.Equal(T0, installed.At);
        Assert.Equal(keyRef, installed.KeyRef);
        Assert.True(certificate.PublicKey.Equals(key.PublicKey));
        if (grantedBefore is not null) Assert.Equal(grantedBefore.GetDer(), certificate.GetDer()); // the CA repeated what it issued
        var status = await registrar.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted"], status.RecentDecisions.Select(d => d.Verdict)); // one decision: no second grant, no transactionIdInUse
        var secrets = (await JournalOf(EntityKinds.PersistenceId(EntityKinds.Registrar, Run, RegistrarId))).OfType<EnrollmentSecretIssued>();
        Assert.Single(secrets); // the secret was recalled, not asked for anew
    }

    private async Task<IReadOnlyList<object>> JournalOf(string persistenceId)
    {
        var events = await TwinJournal.Read(Sys).CurrentEventsByPersistenceId(persistenceId, 0, long.MaxValue)
            .RunWith(Sink.Seq<EventEnvelope>(), Sys.Materializer());
        return [.. events.Select(e => e.Event)];
    }
}
