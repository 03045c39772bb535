using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>The expectation section of the format, and the pure check that decides each expectation at an instant.</summary>
public sealed class ExpectationTests
{
    private static readonly RunId Run = new("x");
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");

    private const string Plant = """
        name: Plant
        start: 2030-01-01T00:00:00Z
        topology:
          rootCa: { id: ca-root, subject: "CN=Root" }
          peas:
            - { id: "pea-{n}", count: 2 }
          pol: { id: pol }
        """;

    private static ConnectionAttempted Attempt(string pea, double hours, string status = "Good") =>
        new(Run, Start.Add(TimeSpan.FromHours(hours)), new EntityId("pol"), new EntityId(pea), null, status == "Good" ? 0u : 0x80000000u, status, status);

    private static TimelineStepApplied Revoke(string pea, double hours) =>
        new(Run, Start.Add(TimeSpan.FromHours(hours)), new EntityId("timeline"), 0, "revoke", new EntityId(pea));

    private static List<ITwinEvent> Hourly(int hours, string pea, int refusedFrom, string status) =>
        [.. Enumerable.Range(0, hours + 1).Select(h => Attempt(pea, h, h >= refusedFrom ? status : "Good"))];

    private static IReadOnlyList<ExpectationResult> Check(string expect, IEnumerable<ITwinEvent> events, int endHours = 12) =>
        ExpectationCheck.Evaluate(ScenarioLoader.Load(Plant + "\nexpect:\n" + expect, "p.yaml").Expectations, events, Start, Start.Add(TimeSpan.FromHours(endHours)));

    [Fact]
    public void A_refusal_by_a_deadline_is_decided_at_the_refusal_and_a_missed_one_at_the_deadline()
    {
        var events = new List<ITwinEvent> { Revoke("pea-002", 5.5) };
        events.AddRange(Hourly(12, "pea-002", 6, "BadCertificateRevoked"));

        var met = Check("  - refused: { pea: pea-002, status: BadCertificateRevoked, by: PT8H }", events).Single();
        var missed = Check("  - refused: { pea: pea-002, status: BadCertificateRevoked, by: PT4H }", events).Single();

        Assert.True(met.Passed);
        Assert.Equal("2030-01-01T06:00:00Z", met.DecidedAt.ToString());
        Assert.False(missed.Passed);
        Assert.Equal("2030-01-01T04:00:00Z", missed.DecidedAt.ToString());
    }

    [Fact]
    public void The_exposure_window_runs_from_the_compromise_to_the_first_refusal()
    {
        var events = new List<ITwinEvent> { Revoke("pea-002", 5.5) };
        events.AddRange(Hourly(12, "pea-002", 6, "BadCertificateRevoked"));

        var within = Check("  - exposureWindow: { pea: pea-002, max: PT30M }", events).Single();
        var beyond = Check("  - exposureWindow: { max: PT10M }", events).Single();

        Assert.True(within.Passed, within.Detail);
        Assert.Equal("2030-01-01T06:00:00Z", within.DecidedAt.ToString());
        Assert.False(beyond.Passed);
        Assert.Equal("2030-01-01T05:40:00Z", beyond.DecidedAt.ToString()); // compromise + max: from then on the window is too long
        var window = RunAnalysis.Exposures(RunAnalysis.Ordered(events), Start.Add(TimeSpan.FromHours(12))).Single();
        Assert.Equal(TimeSpan.FromMinutes(30), window.Window);
    }

    [Fact]
    public void Availability_and_connected_count_attempts_and_outage_causes_group_status_codes()
    {
        var events = Hourly(9, "pea-001", 8, "BadCertificateRevocationUnknown"); // 10 attempts, 2 refused

        var results = Check("""
              - availability: { pea: pea-001, min: 0.8 }
              - availability: { min: 0.81 }
              - connected: { pea: pea-001, until: PT7H }
              - connected: { pea: pea-001 }
              - noOutageCausedBy: expiry
              - noOutageCausedBy: crl
            """, events);

        Assert.Equal([true, false, true, false, true, false], results.Select(r => r.Passed));
        Assert.Equal("2030-01-01T08:00:00Z", results[3].DecidedAt.ToString());
        Assert.Equal("2030-01-01T08:00:00Z", results[5].DecidedAt.ToString());
        Assert.Equal("2030-01-01T12:00:00Z", results[4].DecidedAt.ToString());
    }

    [Fact]
    public void A_crl_lapse_is_expected_by_a_deadline_or_never()
    {
        ITwinEvent[] events = [new CrlLapsed(Run, Start.Add(TimeSpan.FromHours(3)), new EntityId("ca-root"), 4)];
        var results = Check("""
              - crlLapsed: { ca: ca-root, by: PT4H }
              - crlLapsed: { ca: ca-root, never: true }
            """, events);
        Assert.True(results[0].Passed);
        Assert.False(results[1].Passed);
        Assert.All(results, r => Assert.Equal("2030-01-01T03:00:00Z", r.DecidedAt.ToString()));
    }

