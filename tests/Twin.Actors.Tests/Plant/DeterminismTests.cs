using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Actors.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>Max mode: the same plant and seed give the same event stream, byte for byte, however the threads are scheduled.</summary>
public sealed class DeterminismTests
{
    private static readonly RunId Run = new("determinism");
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly SimInstant Until = Start.Add(TimeSpan.FromDays(10));

    internal static PlantSpec Spec(long seed)
    {
        // Two tiers: the issuing CA is certified by the root at the start, then serves the devices.
        var root = new EntityId("ca-root");
        var issuing = new EntityId("ca-issuing");
        var devices = Enumerable.Range(1, 4)
            .Select(i => (new EntityId($"device-{i:000}"), new DeviceSettings(issuing, $"CN=device-{i:000}", KeyAlgorithm.EcdsaP256, TimeSpan.FromHours(24 + 12 * i))))
            .ToList();
        var authorities = new List<(EntityId, CaSettings)>
        {
            (root, new CaSettings("CN=Root", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650))),
            (issuing, new CaSettings("CN=Issuing", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1800)) { Parent = root }),
        };
        return new PlantSpec(Run, Start, 1, StartRunning: true, authorities, devices)
        {
            Mode = ClockMode.Max,
            Seed = seed,
            Until = Until,
        };
    }

    [Fact]
    public async Task Two_max_mode_runs_with_one_seed_journal_the_same_events_and_another_seed_differs()
    {
        var first = await RunToEnd(Spec(seed: 7));
        var second = await RunToEnd(Spec(seed: 7));
        var other = await RunToEnd(Spec(seed: 8));

        Assert.Equal(first.Lines, second.Lines); // on failure, shows the first event where the runs part ways
        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.Events, second.Events);
        Assert.NotEqual(first.Digest, other.Digest);
        // Ten days of 36–72 h certificates renewed a day ahead: every device renewed several times.
        Assert.True(first.Events > 4 * 3 * 3, $"only {first.Events} events");
        Assert.Equal(Until, first.Now);
    }

    private static async Task<(string Digest, int Events, SimInstant Now, IReadOnlyList<string> Lines)> RunToEnd(PlantSpec spec)
    {
        var outcome = await PlantRun.ToEndAsync(spec, "determinism");
        return (outcome.Digest, outcome.DigestLines.Count, outcome.Now, outcome.DigestLines);
    }
}
