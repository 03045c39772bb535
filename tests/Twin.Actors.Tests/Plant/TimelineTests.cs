using Twin.Actors.Clock;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Pki.Revocation;
using Twin.Actors.Tests.Support;
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
        var outcome = await PlantRun.ToEndAsync(spec, "timeline");
        var (snapshot, events) = (outcome.Snapshot, outcome.Events);

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
}
