using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A CA signs on the thread pool, several requests at once, and still journals and answers in the order the requests came: a burst
/// gets the very certificates one-at-a-time issuance gives (seeded), and a CA stopped with signatures in flight leaves no work counted.
/// </summary>
public sealed class CaParallelSigningTests : PersistentTestKit
{
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly CaSettings Root = new("CN=Parallel Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650));
    private const int Burst = 48;

    private static readonly List<CertificationRequest> Requests = Enumerable.Range(0, Burst)
        .Select(i => CertificationRequest.Create($"CN=burst-{i:000}", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256))).ToList();

    public CaParallelSigningTests() : base("ca-parallel") { }

    [Fact]
    public async Task A_burst_is_journaled_in_arrival_order_with_the_certificates_one_at_a_time_issuance_gives()
    {
        // The same seed, the same CA entity, two runs: one gets its requests one after the other, the other all at once.
        var (oneByOne, work1, clock1) = Start(new RunId("seq"));
        await Idle(clock1);
        var sequential = new List<CertificateGranted>();
        foreach (var csr in Requests) sequential.Add(await Issue(oneByOne, csr));

        var (burst, work2, clock2) = Start(new RunId("par"));
        await Idle(clock2);
        var answers = Requests.Select(csr => Issue(burst, csr)).ToList(); // all in the CA's mailbox before the first is signed
        var parallel = await Task.WhenAll(answers);

        // Seeded, the randomness is named by each request: the same serials and signatures, whatever the order of signing.
        Assert.Equal(sequential.Select(g => Convert.ToHexString(g.CertificateDer)), parallel.Select(g => Convert.ToHexString(g.CertificateDer)));
        // The journal holds them in the order the requests arrived.
        var journaled = (await EventQuery.AllAsync(Sys, new RunId("par"))).OfType<CertificateIssued>().Select(e => Certificate.FromDer(e.CertificateDer).Subject).ToList();
        Assert.Equal(Requests.Select(r => r.Subject), journaled.Where(s => s.StartsWith("CN=burst-", StringComparison.Ordinal)));
        await Idle(clock2);
        Assert.Equal(0, work2.Outstanding);
        Assert.Equal(0, work1.Outstanding);

        // Oracle: openssl verifies every certificate of the burst against the CA's root.
        var dir = RepoPaths.NewScratch("ca-parallel-verify");
        var root = RepoPaths.WriteText(dir, "root.pem", Certificate.FromDer(parallel[0].IssuerCertificateDer).ToPem());
        var leaves = parallel.Select((g, i) => RepoPaths.WriteText(dir, $"leaf-{i:000}.pem", Certificate.FromDer(g.CertificateDer).ToPem())).ToList();
        var verify = await Peer.OpenSslAsync(["verify", "-attime", T0.Utc.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-CAfile", root, .. leaves]);
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Equal(Burst, verify.All.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_revocation_that_arrives_while_a_burst_is_signed_is_journaled_after_the_certificate_it_revokes()
    {
        // Seeded: a probe run tells which serial the burst's last request will get.
        var (probe, _, probeClock) = Start(new RunId("probe"));
        await Idle(probeClock);
        var expected = await Issue(probe, Requests[^1]);
        var serial = Certificate.FromDer(expected.CertificateDer).SerialNumber.Hex;

        var (ca, _, clock) = Start(new RunId("held"));
        await Idle(clock);
        var answers = Requests.Select(csr => Issue(ca, csr)).ToList();
        // Sent behind the burst: it waits for the signatures in flight, so the journal never revokes before it issues.
        Assert.IsType<RevocationDone>(await ca.Ask<object>(new RevokeCertificate(serial, Twin.Pki.Revocation.RevocationReason.KeyCompromise, "test"), TimeSpan.FromSeconds(60)));
        var burst = await Task.WhenAll(answers);
        Assert.Equal(expected.CertificateDer, burst[^1].CertificateDer);
        var events = (await EventQuery.AllAsync(Sys, new RunId("held"))).ToList();
        var issuedAt = events.FindIndex(e => e is CertificateIssued i && Certificate.FromDer(i.CertificateDer).SerialNumber.Hex == serial);
        var revokedAt = events.FindIndex(e => e is CertificateRevoked r && r.Serial == serial);
        Assert.True(issuedAt >= 0 && revokedAt > issuedAt, $"issued at event {issuedAt}, revoked at event {revokedAt}");
    }

    [Fact]
    public async Task A_CA_stopped_with_signatures_in_flight_leaves_no_work_counted()
    {
        var (ca, work, clock) = Start(new RunId("stop"));
        await Idle(clock);
        // Sent from nobody: a certificate signed and journaled before the stop answers no one, so only Terminated comes to the test actor.
        foreach (var csr in Requests) ca.Tell(new IssueFromCsr(new EntityId("device"), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), ActorRefs.Nobody);
        // Stop the CA while signatures are on the pool (the count shows them), as a crash would.
        Assert.True(SpinWait.SpinUntil(() => work.OutstandingByLabel.GetValueOrDefault("ca-sign") > 0, TimeSpan.FromSeconds(30)), "no signature was ever in flight");
        Watch(ca);
        Sys.Stop(ca);
        ExpectTerminated(ca, TimeSpan.FromMinutes(2));
        // Would wait for ever if the stopped CA's signatures stayed counted.
        var idle = Idle(clock);
        await Task.WhenAny(idle, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(idle.IsCompletedSuccessfully, "still counted: " + string.Join(", ", work.OutstandingByLabel.Where(p => p.Value != 0).Select(p => $"{p.Key}={p.Value}")));
        Assert.Equal(0, work.OutstandingByLabel.GetValueOrDefault("ca-sign"));
    }

    private (IActorRef Ca, SimulationWork Work, IActorRef Clock) Start(RunId run)
    {
        var clock = new SimulationClock(T0, ClockMode.Max);
        var work = new SimulationWork();
        var clockActor = Sys.ActorOf(ClockActor.Props(run, clock, work, startRunning: true));
        clockActor.Tell(new RunUntil(T0));
        work.BeginStart(CaId.Value);
        var ca = Sys.ActorOf(CaActor.Props(run, CaId, Root, clock, new FileKeyVault(Path.Combine(Folder, "keys-" + run.Value)), work, clockActor,
            Entropy.SimulationOnlySeeded(new RunId("same"), 42), distribution: new PlantRuntime().Distribution));
        return (ca, work, clockActor);
    }

    private static async Task<CertificateGranted> Issue(IActorRef ca, CertificationRequest csr) =>
        Assert.IsType<CertificateGranted>(await ca.Ask<object>(new IssueFromCsr(new EntityId("device"), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), TimeSpan.FromSeconds(60)));

    private static Task<ClockIdle> Idle(IActorRef clock) => clock.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(60));
}