    [Theory]
    [InlineData("  - refused: { pea: pea-009, status: BadCertificateRevoked, by: P1D }", "p.yaml:9:21: expect[0].refused.pea: 'pea-009' is not a PEA of this scenario (PEAs: pea-001, pea-002).")]
    [InlineData("  - refused: { pea: pea-001, status: Revoked, by: P1D }", "p.yaml:9:38: expect[0].refused.status: 'Revoked' is not an OPC UA Bad status name")]
    [InlineData("  - availability: { min: 99.9 }", "p.yaml:9:26: expect[0].availability.min: '99.9' is not a number from 0 to 1.")]
    [InlineData("  - crlLapsed: { ca: ca-root }", "p.yaml:9:16: expect[0].crlLapsed: give either 'by' (a duration from the start) or 'never: true'.")]
    [InlineData("  - { refused: { pea: pea-001, status: BadX, by: P1D }, connected: { pea: pea-001 } }", "p.yaml:9:5: expect[0]: expected exactly one of")]
    [InlineData("  - hopeful: true", "p.yaml:9:5: expect[0]: unknown key 'hopeful'")]
    public void A_broken_expectation_is_reported_with_line_and_column(string expect, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Plant + "\nexpect:\n" + expect, "p.yaml"));
        Assert.Contains(e.Problems, p => p.ToString().StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Design_knobs_per_profile_reach_the_plant_and_unsupported_ones_are_refused()
    {
        var s = ScenarioLoader.Load(Plant.Replace("topology:", """
            design:
              lifetimes: { device: P30D, pea: P7D, pol: P60D, issuingCa: P1000D, rootCa: P5000D }
              keyAlgorithms: { device: EcdsaP384, pea: Rsa3072, ca: EcdsaP384 }
              revocation: crl
              onboarding: direct
              keyStorage: software
              distribution: pull
              crlInterval: P3D
            topology:
            """, StringComparison.Ordinal), "p.yaml");
        var plant = s.ToPlant();
        var byId = plant.Devices.ToDictionary(d => d.Id.Value, d => d.Settings);
        Assert.Equal(TimeSpan.FromDays(7), byId["pea-001"].CertificateLifetime);
        Assert.Equal(KeyAlgorithm.Rsa3072, byId["pea-001"].Algorithm);
        Assert.Equal(TimeSpan.FromDays(60), byId["pol"].CertificateLifetime);
        Assert.Equal(KeyAlgorithm.Rsa2048, byId["pol"].Algorithm);
        Assert.Equal(TimeSpan.FromDays(5000), s.RootCa.Validity);
        Assert.Equal(KeyAlgorithm.EcdsaP384, s.RootCa.Algorithm);
        Assert.Equal(TimeSpan.FromDays(6), s.Design.CrlValidity); // twice the interval when the validity is not given and the default (P2D) would lapse before the next CRL

        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Plant.Replace("topology:", """
            design:
              revocation: crls
              keyAlgorithms: { pea: EcdsaP256 }
              deviceLifetime: P1D
              lifetimes: { device: P2D }
            topology:
            """, StringComparison.Ordinal), "p.yaml"));
        Assert.Contains(e.Problems, p => p.Message.StartsWith("design.revocation: 'crls' is not one of crl, shortLived, ocsp", StringComparison.Ordinal));

        var ocsp = ScenarioLoader.Load(Plant.Replace("topology:", "design: { revocation: ocsp, ocspValidity: PT10M, ocspResponder: delegated }\ntopology:", StringComparison.Ordinal), "p.yaml");
        Assert.Equal(RevocationDesign.Ocsp, ocsp.Design.Revocation);
        Assert.All(ocsp.ToPlant().Authorities, a => Assert.Equal(TimeSpan.FromMinutes(10), a.Settings.Ocsp?.Validity));
        Assert.All(ocsp.ToPlant().Authorities, a => Assert.True(a.Settings.Ocsp?.Delegated));
        Assert.All(s.ToPlant().Authorities, a => Assert.Null(a.Settings.Ocsp));

        var shortLived = ScenarioLoader.Load(Plant.Replace("topology:", "design: { revocation: shortLived }\ntopology:", StringComparison.Ordinal), "p.yaml");
        Assert.Equal(RevocationDesign.ShortLived, shortLived.Design.Revocation);
        Assert.All(shortLived.ToPlant().Authorities, a => Assert.True(a.Settings.ShortLivedEndEntities));
        Assert.All(s.ToPlant().Authorities, a => Assert.False(a.Settings.ShortLivedEndEntities));
        Assert.Contains(e.Problems, p => p.Message.StartsWith("design.keyAlgorithms.pea (OPC UA policies are RSA policies): 'EcdsaP256' is not one of Rsa2048, Rsa3072, Rsa4096", StringComparison.Ordinal));
        Assert.Contains(e.Problems, p => p.Message.StartsWith("design.lifetimes.device: the device lifetime is also given as design.deviceLifetime", StringComparison.Ordinal));
    }

    [Fact]
    public void Variants_set_knobs_in_the_yaml_and_form_the_cartesian_product()
    {
        var product = ScenarioVariants.Product([("crlInterval", ["PT6H", "P1D"]), ("lifetimes.pea", ["P7D", "P30D", "P90D"])]);
        Assert.Equal(6, product.Count);
        Assert.Equal("crlInterval=P1D lifetimes.pea=P90D", string.Join(" ", product[^1].Select(k => $"{k.Key}={k.Value}")));

        var yaml = ScenarioVariants.Apply(Plant, [new("lifetimes.pea", "P7D"), new("seed", "9"), new("topology.pol.probe", "PT10M")]);
        var s = ScenarioLoader.Load(yaml, "variant.yaml");
        Assert.Equal(TimeSpan.FromDays(7), s.Design.PeaLifetime);
        Assert.Equal(9, s.Seed);
        Assert.Equal(TimeSpan.FromMinutes(10), s.Devices.Single(d => d.Id.Value == "pol").ProbeInterval);
        Assert.Equal(["design", "crlInterval"], ScenarioVariants.PathOf("crlInterval"));
        Assert.Equal(["clock", "speed"], ScenarioVariants.PathOf("clock.speed"));
    }
}
