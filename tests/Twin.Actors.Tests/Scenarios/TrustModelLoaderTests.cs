using Twin.Actors.Entities.TrustCentre;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>design.trustModel, design.requiredLevel, design.trustListInterval and a CA's level: what reaches the plant, and clear errors with file:line:column.</summary>
public sealed class TrustModelLoaderTests
{
    private static string Yaml(string design, string rootExtra = ", trustCentre: tc-de, level: SL3", bool centres = true) => $$"""
        name: t
        start: 2030-01-01T00:00:00Z
        design: {{design}}
        topology:
        {{(centres ? "  trustCentres:\n    - { id: tc-de, subject: CN=TC DE }\n" : "")}}  rootCa: { id: ca-root, subject: CN=Root{{rootExtra}} }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: CN=Issuing }
          peas:
            - { id: pea-1, ca: ca-issuing }
          pol: { id: pol, ca: ca-issuing }
          devices:
            - { id: sensor-1, ca: ca-issuing }
        """;

    [Fact]
    public void Trust_list_reaches_trust_centres_CAs_with_their_levels_and_the_relying_parties_only()
    {
        var plant = ScenarioLoader.Load(Yaml("{ trustModel: trust-list, requiredLevel: SL2, trustListInterval: PT12H }"), "t.yaml").ToPlant();

        var design = new TrustListDesign(TimeSpan.FromHours(12), SecurityLevel.SL2);
        Assert.All(plant.Authorities, a => Assert.Equal(design, a.Settings.TrustList));
        var levels = plant.Authorities.ToDictionary(a => a.Id.Value, a => a.Settings.Level);
        Assert.Equal(SecurityLevel.SL3, levels["ca-root"]);
        Assert.Equal(SecurityLevel.SL1, levels["ca-issuing"]);
        var lists = plant.Devices.ToDictionary(d => d.Id.Value, d => d.Settings.TrustCentreList);
        Assert.Equal(design, lists["pea-1"]);
        Assert.Equal(design, lists["pol"]);
        Assert.Null(lists["sensor-1"]); // a field device is no OPC UA relying party
    }

    [Fact]
    public void Without_a_trust_model_nothing_changes_and_the_defaults_are_one_day_and_SL1()
    {
        var plain = ScenarioLoader.Load(Yaml("{ crlInterval: P1D }"), "t.yaml").ToPlant();
        Assert.All(plain.Authorities, a => Assert.Null(a.Settings.TrustList));
        Assert.All(plain.Devices, d => Assert.Null(d.Settings.TrustCentreList));

        var defaults = ScenarioLoader.Load(Yaml("{ trustModel: trust-list }"), "t.yaml").ToPlant();
        Assert.All(defaults.Authorities, a => Assert.Equal(new TrustListDesign(TimeSpan.FromDays(1), SecurityLevel.SL1), a.Settings.TrustList));
    }

    [Theory]
    [InlineData("{ trustModel: trusted-lists }", "design.trustModel: 'trusted-lists' is not one of cross-certification, trust-list.")]
    [InlineData("{ requiredLevel: SL2 }", "design.requiredLevel: only the trust-list model has it (design.trustModel: trust-list).")]
    [InlineData("{ trustModel: trust-list, requiredLevel: SL5 }", "design.requiredLevel:")]
    [InlineData("{ trustModel: trust-list, trustListInterval: PT0S }", "design.trustListInterval: 'PT0S'")]
    public void A_bad_knob_is_refused_where_it_stands(string design, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Yaml(design), "t.yaml"));

        var problem = Assert.Single(error.Problems).ToString();
        Assert.StartsWith("t.yaml:3:", problem, StringComparison.Ordinal); // where the knob stands: the design line
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_level_needs_a_trust_centre_and_the_trust_list_model_needs_trust_centres()
    {
        var level = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Yaml("{ trustModel: trust-list }", rootExtra: ", level: SL2", centres: false), "t.yaml"));
        Assert.Contains(level.Problems, p => p.ToString().Contains("topology.rootCa.level: only a CA that names a trustCentre is listed at a level.", StringComparison.Ordinal));
        Assert.Contains(level.Problems, p => p.ToString().Contains("design.trustModel: 'trust-list' needs trust centres", StringComparison.Ordinal));
    }
}
