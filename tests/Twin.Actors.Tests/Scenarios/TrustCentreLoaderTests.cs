using Twin.Actors.Entities.Timeline;
using Twin.Actors.Entities.TrustCentre;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>Trust centres, the trust centre a CA names, and partner steps as scenario files write them, with their errors.</summary>
public sealed class TrustCentreLoaderTests
{
    private const string Plant = """
        name: Borders
        start: 2030-01-01T00:00:00Z
        topology:
          trustCentres:
            - { id: tc-de, subject: CN=TC DE }
            - { id: tc-jp, subject: CN=TC JP }
          rootCa: { id: ca-de, subject: CN=DE, trustCentre: tc-de }
          cas:
            - { id: ca-de-issuing, parent: ca-de, subject: CN=DE issuing }
            - { id: ca-jp, parent: tc-jp, subject: CN=JP }
          peas:
            - { id: pea-jp, ca: ca-jp }
          pol: { id: pol, ca: ca-de-issuing }
        """;

    [Fact]
    public void Trust_centres_come_first_know_whom_they_accredit_and_relying_parties_anchor_at_their_own()
    {
        var scenario = ScenarioLoader.Load(Plant + """

            timeline:
              - { at: P1D, action: partner-join, target: tc-jp, partner: tc-de }
              - { at: P2D, action: partner-leave, target: tc-de, partner: tc-jp }
            """, "borders.yaml");
        var spec = scenario.ToPlant();

        Assert.Equal(["tc-de", "tc-jp", "ca-de", "ca-de-issuing", "ca-jp"], spec.Authorities.Select(a => a.Id.Value));
        var federated = TrustCentres.Federate(spec.Authorities).ToDictionary(a => a.Id.Value, a => a.Settings);
        Assert.True(federated["tc-de"].IsTrustCentre);
        Assert.Equal(["ca-de"], federated["tc-de"].Accredits.Select(a => a.Value));
        Assert.Empty(federated["tc-jp"].Accredits);
        Assert.Equal(["tc-jp"], federated["tc-de"].PeerTrustCentres.Select(a => a.Value));
        Assert.Equal("tc-de", federated["ca-de"].TrustCentre?.Value);
        Assert.Equal("tc-de", TrustCentres.AnchorFor(new("ca-de-issuing"), spec.Authorities)?.Value);
        Assert.Equal("tc-jp", TrustCentres.AnchorFor(new("ca-jp"), spec.Authorities)?.Value);
        Assert.Equal([(TimelineAction.PartnerJoin, "tc-jp", "tc-de"), (TimelineAction.PartnerLeave, "tc-de", "tc-jp")],
            scenario.Timeline.Select(s => (s.Action, s.Target.Value, s.Partner!.Value.Value)));
    }

    [Fact]
    public void A_plant_without_trust_centres_anchors_nobody_in_particular()
    {
        var scenario = ScenarioLoader.Load("""
            name: Plain
            start: 2030-01-01T00:00:00Z
            topology:
              rootCa: { id: ca-root, subject: CN=r }
              cas:
                - { id: ca-issuing, parent: ca-root, subject: CN=i }
            """, "plain.yaml");
        Assert.Null(TrustCentres.AnchorFor(new("ca-issuing"), scenario.ToPlant().Authorities));
    }

    [Theory]
    [InlineData("  - { at: P1D, action: partner-join, target: ca-de, partner: tc-de }", "target: ca-de", "'ca-de' is not a trust centre")]
    [InlineData("  - { at: P1D, action: partner-join, target: tc-de, partner: tc-de }", "partner: tc-de", "other than the target")]
    [InlineData("  - { at: P1D, action: partner-leave, target: tc-de }", "{", "partner")]
    [InlineData("  - { at: P1D, action: revoke, target: pea-jp, partner: tc-de }", "partner: tc-de", "only partner-join and partner-leave take a partner")]
    public void A_wrong_partner_step_is_refused_with_line_and_column(string step, string at, string message)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Plant + "\ntimeline:\n" + step + "\n", "borders.yaml"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal(Plant.Split('\n').Length + 2, problem.Line);
        // The column points at the offending value (1-based), or at the step itself when something is missing.
        var expectedColumn = at == "{" ? step.IndexOf('{', StringComparison.Ordinal) + 1 : step.IndexOf(at, StringComparison.Ordinal) + at.IndexOf(' ', StringComparison.Ordinal) + 2;
        Assert.Equal(expectedColumn, problem.Column);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_CA_naming_an_unknown_trust_centre_is_refused_where_it_names_it()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Plant.Replace("trustCentre: tc-de", "trustCentre: tc-fr", StringComparison.Ordinal), "borders.yaml"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal(Plant.Split('\n').ToList().FindIndex(l => l.Contains("trustCentre: tc-de", StringComparison.Ordinal)) + 1, problem.Line);
        Assert.Contains("'tc-fr' is not a trust centre of this scenario", problem.Message, StringComparison.Ordinal);
    }
}
