namespace Twin.Tests.Support;

/// <summary>
/// The plant of the RA resume tests, as scenario YAML: a root and an issuing CA, and one sensor enrolling over CMP through operator
/// domain "plant" in RA mode, whose registrar forwards to an upstream CA (RFC 9483 §5.2.3). Twenty-day LDevIDs, so the sensor needs no
/// renewal within the run's six hours, in max mode from 2030-01-01.
/// </summary>
public static class RaPlantYaml
{
    /// <summary>The upstream's key identifier (senderKID of its MAC) every RA test plant uses.</summary>
    public const string Reference = "4711";

    /// <param name="name">The scenario's name.</param>
    /// <param name="run">The run id.</param>
    /// <param name="upstream">Where the RA sends its CMP messages.</param>
    /// <param name="recipient">The upstream CA's name (the recipient of what the RA sends).</param>
    /// <param name="secret">The secret the RA shares with the upstream (MAC protection).</param>
    /// <param name="organization">The O= of every subject in the plant.</param>
    public static string Build(string name, string run, Uri upstream, string recipient, string secret, string organization) => $$"""
        name: {{name}}
        run: {{run}}
        seed: 4711
        start: 2030-01-01T00:00:00Z
        duration: PT6H
        clock: { mode: max }
        design: { deviceLifetime: P20D, crlInterval: PT12H, crlValidity: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Ra Root,O={{organization}}" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Ra Issuing,O={{organization}}" }
          devices:
            - { id: "sensor-{n}", count: 1, ca: ca-issuing, subject: "CN={id},O={{organization}}" }
          domains:
            - name: plant
              issuingCa: ca-issuing
              mode: ra
              upstream: { url: "{{upstream}}", recipient: "{{recipient}}", reference: "{{Reference}}", secret: "{{secret}}" }
              members: [sensor-001]
              templates: [ { name: ldevid, profile: LDevId, lifetime: P20D } ]
        """;
}
