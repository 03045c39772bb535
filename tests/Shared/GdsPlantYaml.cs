namespace Twin.Tests.Support;

/// <summary>
/// The plant of the design.gds tests, as scenario YAML: a root and an issuing CA, PEAs and the POL under the issuing CA, one operator
/// domain whose issuing CA it is (its registrar runs the GDS), in max mode from 2030-01-01. What differs between tests is a parameter.
/// </summary>
public static class GdsPlantYaml
{
    /// <param name="name">The scenario's name.</param>
    /// <param name="run">The run id.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="duration">The run's length (ISO 8601).</param>
    /// <param name="gds">design.gds: pull or push.</param>
    /// <param name="lifetimes">design.lifetimes as a YAML flow mapping, e.g. <c>{ pea: P2D, pol: P30D }</c>.</param>
    /// <param name="peaServers">How many OPC UA servers pea-001 has.</param>
    /// <param name="probe">How often the POL probes.</param>
    /// <param name="domain">The operator domain's name.</param>
    /// <param name="tail">Top-level sections after the topology (timeline, expect), as YAML.</param>
    public static string Build(string name, string run, int seed, string duration, string gds, string lifetimes, int peaServers = 1, string probe = "PT6H",
        string domain = "operator", string tail = "") => $$"""
        name: {{name}}
        run: {{run}}
        seed: {{seed}}
        start: 2030-01-01T00:00:00Z
        duration: {{duration}}
        clock: { mode: max }
        design:
          gds: {{gds}}
          lifetimes: {{lifetimes}}
          crlInterval: P1D
          crlValidity: P2D
        topology:
          rootCa: { id: ca-root, subject: "CN=Root,O=Operator,C=DE" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Issuing,O=Operator,C=DE" }
          peas:
            - { id: pea-001, {{(peaServers > 1 ? $"servers: {peaServers}, " : "")}}ca: ca-issuing, subject: "CN={id},O=Operator,C=DE" }
          pol: { id: pol, ca: ca-issuing, subject: "CN=POL,O=Operator,C=DE", probe: {{probe}} }
          domains:
            - { name: {{domain}}, issuingCa: ca-issuing }
        {{tail}}
        """;
}
