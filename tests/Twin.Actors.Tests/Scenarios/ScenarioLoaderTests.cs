using Twin.Actors.Clock;
using Twin.Actors.Scenarios;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Scenarios;

public sealed class ScenarioLoaderTests
{
    [Fact]
    public void Every_bundled_scenario_is_valid()
    {
        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "scenarios"), "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var scenario = ScenarioLoader.LoadFile(file);
            Assert.NotEmpty(scenario.Devices);
        }
    }

    [Fact]
    public void Counts_expand_into_numbered_devices_with_the_design_defaults()
    {
        var s = ScenarioLoader.Load("""
            name: Fleet
            start: 2030-01-01T00:00:00Z
            design: { deviceLifetime: P30D, keyAlgorithm: EcdsaP384, rekeyOnRenewal: false }
            topology:
              rootCa: { id: ca-root, subject: "CN=Root" }
              devices:
                - { id: "pump-{n}", count: 12, subject: "CN={id},O=Plant" }
                - { id: valve-1, lifetime: PT12H }
            """, "fleet.yaml");

        Assert.Equal("fleet", s.Run.Value);
        Assert.Equal(13, s.Devices.Count);
        Assert.Equal("pump-001", s.Devices[0].Id.Value);
        Assert.Equal("CN=pump-012,O=Plant", s.Devices[11].Subject);
        var plant = s.ToPlant();
        Assert.Equal(TimeSpan.FromDays(30), plant.Devices[0].Settings.CertificateLifetime);
        Assert.Equal(TimeSpan.FromHours(12), plant.Devices[12].Settings.CertificateLifetime);
        Assert.Equal(KeyAlgorithm.EcdsaP384, plant.Devices[0].Settings.Algorithm);
        Assert.False(plant.Devices[0].Settings.RekeyOnRenewal);
        Assert.Equal(ClockMode.Realtime, plant.Mode);
        Assert.Null(plant.Until);
    }

    [Fact]
    public void Command_line_overrides_win_over_the_file()
    {
        var s = ScenarioLoader.Load("name: x\nseed: 1\nstart: 2030-01-01T00:00:00Z\nduration: P10D\ntopology:\n  rootCa: { id: r, subject: CN=r }\n", "x.yaml");
        var plant = s.ToPlant(seed: 9, mode: ClockMode.Max, until: TimeSpan.FromDays(1));
        Assert.Equal(9, plant.Seed);
        Assert.Equal(ClockMode.Max, plant.Mode);
        Assert.Equal(s.Start.Add(TimeSpan.FromDays(1)), plant.Until);
    }

    [Fact]
    public void Problems_come_in_file_order_with_line_and_column()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("""
            name: Broken
            start: 2030-01-01T00:00:00Z
            clock: { mode: warp, speed: -2 }
            topology:
              rootCa: { id: ca-root, subject: CN=r, validity: forever }
              devices:
                - { id: Pump 1 }
                - { id: "p-{n}", count: 2 }
                - { id: "p-{n}", count: 2 }
            """, "broken.yaml"));

        Assert.Equal(
        [
            "broken.yaml:3:16: clock.mode: 'warp' is not one of Realtime, Max.",
            "broken.yaml:3:29: clock.speed: '-2' is not a number from 0.001 to 1000000000.",
            "broken.yaml:5:51: topology.rootCa.validity: 'forever' is not an ISO 8601 duration such as P90D, PT24H or P1Y.",
            "broken.yaml:7:13: device.id: 'Pump 1' is not an entity id (a-z, 0-9, '-', '.', '_', starting with a letter or digit).",
            "broken.yaml:9:13: device.id: 'p-001' is used twice.",
        ], error.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Broken_yaml_is_reported_where_the_parser_stopped()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("name: x\ntopology: [unclosed\n", "y.yaml"));
        var problem = Assert.Single(error.Problems);
        Assert.Equal("y.yaml", problem.File);
        Assert.True(problem.Line >= 2, problem.ToString());
        Assert.StartsWith("not valid YAML", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Subordinate_CAs_need_a_parent_listed_before_them_and_devices_a_known_CA()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("""
            name: Tiers
            start: 2030-01-01T00:00:00Z
            topology:
              rootCa: { id: ca-root, subject: CN=r }
              cas:
                - { id: ca-b, parent: ca-a, subject: CN=b }
                - { id: ca-a, parent: ca-root, subject: CN=a, profile: RootCa }
              devices:
                - { id: d-1, ca: ca-z }
            """, "tiers.yaml"));

        Assert.Equal(
        [
            "tiers.yaml:6:27: ca.parent: 'ca-a' is not the root, a trust centre or a CA listed before 'ca-b'.",
            "tiers.yaml:7:60: ca.profile: 'RootCa' is not one of IssuingCa, IntermediateCa.",
            "tiers.yaml:9:22: device.ca: 'ca-z' is not a CA of this scenario.",
        ], error.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void A_two_tier_plant_gives_the_supervisor_its_CAs_parents_first()
    {
        var plant = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "two-tier-pki.yaml")).ToPlant();
        Assert.Equal(["ca-root", "ca-issuing"], plant.Authorities.Select(a => a.Id.Value));
        Assert.Equal("ca-root", plant.Authorities[1].Settings.Parent?.Value);
        Assert.All(plant.Devices, d => Assert.Equal("ca-issuing", d.Settings.Ca.Value));
        Assert.Equal(TimeSpan.FromHours(12), plant.Authorities[1].Settings.CrlInterval);
    }

    [Fact]
    public void Timeline_steps_need_a_known_action_and_a_target_of_the_right_kind()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("""
            name: Steps
            start: 2030-01-01T00:00:00Z
            topology:
              rootCa: { id: ca-root, subject: CN=r }
              devices:
                - { id: d-1 }
            timeline:
              - { at: P1D, action: revoke, target: ca-root }
              - { at: P2D, action: explode, target: d-1 }
              - { at: P3D, action: ca-offline, target: d-1 }
              - { at: P4D, action: revoke, target: d-1, reason: removeFromCrl }
            """, "steps.yaml"));

        Assert.Equal(
        [
            "steps.yaml:8:40: timeline.target: 'ca-root' is not a device of this scenario.",
            "steps.yaml:9:24: timeline.action: 'explode' is not one of revoke, decommission, ca-offline, ca-online, rollover, root-key-update, ca-compromise, migrate-algorithm, partner-join, partner-leave, firmware-update, mtp-tamper, clone-onboard, rogue-device, downgrade-none, rogue-gds.",
            "steps.yaml:10:44: timeline.target: 'd-1' is not a CA of this scenario.",
            "steps.yaml:11:53: timeline.reason: 'removeFromCrl' is not one of Unspecified, KeyCompromise, CACompromise, AffiliationChanged, Superseded, CessationOfOperation, CertificateHold, PrivilegeWithdrawn, AACompromise.",
        ], error.Problems.Select(p => p.ToString()));
    }
}
