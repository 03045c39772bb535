using Akka.Actor;
using Akka.Configuration;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Persistence;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Scenarios;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>A scenario's timeline plays on the clock: a CA cut off lets its CRL lapse, comes back, and a compromised device is revoked.</summary>
public sealed class TimelineTests
{
    [Fact]
    public async Task An_unreachable_CA_lets_its_CRL_lapse_at_nextUpdate_and_publishes_when_back()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "ca-unreachable.yaml"));
        var spec = scenario.ToPlant();
        var (snapshot, events) = await RunAsync(spec);

        string At(int days) => spec.Start.Add(TimeSpan.FromDays(days)).ToString();
        var issuing = events.Where(e => e.Entity.Value == "ca-issuing").ToList();
        Assert.Contains(issuing, e => e.Kind == "ca.reachability" && e.At.ToString() == At(3) && e.Summary.StartsWith("unreachable", StringComparison.Ordinal));
        // Day 3's CRL (nextUpdate day 5) is the last before the cut: it lapses on day 5, and nothing is published in between.
        var lapse = Assert.Single(issuing, e => e.Kind == "ca.crl-lapsed");
        Assert.Equal(At(5), lapse.At.ToString());
        Assert.DoesNotContain(issuing, e => e.Kind == "ca.crl-published" && e.At > SimInstantOf(At(3)) && e.At < SimInstantOf(At(8)));
        Assert.Contains(issuing, e => e.Kind == "ca.crl-published" && e.At.ToString() == At(8));

        var pump = snapshot.Entities["pump-002"].Current!;
        Assert.Equal(CertificateStatus.Revoked, pump.StatusAt(spec.Until!.Value));
        Assert.Equal(RevocationReason.KeyCompromise, pump.Revocation!.Value.Reason);
        Assert.Equal(CertificateStatus.Valid, snapshot.Entities["pump-001"].Current!.StatusAt(spec.Until!.Value));
        var crl = CertificateRevocationList.FromDer(snapshot.Entities["ca-issuing"].Crl!.Der.AsSpan());
        Assert.NotNull(crl.Find(Twin.Pki.Certificates.SerialNumber.Parse(pump.SerialHex)));
    }

    private static SimInstant SimInstantOf(string text) => SimInstant.Parse(text);

    private static async Task<(PlantSnapshot Snapshot, IReadOnlyList<EventView> Events)> RunAsync(PlantSpec spec)
    {
        var folder = RepoPaths.NewScratch("timeline");
        var db = Path.Combine(folder, "journal.db");
        TwinPersistence.PrepareSqliteFile(db);
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING")
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SerializationHocon))
            .WithFallback(ConfigurationFactory.ParseString(TwinPersistence.SqliteHocon(db)));
        using var system = ActorSystem.Create("timeline", config);
        try
        {
            var plant = system.ActorOf(PlantSupervisor.Props(spec, new SimulationClock(spec.Start, spec.Mode, spec.Speed), new FileKeyVault(Path.Combine(folder, "keys")), new SimulationWork()));
            await plant.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromMinutes(2));
            return (await PlantReplay.CurrentAsync(system, spec.Run), await EventQuery.AfterAsync(system, spec.Run, 0, 10_000));
        }
        finally
        {
            await system.Terminate();
        }
    }
}
