using Akka.Actor;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// EST in, CMP out (RFC 7030 to RFC 9483 §5.2): an RA-mode registrar stopped alone (a crash) while the p10cr it sent upstream for an
/// EST client is unanswered, and started again by its supervisor in the same process. The new start takes the exchange over and
/// relays the upstream's certificate to the client: one request upstream, one decision.
/// </summary>
public sealed class EstUpstreamHandoverTests : RegistrarWithCaTestKit
{
    private const string UpstreamSecret = "est-upstream-secret";
    private const string UpstreamName = "CN=Est Upstream CA,O=PlantTrust";
    private static readonly EntityId CaId = new("ca-domain");
    private static readonly DateTimeOffset Made = DateTimeOffset.Parse("2029-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly CertificateAuthority Maker = CertificateAuthority.CreateRoot("CN=Pump Maker IDevID CA,O=PlantTrust",
        KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(11, "maker-key")), Made, Made.AddYears(20), PkiRandom.SimulationOnlySeeded(11, "maker-root"));
    private static readonly RegistrarSettings Ra = new("remote", CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ra)
    {
        Upstream = new UpstreamCa(new Uri("http://127.0.0.1:9/cmp"), UpstreamName, "4711", UpstreamSecret),
        AllowList = [new AllowListEntry(Maker.Certificate.GetDer())],
    };

    private readonly FakeUpstreamCa _upstream = new(UpstreamName, UpstreamSecret);

    public EstUpstreamHandoverTests() : base("est-upstream-handover", new RunId("est-handover"), CaId,
        new CaSettings("CN=Domain Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Ra, TimeSpan.FromSeconds(60), seed: 4711) =>
        Runtime.Handovers = new RestartHandovers(); // as the plant supervisor sets it

    protected override ICmpTransport? Transport => _upstream;

    [Fact] // RFC 9483 §5.2.3 (RA forwarding): the upstream's answer reaches the EST client through the registrar's next start
    public async Task An_EST_request_upstream_when_the_registrar_stops_alone_is_answered_by_its_next_start_and_decided_once()
    {
        var registrar = StartRegistrar();
        await Idle();
        var idevidKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(11, "pump-idevid"));
        var idevid = Maker.Issue(new IssuanceRequest("CN=Pump,O=PlantTrust,serialNumber=P-0001", idevidKey.PublicKey, CertificateProfile.IDevId, Made, Made.AddYears(15)));
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(11, "pump-ldevid"));
        var csr = CertificationRequest.Create("CN=pump-001,O=PlantTrust", key);
        var client = CreateTestProbe();

        _upstream.HoldNext(); // the upstream takes the p10cr and answers only after the registrar is gone
        registrar.Tell(new EstEnrollRequest("simpleenroll", csr.GetDer(), idevid.GetDer(), "https"), client.Ref);
        await _upstream.FirstArrived.Task.WaitAsync(RemainingOrDefault);
        KillAtOnce(registrar); // stopped alone, as a persist failure stops it
        var revived = StartRegistrar();
        _upstream.Release();

        // Before, the answer went to the stopped start and the client heard nothing.
        var decision = client.ExpectMsg<EstDecision>(TimeSpan.FromSeconds(60));
        Assert.True(decision.Granted, decision.Reason);
        var issued = Certificate.FromDer(decision.CertificateDer!);
        Assert.Equal(UpstreamName, issued.Issuer);
        Assert.Equal(csr.PublicKey, issued.PublicKey);
        await Idle(); // nothing left counted
        var sent = CmpMessage.Decode(Assert.Single(_upstream.Received)); // taken over, not asked for again
        Assert.Equal(CmpBodyType.P10cr, sent.BodyType);
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        var only = Assert.Single(status.RecentDecisions);
        Assert.Equal(("est:simpleenroll", "forwarded"), (only.What, only.Verdict));
        Assert.Contains(issued.SerialNumber.Hex, only.Reason, StringComparison.Ordinal);
    }
}
