using Microsoft.Data.Sqlite;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// An attack step killed mid-flight (SIGKILL) is played again on resume: the timeline journals attempting (timeline.applied) and
/// attempted (timeline.attempted); a step applied and not attempted is replayed at its instant, and a party that journaled the
/// attack already answers from its journal instead of attacking twice. Compared with an uninterrupted run byte for byte: the
/// attack and timeline events. (The whole-run digest of this plant differs after any restart for a reason outside the attacks:
/// a restarted POL opens its service session again — see docs/scenarios.md, Resume.)
/// </summary>
public sealed class AttackResumeTests
{
    private static readonly string[] Kinds = ["attack.attempted.v1", "timeline.applied.v1", "timeline.attempted.v1"];

    private static readonly Lazy<Task<IReadOnlyList<string>>> Uninterrupted = new(async () =>
    {
        var folder = RepoPaths.NewScratch("attack-resume-whole");
        var (whole, _) = await Verb.RunScenarioAsync(Scenario, folder);
        Assert.True(whole.ExitCode == 0, whole.All);
        return await AttackEventsAsync(Path.Combine(folder, "run.db"));
    });

    private static string Scenario => Path.Combine(RepoPaths.Root, "scenarios", "rogue-device.yaml");

    // attack.attempted #1: the timeline applied the day-1 step, the PEA has not journaled what the rogue laptop got (it is played again);
    // timeline.attempted #1: the PEA journaled it, the timeline never heard (the PEA answers from its journal, no second attack).
    [Theory]
    [InlineData("attack.attempted.v1#1")]
    [InlineData("timeline.attempted.v1#1")]
    public async Task An_attack_step_killed_mid_flight_is_attempted_once_as_in_an_uninterrupted_run(string killBefore)
    {
        var folder = RepoPaths.NewScratch("attack-resume-at");
        var db = Path.Combine(folder, "run.db");
        var killed = await Verb.RunWithAsync(new Dictionary<string, string> { ["PLANTTRUST_KILL_BEFORE"] = killBefore }, "run", Scenario, "--db", db, "--report", Path.Combine(folder, "never"));
        Assert.True(killed.ExitCode == 137, $"expected SIGKILL (137), got {killed.ExitCode}: {killed.All}");
        var before = await AttackEventsAsync(db);
        Assert.Contains(before, e => e.StartsWith("timeline.applied.v1", StringComparison.Ordinal)); // the step was under way at the kill

        var (resumed, _) = await Verb.RunScenarioAsync(Scenario, folder);
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Equal(await Uninterrupted.Value, await AttackEventsAsync(db));
    }

    // Manifest, persistence id and payload of every attack and timeline event, sorted.
    private static async Task<IReadOnlyList<string>> AttackEventsAsync(string db)
    {
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
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
