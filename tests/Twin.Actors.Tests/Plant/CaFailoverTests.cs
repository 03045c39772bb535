using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Encoding;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// A CA with a standby instance (same key, same journal) keeps publishing CRLs while its primary is cut off: no
/// CRL lapses and the POL never loses a PEA. The same plant without the standby lapses and refuses (the contrast).
/// </summary>
public sealed class CaFailoverTests
{
    [Fact]
    public async Task A_CA_cut_off_with_a_standby_lets_no_CRL_lapse_and_without_one_the_POL_is_refused()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "ca-standby-failover.yaml"));
        var spec = scenario.ToPlant();
        var cut = spec.Start.Add(TimeSpan.FromHours(12));
        var back = spec.Start.Add(TimeSpan.FromDays(5));

        var withStandby = await PlantRun.ToEndAsync(spec, "ca-failover");

        var failovers = withStandby.Journal.OfType<CaFailedOver>().ToList();
        Assert.Equal([("ca-issuing-standby", cut), ("primary", back)], failovers.Select(f => (f.Instance, f.At)));
        Assert.Empty(withStandby.Journal.OfType<CrlLapsed>());
        Assert.DoesNotContain(withStandby.Journal.OfType<CaReachabilityChanged>(), r => !r.Reachable);
        // The standby published the daily CRL through the cut, continuing the CRL numbers.
        var crls = withStandby.Journal.OfType<CrlPublished>().Where(p => p.Entity.Value == "ca-issuing").OrderBy(p => p.At).ToList();
        Assert.Equal(4, crls.Count(p => p.At > cut && p.At < back));
        Assert.Equal(Enumerable.Range(1, crls.Count).Select(n => (long)n), crls.Select(p => p.Number));
        Assert.Equal(1.0, withStandby.Metrics.Availability);
        Assert.Equal(TimeSpan.Zero, withStandby.Metrics.Outage);
        Assert.All(ExpectationCheck.Evaluate(scenario.Expectations, withStandby.Journal, spec.Start, withStandby.Now), r => Assert.True(r.Passed, r.ToString()));

        // Without the standby: the existing behaviour, a lapse and an outage measured from the POL's attempts.
        var alone = spec with
        {
            Run = new Model.RunId("ca-no-standby"),
            Authorities = [.. spec.Authorities.Select(a => (a.Id, a.Settings with { Standby = null }))],
        };
        var withoutStandby = await PlantRun.ToEndAsync(alone, "ca-no-standby");
        Assert.Single(withoutStandby.Journal.OfType<CrlLapsed>());
        Assert.Empty(withoutStandby.Journal.OfType<CaFailedOver>());
        Assert.True(withoutStandby.Metrics.Availability < 1.0);
        Assert.All(withoutStandby.Metrics.Links, l => Assert.True(l.OutageByCause.ContainsKey(StatusCodes.NameOf(StatusCodes.BadCertificateRevocationUnknown)), l.ToString()));
    }
}
