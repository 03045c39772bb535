using Twin.Actors.Clock;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>The OPC UA attack steps and attackRefused, as the loader reads them and the check judges them.</summary>
public sealed class AttackLoaderTests
{
    private const string Plant = """
        name: Attacks
        run: attacks
        start: 2030-01-01T00:00:00Z
        topology:
          rootCa: { id: ca-root, subject: CN=r }
          peas:
            - { id: pea-1 }
          pol: { id: pol }
          devices:
            - { id: d-1 }
        """;

    [Fact]
    public void Attack_steps_aim_at_a_PEA_and_the_downgrade_also_at_the_POL()
    {
        var scenario = ScenarioLoader.Load(Plant + """

            timeline:
              - { at: P1D, action: rogue-device, target: pea-1 }
              - { at: P1D, action: downgrade-none, target: pea-1 }
              - { at: P1D, action: rogue-gds, target: pea-1 }
            expect:
              - attackRefused: { target: pea-1, attack: downgrade-none, status: BadSecurityChecksFailed, refusedBy: pol, by: P1DT1H }
            """, "ok.yaml");

        Assert.Equal([TimelineAction.RogueDevice, TimelineAction.DowngradeNone, TimelineAction.RogueGds], scenario.Timeline.Select(s => s.Action));
        Assert.Equal(["rogue-device", "downgrade-none", "rogue-gds"], scenario.Timeline.Select(s => s.ActionName));
        Assert.Equal(new EntityId("pol"), scenario.Timeline[1].Partner);
        Assert.Null(scenario.Timeline[0].Partner);
        var x = Assert.IsType<AttackRefusedExpectation>(Assert.Single(scenario.Expectations));
        Assert.Equal(("pea-1", "downgrade-none", "BadSecurityChecksFailed", "pol", TimeSpan.FromHours(25)), (x.Target, x.Attack, x.Status, x.RefusedBy, x.By));
    }

    [Fact]
    public void Attacks_on_anything_but_a_PEA_and_malformed_attackRefused_name_file_line_and_column()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Plant + """

            timeline:
              - { at: P1D, action: rogue-device, target: d-1 }
              - { at: P1D, action: rogue-gds, target: ca-root }
            expect:
              - attackRefused: { target: d-1, attack: rogue-device, by: P1D }
              - attackRefused: { target: pea-1, attack: replay, by: P1D }
              - attackRefused: { target: pea-1, attack: rogue-gds, status: Denied, by: P1D }
              - attackRefused: { target: pea-1, attack: rogue-gds, refusedBy: d-1, by: P1D }
            """, "bad.yaml"));

        Assert.Equal(
        [
            "bad.yaml:12:46: timeline.target: 'd-1' is not a PEA of this scenario; the OPC UA attacks aim at a PEA's server.",
            "bad.yaml:13:43: timeline.target: 'ca-root' is not a PEA of this scenario; the OPC UA attacks aim at a PEA's server.",
            "bad.yaml:15:30: expect[0].attackRefused.target: 'd-1' is not a PEA of this scenario.",
            "bad.yaml:16:45: expect[1].attackRefused.attack: 'replay' is not one of rogue-device, downgrade-none, rogue-gds.",
            "bad.yaml:17:64: expect[2].attackRefused.status: 'Denied' is not an OPC UA Bad status name such as BadSecurityChecksFailed.",
            "bad.yaml:18:67: expect[3].attackRefused.refusedBy: 'd-1' is not a PEA or the POL of this scenario.",
        ], error.Problems.Select(p => p.ToString()));
    }

    private static readonly SimInstant Start = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private static readonly RunId Run = new("attacks");

    private static AttackAttempted Step(TimeSpan at, string step, string status, bool refused, string by) =>
        new(Run, Start.Add(at), new EntityId(by == "nobody" ? "pea-1" : by), new EntityId("pea-1"), "rogue-gds", step, refused ? 0x80000000u : 0u, status, refused, by, "detail");

    [Fact]
    public void An_attack_refused_in_time_holds_and_one_step_let_through_breaks_it_whenever_it_happened()
    {
        var x = new AttackRefusedExpectation("pea-1", "rogue-gds", "BadUserAccessDenied", null, TimeSpan.FromHours(25)) { Label = "expect[0]" };
        ITwinEvent[] refused = [Step(TimeSpan.FromDays(1), "AddCertificate as Anonymous", "BadUserAccessDenied", true, "pea-1")];
        ITwinEvent[] breached = [.. refused, Step(TimeSpan.FromDays(2), "trust list read back", "Good", false, "nobody")];
        ITwinEvent[] late = [Step(TimeSpan.FromDays(2), "AddCertificate as Anonymous", "BadUserAccessDenied", true, "pea-1")];
        ITwinEvent[] otherStatus = [Step(TimeSpan.FromDays(1), "AddCertificate over Sign", "BadSecurityModeInsufficient", true, "pea-1")];
        var end = Start.Add(TimeSpan.FromDays(3));

        var held = ExpectationCheck.Evaluate([x], refused, Start, end).Single();
        var broken = ExpectationCheck.Evaluate([x], breached, Start, end).Single();
        var tooLate = ExpectationCheck.Evaluate([x], late, Start, end).Single();
        var wrong = ExpectationCheck.Evaluate([x], otherStatus, Start, end).Single();

        Assert.True(held.Passed, held.Detail);
        Assert.Equal(Start.Add(TimeSpan.FromDays(1)), held.DecidedAt);
        Assert.False(broken.Passed);
        Assert.Equal(Start.Add(TimeSpan.FromDays(2)), broken.DecidedAt);
        Assert.Contains("got through", broken.Detail, StringComparison.Ordinal);
        Assert.False(tooLate.Passed);
        Assert.Equal(Start.Add(TimeSpan.FromHours(25)), tooLate.DecidedAt);
        Assert.False(wrong.Passed);
        Assert.Contains("BadSecurityModeInsufficient", wrong.Detail, StringComparison.Ordinal);
        Assert.Equal(new AttackMetrics(2, 1, 1, new Dictionary<string, int> { ["pea-1"] = 1 }).RefusedBy, AttackMetrics.Of(breached).RefusedBy);
        Assert.Equal((2, 1, 1), (AttackMetrics.Of(breached).Steps, AttackMetrics.Of(breached).Refused, AttackMetrics.Of(breached).LetThrough));
    }
}
