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

    [Fact]
    public async Task A_decommissioned_PEA_destroys_its_keys_is_revoked_for_cessation_of_operation_and_leaves_the_POL_s_rounds()
    {
        var scenario = ScenarioLoader.Load("""
            name: Decommissioning
            run: decommission
            seed: 9
            start: 2030-01-01T00:00:00Z
            duration: P2D
            clock: { mode: max }
            design: { deviceLifetime: P30D }
            topology:
              rootCa: { id: ca-root, subject: CN=Root }
              peas:
                - id: pea-{n}
                  count: 2
                  subject: CN={id}
              pol: { id: pol, subject: CN=POL, probe: PT6H }
            timeline:
              - { at: P1D, action: decommission, target: pea-002 }
            expect:
              - availability: { pea: pea-001, min: 1 }
            """, "decommission.yaml");
        var spec = scenario.ToPlant();
        var outcome = await PlantRun.ToEndAsync(spec, "decommission");
        var day1 = spec.Start.Add(TimeSpan.FromDays(1));

        var retired = Assert.Single(outcome.Journal.OfType<Twin.Actors.Protocol.Events.DeviceDecommissioned>());
        Assert.Equal("pea-002", retired.Entity.Value);
        Assert.Equal(day1, retired.At);
        Assert.NotEmpty(retired.DestroyedKeyRefs);
        var revoked = Assert.Single(outcome.Journal.OfType<Twin.Actors.Protocol.Events.CertificateRevoked>());
        Assert.Equal(retired.RevokedSerial, revoked.Serial);
        Assert.Equal(RevocationReason.CessationOfOperation, revoked.Reason);
        var attempts = outcome.Journal.OfType<Twin.Actors.Protocol.Events.ConnectionAttempted>().ToList();
        Assert.Contains(attempts, a => a.Target.Value == "pea-002" && a.At < day1 && a.StatusCode == 0);
        // A round due at the very instant may come first; none after it reaches pea-002.
        Assert.DoesNotContain(attempts, a => a.Target.Value == "pea-002" && a.At > day1);
        Assert.All(attempts.Where(a => a.Target.Value == "pea-001"), a => Assert.Equal(0u, a.StatusCode));
        Assert.Contains(attempts, a => a.Target.Value == "pea-001" && a.At > day1);
        Assert.Equal(day1, outcome.Snapshot.Entities["pea-002"].DecommissionedAt);
        Assert.Equal(CertificateStatus.Revoked, outcome.Snapshot.Entities["pea-002"].Current!.StatusAt(outcome.Now));
    }

    private static SimInstant SimInstantOf(string text) => SimInstant.Parse(text);
}
