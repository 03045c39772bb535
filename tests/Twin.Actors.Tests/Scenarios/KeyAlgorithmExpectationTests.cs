using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Pki.Authority;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>The keyAlgorithm expectation and the algorithm mix, judged from installed certificates.</summary>
public sealed class KeyAlgorithmExpectationTests
{
    private static readonly RunId Run = new("mix");
    private static readonly SimInstant Start = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly CertificateAuthority Ca = CertificateAuthority.CreateRoot("CN=Mix Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Start.Utc, Start.Utc.AddYears(5));
    private static readonly byte[] Ecdsa = Leaf(KeyAlgorithm.EcdsaP256);
    private static readonly byte[] MlDsa = Leaf(KeyAlgorithm.MlDsa44);

    private static byte[] Leaf(KeyAlgorithm algorithm) =>
        Ca.Issue(new IssuanceRequest("CN=d", KeyGenerator.Generate(algorithm).PublicKey, CertificateProfile.LDevId, Start.Utc, Start.Utc.AddDays(30))).GetDer();

    private static DeviceCertificateInstalled Installed(string device, int day, byte[] der) =>
        new(Run, Start.Add(TimeSpan.FromDays(day)), new EntityId(device), der, Ca.Certificate.GetDer());

    private static ExpectationResult Judge(KeyAlgorithmExpectation x, params ITwinEvent[] events) =>
        Assert.Single(ExpectationCheck.Evaluate([x], events, Start, Start.Add(TimeSpan.FromDays(40))));

    private static KeyAlgorithmExpectation By(int days) => new("d-*", ["d-1", "d-2"], KeyAlgorithm.MlDsa44, TimeSpan.FromDays(days), false) { Label = "expect[0]" };

    [Fact]
    public void Holds_at_the_last_switch_fails_at_the_deadline_for_a_late_device_and_at_a_step_back()
    {
        ITwinEvent[] migrated = [Installed("d-1", 0, Ecdsa), Installed("d-2", 0, Ecdsa), Installed("d-1", 10, MlDsa), Installed("d-2", 12, MlDsa)];

        var held = Judge(By(20), migrated);
        var late = Judge(By(11), migrated);
        var back = Judge(By(20), [.. migrated, Installed("d-1", 15, Ecdsa)]);

        Assert.True(held.Passed, held.Detail);
        Assert.Equal(Start.Add(TimeSpan.FromDays(12)), held.DecidedAt);
        Assert.False(late.Passed);
        Assert.Equal(Start.Add(TimeSpan.FromDays(11)), late.DecidedAt);
        Assert.Contains("d-2", late.Detail, StringComparison.Ordinal);
        Assert.False(back.Passed);
        Assert.Equal(Start.Add(TimeSpan.FromDays(15)), back.DecidedAt);
    }

    [Fact]
    public void Never_fails_at_the_first_installation_and_the_mix_follows_the_entities()
    {
        var never = new KeyAlgorithmExpectation("d-*", ["d-1", "d-2"], KeyAlgorithm.MlDsa44, null, true) { Label = "expect[0]" };
        ITwinEvent[] events = [Installed("d-1", 0, Ecdsa), Installed("d-2", 0, Ecdsa), Installed("d-2", 3, MlDsa)];

        var verdict = Judge(never, events);
        var mix = AlgorithmChecks.Mix(events);

        Assert.False(verdict.Passed);
        Assert.Equal(Start.Add(TimeSpan.FromDays(3)), verdict.DecidedAt);
        Assert.Equal(new Dictionary<string, int> { ["EcdsaP256"] = 2, ["MlDsa44"] = 1 }, mix.Installed);
        Assert.Equal([Start, Start.Add(TimeSpan.FromDays(3))], mix.Held.Select(p => p.At));
        Assert.Equal(new Dictionary<string, int> { ["EcdsaP256"] = 1, ["MlDsa44"] = 1 }, mix.Held[1].Entities);
    }
}
