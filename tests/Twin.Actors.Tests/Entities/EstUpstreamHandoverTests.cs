using Akka.Actor;
using Akka.TestKit;
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
/// EST in, CMP out (RFC 7030 to RFC 9483 §5.2) across a stop of an RA-mode registrar. Stopped alone (a crash) while the p10cr it sent
/// upstream for an EST client is unanswered, and started again by its supervisor in the same process, the new start takes the
/// exchange over and relays the upstream's certificate to the client: one request upstream, one decision. When the run ends instead,
/// the client is refused at once. A restarted registrar sends its next EST exchange upstream with the random bytes an uninterrupted
/// one would.
/// </summary>
public sealed class EstUpstreamHandoverTests : RaWithUpstreamTestKit
{
    private const string UpstreamName = "CN=Est Upstream CA,O=PlantTrust";
    private static readonly DateTimeOffset Made = DateTimeOffset.Parse("2029-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly CertificateAuthority Maker = CertificateAuthority.CreateRoot("CN=Pump Maker IDevID CA,O=PlantTrust",
        KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(11, "maker-key")), Made, Made.AddYears(20), PkiRandom.SimulationOnlySeeded(11, "maker-root"));

    public EstUpstreamHandoverTests() : base("est-upstream-handover", new RunId("est-handover"), "remote", UpstreamName, "est-upstream-secret",
        ra => ra with { AllowList = [new AllowListEntry(Maker.Certificate.GetDer())] }) =>
        Runtime.Handovers = new RestartHandovers(); // as the plant supervisor sets it

    [Fact] // RFC 9483 §5.2.3 (RA forwarding): the upstream's answer reaches the EST client through the registrar's next start
    public async Task An_EST_request_upstream_when_the_registrar_stops_alone_is_answered_by_its_next_start_and_decided_once()
    {
        var (registrar, client, csr) = await HeldUpstreamAsync();
        KillAtOnce(registrar); // stopped alone, as a persist failure stops it
        var revived = StartRegistrar();
        Upstream.Release();

        // Before, the answer went to the stopped start and the client heard nothing.
        var decision = client.ExpectMsg<EstDecision>(TimeSpan.FromSeconds(60));
        Assert.True(decision.Granted, decision.Reason);
        var issued = Certificate.FromDer(decision.CertificateDer!);
        Assert.Equal(UpstreamName, issued.Issuer);
        Assert.Equal(csr.PublicKey, issued.PublicKey);
        await Idle(); // nothing left counted
        var sent = CmpMessage.Decode(Assert.Single(Upstream.Received)); // taken over, not asked for again
        Assert.Equal(CmpBodyType.P10cr, sent.BodyType);
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        var only = Assert.Single(status.RecentDecisions);
        Assert.Equal(("est:simpleenroll", "forwarded"), (only.What, only.Verdict));
        Assert.Contains(issued.SerialNumber.Hex, only.Reason, StringComparison.Ordinal);
    }

    [Fact] // the upstream's answer never comes back: the run ended before the registrar's next start
    public async Task An_EST_request_left_for_the_registrars_next_start_is_refused_when_the_run_ends_first()
    {
        var (registrar, client, _) = await HeldUpstreamAsync();
        KillAtOnce(registrar); // stopped alone: the exchange is left for its next start

        var refused = Assert.Single(Runtime.Handovers!.End()); // the run ends before that start, as the plant supervisor ends it

        Assert.Equal((RegistrarId, 1), (refused.Entity, refused.Waiting));
        var decision = client.ExpectMsg<EstDecision>(); // before: nothing, until the client's own time-out
        Assert.Equal(503, decision.Status);
        Assert.Contains("run ended", decision.Reason, StringComparison.Ordinal);
        Assert.Contains(RegistrarId.Value, decision.Reason, StringComparison.Ordinal);
        Assert.Null(Runtime.Handovers.Take<object>(RegistrarId)); // nothing stays behind
        await Idle(); // the work counted for the exchange ended with the refusal
        Upstream.Release();
    }

    [Fact] // a registrar that stops after the run's end has no next start to leave its exchanges to
    public async Task An_RA_stopping_after_the_run_ended_refuses_its_EST_client_at_once_and_leaves_nothing()
    {
        var (registrar, client, _) = await HeldUpstreamAsync();

        Assert.Empty(Runtime.Handovers!.End()); // the run ends: nothing was left yet
        KillAtOnce(registrar); // then its entities stop

        var decision = client.ExpectMsg<EstDecision>();
        Assert.Equal(503, decision.Status);
        Assert.Contains("run ended", decision.Reason, StringComparison.Ordinal);
        Assert.Null(Runtime.Handovers.Take<object>(RegistrarId));
        await Idle();
        Upstream.Release();
    }

    [Fact] // Entropy: an exchange's draws are named by what the journal holds, not by how often the registrar started
    public async Task A_restarted_RA_sends_its_next_EST_exchange_upstream_with_the_random_bytes_of_an_uninterrupted_one()
    {
        var (idevid, first) = Client("pump-001");
        var (_, next) = Client("pump-002", "pump-2");
        var whole = StartRegistrar(new RunId("est-handover-whole")); // uninterrupted: another journal, the same seeded draws
        await Idle();
        await EnrollAsync(whole, idevid, first);
        await EnrollAsync(whole, idevid, next);
        var uninterrupted = CmpMessage.Decode(Upstream.Received[^1]);

        var registrar = StartRegistrar();
        await Idle();
        await EnrollAsync(registrar, idevid, first);
        var revived = await RestartAsync(registrar);
        await EnrollAsync(revived, idevid, next);
        var resumed = CmpMessage.Decode(Upstream.Received[^1]);

        Assert.Equal(4, Upstream.Received.Count);
        // Before, the count began again at 1 after the restart: the next exchange drew as the first one of a run.
        Assert.Equal(Convert.ToHexString(uninterrupted.Header.TransactionId!), Convert.ToHexString(resumed.Header.TransactionId!));
        Assert.Equal(Convert.ToHexString(uninterrupted.Header.SenderNonce!), Convert.ToHexString(resumed.Header.SenderNonce!));
    }

    // A registrar started, and an EST client's request it sent upstream as a p10cr: the upstream took it and holds its answer back
    // until Release.
    private async Task<(IActorRef Registrar, TestProbe Client, CertificationRequest Csr)> HeldUpstreamAsync()
    {
        var registrar = StartRegistrar();
        await Idle();
        var (idevid, csr) = Client("pump-001");
        var client = CreateTestProbe();
        Upstream.HoldNext();
        registrar.Tell(new EstEnrollRequest("simpleenroll", csr.GetDer(), idevid.GetDer(), "https"), client.Ref);
        await Upstream.FirstArrived.Task.WaitAsync(RemainingOrDefault);
        return (registrar, client, csr);
    }

    private async Task EnrollAsync(IActorRef registrar, Certificate idevid, CertificationRequest csr)
    {
        var decision = await registrar.Ask<EstDecision>(new EstEnrollRequest("simpleenroll", csr.GetDer(), idevid.GetDer(), "https"), RemainingOrDefault);
        Assert.True(decision.Granted, decision.Reason);
    }

    // An EST client: an IDevID of the allow-listed maker (the TLS client certificate) and a PKCS#10 for subject CN=<name>, keys seeded by <seed>.
    private static (Certificate IDevId, CertificationRequest Csr) Client(string name, string seed = "pump")
    {
        var idevidKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(11, $"{seed}-idevid"));
        var idevid = Maker.Issue(new IssuanceRequest("CN=Pump,O=PlantTrust,serialNumber=P-0001", idevidKey.PublicKey, CertificateProfile.IDevId, Made, Made.AddYears(15)));
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256, PkiRandom.SimulationOnlySeeded(11, $"{seed}-ldevid"));
        return (idevid, CertificationRequest.Create($"CN={name},O=PlantTrust", key));
    }
}
