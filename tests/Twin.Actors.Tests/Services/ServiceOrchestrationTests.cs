using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Encoding;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Tests.Services;

/// <summary>
/// The POL orchestrates a PEA's MTP services over real secure OPC UA sessions in max mode: it subscribes to every service's state,
/// starts a service ten minutes after connecting and completes it an hour later; the PEA moves through the VDI/VDE/NAMUR 2658-4 states,
/// the transient ones ending after the PEA's step time on the simulated clock, and the POL journals each state it saw.
/// </summary>
public sealed class ServiceOrchestrationTests
{
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");

    internal static PlantSpec Plant(string run, TimeSpan until, IReadOnlyList<TimelineStep>? timeline = null, TimeSpan? peaLifetime = null)
    {
        var root = new EntityId("ca-root");
        var issuing = new EntityId("ca-issuing");
        var pea = new EntityId("pea-01");
        return new PlantSpec(new RunId(run), Start, 1, StartRunning: true,
            [
                (root, new CaSettings("CN=Root,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650))),
                (issuing, new CaSettings("CN=Issuing,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1825)) { Parent = root }),
            ],
            [
                (pea, new DeviceSettings(issuing, "CN=pea-01,O=Operator", KeyAlgorithm.Rsa2048, peaLifetime ?? TimeSpan.FromDays(90))
                {
                    OpcUaApplicationUri = $"urn:planttrust:{run}:pea-01",
                    ServesOpcUa = true,
                }),
                (new EntityId("pol"), new DeviceSettings(issuing, "CN=pol,O=Operator", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(90))
                {
                    OpcUaApplicationUri = $"urn:planttrust:{run}:pol",
                    ProbeTargets = [pea],
                    OrchestrationTargets = [pea],
                    ProbeInterval = TimeSpan.FromHours(6),
                }),
            ])
        {
            Mode = ClockMode.Max,
            Seed = 11,
            Until = Start.Add(until),
            Timeline = timeline ?? [],
        };
    }

    [Fact]
    public async Task The_POL_subscribes_and_sees_a_service_go_from_Idle_through_Execute_to_Completed()
    {
        var outcome = await PlantRun.ToEndAsync(Plant("mtp-services", TimeSpan.FromHours(20)), "mtp-services");

        var sessions = outcome.Journal.OfType<PolServiceSessionOpened>().ToList();
        var first = sessions[0];
        Assert.Equal(0u, first.StatusCode);
        Assert.Equal("first connection", first.Reason);
        Assert.Equal(["Dose", "Mix", "Temper"], first.Services);

        // The PEA's own journal: the commands the POL called and the transient states ending one step time (1 min) later.
        var changes = outcome.Journal.OfType<PeaServiceStateChanged>().Where(c => c.Service == "Dose").OrderBy(c => c.At).ToList();
        Assert.Equal(
            ["Idle→Starting by Start", "Starting→Execute by ", "Execute→Completing by Complete", "Completing→Completed by "],
            changes.Select(c => $"{c.From}→{c.To} by {c.Command}"));
        Assert.Equal(first.At.Add(TimeSpan.FromMinutes(10)), changes[0].At);
        Assert.Equal(TimeSpan.FromMinutes(1), changes[1].At - changes[0].At);
        Assert.Equal(changes[0].At.Add(TimeSpan.FromHours(1)), changes[2].At);
        Assert.Equal(TimeSpan.FromMinutes(1), changes[3].At - changes[2].At);

        // What the POL saw through its subscription, stamped with the PEA's simulated instants.
        var seen = outcome.Journal.OfType<PolServiceObserved>().Where(o => o.Service == "Dose").OrderBy(o => o.At).ToList();
        Assert.Equal(["Idle", "Starting", "Execute", "Completing", "Completed"], seen.Select(o => o.State));
        Assert.Equal(changes.Select(c => c.At), seen.Skip(1).Select(o => o.At));
        Assert.Contains(outcome.Journal.OfType<PolServiceObserved>(), o => o.Service == "Mix" && o.State == "Idle");

        var calls = outcome.Journal.OfType<PolServiceCalled>().ToList();
        Assert.Equal(["Start Good", "Complete Good"], calls.Select(c => $"{c.Command} {c.Status}"));
        Assert.Contains(outcome.Events, e => e.Entity.Value == "pol" && e.Summary.Contains("called Complete on service Dose of pea-01: Good", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_trust_list_changes_the_POL_drops_its_session_and_is_refused_a_new_one_for_a_revoked_PEA()
    {
        var revokeAt = TimeSpan.FromHours(8);
        var outcome = await PlantRun.ToEndAsync(
            Plant("mtp-revoked", TimeSpan.FromHours(14), [new TimelineStep(revokeAt, TimelineAction.Revoke, new EntityId("pea-01")) { Reason = RevocationReason.KeyCompromise }]),
            "mtp-revoked");

        var sessions = outcome.Journal.OfType<PolServiceSessionOpened>().OrderBy(s => s.At).ToList();
        Assert.Equal(2, sessions.Count);
        Assert.Equal((0u, "first connection"), (sessions[0].StatusCode, sessions[0].Reason));
        // The first probe after the revocation (12:00): the new CRL is a new trust list, the held session is dropped and a new one refused.
        var second = sessions[1];
        Assert.Equal(Start.Add(TimeSpan.FromHours(12)), second.At);
        Assert.Equal(StatusCodes.BadCertificateRevoked, second.StatusCode);
        Assert.StartsWith("the trust list changed", second.Reason, StringComparison.Ordinal);
        Assert.Empty(second.Services);
    }

    [Fact]
    public async Task When_the_PEA_renews_its_certificate_the_POL_opens_a_new_session_and_subscribes_again()
    {
        // 8-hour certificates: the PEA renews at 6 h and restarts its server with the new certificate on a new port.
        var outcome = await PlantRun.ToEndAsync(Plant("mtp-renewed", TimeSpan.FromHours(7), peaLifetime: TimeSpan.FromHours(8)), "mtp-renewed");

        var sessions = outcome.Journal.OfType<PolServiceSessionOpened>().OrderBy(s => s.At).ToList();
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.Equal(0u, s.StatusCode));
        Assert.Equal(Start.Add(TimeSpan.FromHours(6)), sessions[1].At);
        Assert.Contains("new endpoint", sessions[1].Reason, StringComparison.Ordinal);
        Assert.Equal(["Dose", "Mix", "Temper"], sessions[1].Services);
        // Re-subscribing shows the states the POL already saw: nothing new is journaled for them.
        Assert.Equal(5, outcome.Journal.OfType<PolServiceObserved>().Count(o => o.Service == "Dose"));
    }
}
