using Twin.Actors.Scenarios;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>design.gds: which PEA servers a domain's GDS manages, and bad values refused with their position.</summary>
public sealed class GdsLoaderTests
{
    private const string Topology = """
        topology:
          rootCa: { id: r, subject: CN=r }
          cas:
            - { id: i, parent: r, subject: CN=i }
          peas:
            - { id: p, ca: i, subject: CN=p, servers: 2 }
            - { id: q, ca: i, subject: CN=q }
          pol: { id: pol, ca: i, subject: CN=pol }
        """;

    private static Scenario Load(string design, string domains) =>
        ScenarioLoader.Load($"name: x\nrun: x\nstart: 2030-01-01T00:00:00Z\ndesign:\n  gds: {design}\n{Topology}\n{domains}", "gds.yaml");

    [Theory]
    [InlineData("pull", GdsDelivery.Pull)]
    [InlineData("push", GdsDelivery.Push)]
    public void Every_PEA_server_issued_by_a_domains_CA_is_managed_by_that_domains_GDS(string value, GdsDelivery mode)
    {
        var plant = Load(value, "  domains:\n    - { name: plant, issuingCa: i }\n").ToPlant();
        var settings = plant.Devices.ToDictionary(d => d.Id.Value, d => d.Settings);

        foreach (var server in new[] { "p", "p-s2", "q" })
        {
            Assert.Equal(mode, settings[server].Gds);
            Assert.Equal("plant", settings[server].GdsDomain);
            Assert.Null(settings[server].TrustListPull); // the trust list comes from the GDS
        }
        // The POL, a client, pulls through the GDS too; there is nothing to push to it.
        Assert.Equal(mode == GdsDelivery.Pull ? mode : null, settings["pol"].Gds);
        var registrar = Assert.Single(plant.Registrars).Settings;
        Assert.Equal(mode, registrar.Gds);
        Assert.Equal(mode == GdsDelivery.Pull ? ["p", "p-s2", "q", "pol"] : ["p", "p-s2", "q"], registrar.GdsServers.Select(s => s.Id.Value));
        Assert.Equal(Twin.Actors.Entities.Registrar.RegistrarSettings.DefaultGdsLifetime, registrar.GdsLifetime);
        Assert.Equal("urn:planttrust:x:p-s2", registrar.GdsServers[1].ApplicationUri);
        Assert.Equal(TimeSpan.FromDays(1), settings["p"].GdsTrustListInterval); // crlInterval by default
    }

    [Fact]
    public void Without_the_knob_nothing_is_managed()
    {
        var plant = ScenarioLoader.Load($"name: x\nrun: x\nstart: 2030-01-01T00:00:00Z\n{Topology}\n  domains:\n    - {{ name: plant, issuingCa: i }}\n", "gds.yaml").ToPlant();
        Assert.All(plant.Devices, d => Assert.Null(d.Settings.Gds));
        Assert.Null(Assert.Single(plant.Registrars).Settings.Gds);
    }

    [Fact]
    public void The_GDS_certificate_lifetime_is_design_lifetimes_gds_and_a_bad_one_is_refused_at_its_position()
    {
        static Scenario With(string lifetime) => ScenarioLoader.Load(
            $"name: x\nrun: x\nstart: 2030-01-01T00:00:00Z\ndesign:\n  gds: pull\n  renewAt: 0.5\n  lifetimes: {{ gds: {lifetime} }}\n{Topology}\n  domains:\n    - {{ name: plant, issuingCa: i }}\n", "gds.yaml");
        var registrar = Assert.Single(With("P30D").ToPlant().Registrars).Settings;
        Assert.Equal(TimeSpan.FromDays(30), registrar.GdsLifetime);
        Assert.Equal(0.5, registrar.GdsRenewAtFraction);

        var e = Assert.Throws<ScenarioException>(() => With("thirty days"));
        var problem = Assert.Single(e.Problems);
        Assert.Contains("design.lifetimes.gds", problem.Message, StringComparison.Ordinal);
        Assert.Equal(7, problem.Line);
    }

    [Fact]
    public void An_unknown_value_is_refused_at_its_position()
    {
        var e = Assert.Throws<ScenarioException>(() => Load("poll", "  domains:\n    - { name: plant, issuingCa: i }\n"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal((5, 8), (problem.Line, problem.Column));
        Assert.Contains("design.gds: 'poll' is not one of pull, push", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PEA_without_a_domain_to_run_its_GDS_is_refused_naming_it()
    {
        var e = Assert.Throws<ScenarioException>(() => Load("push", "  domains:\n    - { name: plant, issuingCa: r }\n"));
        Assert.Contains(e.Problems, p => p.Message.Contains("PEA 'p' is in no operator domain", StringComparison.Ordinal) && (p.Line, p.Column) == (5, 8));
        Assert.Contains(e.Problems, p => p.Message.Contains("PEA 'q'", StringComparison.Ordinal));
    }

    // With pull the POL is a GDS client: one that no domain manages would renew in process unnoticed, so the design is refused.
    [Fact]
    public void Under_pull_a_POL_without_a_domain_is_refused_at_the_gds_value_and_under_push_it_renews_in_process()
    {
        static Scenario With(string mode) => ScenarioLoader.Load($$"""
            name: x
            run: x
            start: 2030-01-01T00:00:00Z
            design:
              gds: {{mode}}
            topology:
              rootCa: { id: r, subject: CN=r }
              cas:
                - { id: i, parent: r, subject: CN=i }
              peas:
                - { id: p, ca: i, subject: CN=p }
              pol: { id: pol, subject: CN=pol }
              domains:
                - { name: plant, issuingCa: i }
            """, "gds.yaml");

        var e = Assert.Throws<ScenarioException>(() => With("pull"));
        var problem = Assert.Single(e.Problems);
        Assert.Equal((5, 8), (problem.Line, problem.Column));
        Assert.Contains("POL 'pol' is in no operator domain", problem.Message, StringComparison.Ordinal);

        var settings = With("push").ToPlant().Devices.ToDictionary(d => d.Id.Value, d => d.Settings);
        Assert.Null(settings["pol"].Gds);
        Assert.Equal(GdsDelivery.Push, settings["p"].Gds);
    }
}
