namespace Twin.Tests.Support;

/// <summary>
/// The plant of the gateway tests, as scenario YAML: a root and two issuing CAs (lines A and B), a gateway that is a member of both
/// lines' operator domains and a sensor only of line A, two-day LDevIDs renewed at ¾, in max mode from 2030-01-01.
/// </summary>
public static class GatewayPlantYaml
{
    /// <param name="name">The scenario's name.</param>
    /// <param name="run">The run id.</param>
    /// <param name="duration">The run's length (ISO 8601).</param>
    public static string Build(string name, string run, string duration) => $$"""
        name: {{name}}
        run: {{run}}
        seed: 5
        start: 2030-01-01T00:00:00Z
        duration: {{duration}}
        clock: { mode: max }
        design: { deviceLifetime: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Root,O=PlantTrust" }
          cas:
            - { id: ca-line-a, parent: ca-root, subject: "CN=Line A Issuing,O=PlantTrust" }
            - { id: ca-line-b, parent: ca-root, subject: "CN=Line B Issuing,O=PlantTrust" }
          devices:
            - { id: gateway, subject: "CN=gateway,O=PlantTrust" }
            - { id: sensor, subject: "CN=sensor,O=PlantTrust" }
          domains:
            - { name: line-a, issuingCa: ca-line-a, members: [gateway, sensor], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
            - { name: line-b, issuingCa: ca-line-b, members: [gateway], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
        """;
}
