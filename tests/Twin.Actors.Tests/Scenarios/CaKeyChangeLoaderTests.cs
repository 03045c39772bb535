using Twin.Actors.Entities.Timeline;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>The CA key-change steps and the standby knob as scenario files write them, and their errors with line and column.</summary>
public sealed class CaKeyChangeLoaderTests
{
    private const string Plant = """
        name: Keys
        start: 2030-01-01T00:00:00Z
        topology:
          rootCa: { id: ca-root, subject: CN=r }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: CN=i, standby: ca-issuing-b }
          devices:
            - { id: d-1, ca: ca-issuing }
        """;

    [Fact]
    public void Rollover_root_key_update_and_compromise_steps_load_with_their_targets_and_delay()
    {
        var scenario = ScenarioLoader.Load(Plant + """

            timeline:
              - { at: P1D, action: rollover, target: ca-issuing }
              - { at: P2D, action: root-key-update, target: ca-root }
              - { at: P3D, action: ca-compromise, target: ca-issuing, reenrollAfter: PT90M }
              - { at: P4D, action: ca-compromise, target: ca-issuing }
            """, "keys.yaml");

        Assert.Equal(
            [(TimelineAction.Rollover, "rollover"), (TimelineAction.RootKeyUpdate, "root-key-update"), (TimelineAction.CaCompromise, "ca-compromise"), (TimelineAction.CaCompromise, "ca-compromise")],
            scenario.Timeline.Select(s => (s.Action, s.ActionName)));
        Assert.Equal(TimeSpan.FromMinutes(90), scenario.Timeline[2].ReenrollAfter);
        Assert.Equal(TimeSpan.FromHours(4), scenario.Timeline[3].ReenrollAfter);
        var issuing = scenario.ToPlant().Authorities.Single(a => a.Id.Value == "ca-issuing").Settings;
        Assert.Equal("ca-issuing-b", issuing.Standby);
        Assert.Null(scenario.ToPlant().Authorities.Single(a => a.Id.Value == "ca-root").Settings.Standby);
    }

    [Fact]
    public void A_root_cannot_roll_over_or_be_compromised_as_an_issuing_CA_and_only_the_root_updates_its_key()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Plant + """

            timeline:
              - { at: P1D, action: rollover, target: ca-root }
              - { at: P2D, action: root-key-update, target: ca-issuing }
              - { at: P3D, action: ca-compromise, target: ca-root }
              - { at: P4D, action: ca-compromise, target: d-1 }
            """, "keys.yaml"));

        Assert.Equal(
        [
            "keys.yaml:10:42: timeline.target: 'ca-root' is the root CA; rollover and ca-compromise apply to a subordinate CA (a root updates its key with root-key-update).",
            "keys.yaml:11:49: timeline.target: 'ca-issuing' is not the root CA; root-key-update applies to the root only.",
            "keys.yaml:12:47: timeline.target: 'ca-root' is the root CA; rollover and ca-compromise apply to a subordinate CA (a root updates its key with root-key-update).",
            "keys.yaml:13:47: timeline.target: 'd-1' is not a CA of this scenario.",
        ], error.Problems.Select(p => p.ToString()));
    }
}
