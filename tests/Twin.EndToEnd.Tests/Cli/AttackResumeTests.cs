using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// An attack step killed mid-flight (SIGKILL) is played again on resume: the timeline journals attempting (timeline.applied) and
/// attempted (timeline.attempted); a step applied and not attempted is replayed at its instant, and a party that journaled the
/// attack already answers from its journal instead of attacking twice. The resumed run ends with the uninterrupted run's digest.
/// The plant has no POL: a restarted POL probes again at the clock's last checkpoint (see docs/scenarios.md, Resume), which
/// changes the digest for a reason that has nothing to do with the attack.
/// </summary>
public sealed class AttackResumeTests
{
    private static readonly string[] Kinds = ["attack.attempted.v1", "timeline.applied.v1", "timeline.attempted.v1"];

    // Two PEAs on loopback; a maintenance laptop with a self-signed certificate tries each on day 1 and day 2.
    private const string Plant = """
        name: Resumed attacks
        run: resumed-attacks
        seed: 11
        start: 2030-01-01T00:00:00Z
        duration: P3D
        clock: { mode: max }
        design: { deviceLifetime: P90D, crlInterval: P1D, crlValidity: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Attack Root,O=Operator" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Attack Issuing,O=Operator" }
          peas:
            - { id: "pea-{n}", count: 2, ca: ca-issuing, subject: "CN={id},O=Operator" }
        timeline:
          - { at: P1D, action: rogue-device, target: pea-001 }
          - { at: P2D, action: rogue-device, target: pea-002 }
        expect:
          - attackRefused: { target: pea-001, attack: rogue-device, status: BadSecurityChecksFailed, refusedBy: pea-001, by: P1DT1H }
          - attackRefused: { target: pea-002, attack: rogue-device, status: BadSecurityChecksFailed, by: P2DT1H }
        """;

    private static readonly Lazy<Task<(IReadOnlyList<string> Attacks, string Digest)>> Uninterrupted = new(async () =>
    {
        var folder = RepoPaths.NewScratch("attack-resume-whole");
        var (whole, report) = await Verb.RunScenarioAsync(RepoPaths.WriteText(folder, "plant.yaml", Plant), folder);
        Assert.True(whole.ExitCode == 0, whole.All);
        return (await AttackEventsAsync(Path.Combine(folder, "run.db")), report.GetProperty("digest").GetString()!);
    });

    // attack.attempted #1: the timeline applied the day-1 step, the PEA has not journaled what the rogue laptop got (it is played again);
    // timeline.attempted #1: the PEA journaled it, the timeline never heard (the PEA answers from its journal, no second attack).
    [Theory]
    [InlineData("attack.attempted.v1#1")]
    [InlineData("timeline.attempted.v1#1")]
    public async Task An_attack_step_killed_mid_flight_is_attempted_once_as_in_an_uninterrupted_run(string killBefore)
    {
        var folder = RepoPaths.NewScratch("attack-resume-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant);
        var db = Path.Combine(folder, "run.db");
        await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        var before = await AttackEventsAsync(db);
        Assert.Contains(before, e => e.StartsWith("timeline.applied.v1", StringComparison.Ordinal)); // the step was under way at the kill

        var report = await KillResume.ResumeAsync(scenario, folder);
        var (attacks, digest) = await Uninterrupted.Value;
        Assert.Equal(attacks, await AttackEventsAsync(db));
        Assert.Equal(2, (await AttackEventsAsync(db)).Count(e => e.StartsWith("attack.attempted.v1", StringComparison.Ordinal))); // once each, not twice
        Assert.Equal(digest, report.GetProperty("digest").GetString());
    }

    // Manifest, persistence id and payload of every attack and timeline event, sorted.
    private static async Task<IReadOnlyList<string>> AttackEventsAsync(string db)
    {
        await using var c = KillResume.Open(db);
        await using var command = c.CreateCommand();
        command.CommandText = $"SELECT manifest, persistence_id, message FROM journal WHERE manifest IN ({string.Join(',', Kinds.Select(k => $"'{k}'"))})";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add($"{reader.GetString(0)} {reader.GetString(1)} {Convert.ToHexString((byte[])reader.GetValue(2))}");
        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
