using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// A renewal with a new key destroys the key it superseded, journaled as key.destroyed before the store forgets it. A run killed
/// with SIGKILL after a renewed certificate's install was journaled and before the superseded key's destruction was, then started
/// again on the same journal, ends with the digest of an uninterrupted run, and its key folder holds exactly the live keys: one per
/// CA and one per device (the superseded key is destroyed at recovery, never the live one).
/// </summary>
public sealed class KeyDestructionResumeTests
{
    // Three sensors on 20-day certificates renewed at ¾: new keys on days 15, 30 and 45; two CAs that never change their keys.
    private static string Plant(string keyStorage) => $$"""
        name: Key destruction
        run: key-destruction
        seed: 6021
        start: 2030-01-01T00:00:00Z
        duration: P50D
        clock: { mode: max }
        design: { deviceLifetime: P20D, crlInterval: PT12H, crlValidity: P2D, keyStorage: {{keyStorage}} }
        topology:
          rootCa: { id: ca-root, subject: "CN=Key Root,O=Operator" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Key Issuing,O=Operator" }
          devices:
            - { id: "sensor-{n}", count: 3, ca: ca-issuing, subject: "CN={id},O=Operator" }
        """;

    private static readonly Dictionary<string, Lazy<Task<(string Digest, int Events)>>> Uninterrupted = new()
    {
        ["software"] = new(() => WholeAsync("software")),
        ["{ device: tpm, ca: hsm }"] = new(() => WholeAsync("{ device: tpm, ca: hsm }")),
    };

    private static async Task<(string Digest, int Events)> WholeAsync(string keyStorage)
    {
        var folder = RepoPaths.NewScratch("key-destruction-whole");
        var (whole, report) = await Verb.RunScenarioAsync(RepoPaths.WriteText(folder, "plant.yaml", Plant(keyStorage)), folder);
        Assert.True(whole.ExitCode == 0, whole.All);
        Assert.Equal(5, LiveKeyFiles(folder));
        return (report.GetProperty("digest").GetString()!, report.GetProperty("events").GetInt32());
    }

    // key.destroyed #1: the first renewed certificate is installed (journaled), its superseded key not yet destroyed.
    // key.destroyed #3: the last sensor of the first renewal round, the other two already done.
    [Theory]
    [InlineData("software", "key.destroyed.v1#1")]
    [InlineData("software", "key.destroyed.v1#3")]
    [InlineData("{ device: tpm, ca: hsm }", "key.destroyed.v1#2")]
    public async Task A_run_killed_between_install_and_destruction_resumes_to_the_uninterrupted_digest_with_only_live_keys(string keyStorage, string killBefore)
    {
        var folder = RepoPaths.NewScratch("key-destruction-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant(keyStorage));
        var db = Path.Combine(folder, "run.db");

        await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        // The kill left a superseded key behind: more key files than live keys, and fewer destructions than renewals.
        Assert.True(LiveKeyFiles(folder) > 5, "no superseded key was left at the kill");
        Assert.True(await CountAsync(db, "key.destroyed.v1") < await CountAsync(db, "dev.cert-installed.v1") - 3, "the kill came after the destruction");

        var report = await KillResume.ResumeAsync(scenario, folder);
        var (digest, events) = await Uninterrupted[keyStorage].Value;
        Assert.Equal(events, report.GetProperty("events").GetInt32());
        Assert.Equal(digest, report.GetProperty("digest").GetString());
        Assert.Equal(5, LiveKeyFiles(folder));
        // Three sensors, three renewals each: nine superseded keys, each destroyed once.
        Assert.Equal(9, await CountAsync(db, "key.destroyed.v1"));
    }

    // Software keys are PKCS#8 files, TPM and HSM keys sealed blobs; an element's storage seed is not a key.
    private static int LiveKeyFiles(string folder) =>
        Directory.GetFiles(Path.Combine(folder, "keys"), "*", SearchOption.AllDirectories).Count(f => f.EndsWith(".p8", StringComparison.Ordinal) || f.EndsWith(".sealed", StringComparison.Ordinal));

    private static Task<long> CountAsync(string db, string manifest) => KillResume.CountAsync(db, manifest);
}
