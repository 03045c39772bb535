using Twin.Actors.Entities.Timeline;
using Twin.Actors.Scenarios;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>The migrate-algorithm step and the keyAlgorithm expectation as scenario files write them, and their errors with line and column.</summary>
public sealed class MigrationLoaderTests
{
    private const string Plant = """
        name: Migration
        start: 2030-01-01T00:00:00Z
        topology:
          rootCa: { id: ca-root, subject: CN=r }
          cas:
            - { id: ca-a, parent: ca-root, subject: CN=a }
          devices:
            - { id: s-1 }
            - { id: s-2 }
            - { id: s-3 }
          domains:
            - { name: plant-a, issuingCa: ca-a, signatureSuite: ecdsa-p256, members: [s-1, s-2] }
            - { name: plant-r, issuingCa: ca-root, members: [s-3] }
        """;

    [Fact]
    public void Migrate_algorithm_targets_the_domains_issuing_CA_and_names_its_members_and_the_algorithm()
    {
        var scenario = ScenarioLoader.Load(Plant + """

            timeline:
              - { at: P7D, action: migrate-algorithm, domain: plant-a, algorithm: ml-dsa-65 }
              - { at: P8D, action: migrate-algorithm, domain: plant-a, algorithm: MlDsa87 }
            expect:
              - keyAlgorithm: { device: "s-*", algorithm: ML-DSA-44, by: P30D }
              - keyAlgorithm: { device: s-3, algorithm: mldsa65, never: true }
            """, "mig.yaml");

        var step = scenario.Timeline[0];
        Assert.Equal((TimelineAction.MigrateAlgorithm, "migrate-algorithm", "ca-a", "plant-a"), (step.Action, step.ActionName, step.Target.Value, step.Domain));
        Assert.Equal(KeyAlgorithm.MlDsa65, step.Algorithm);
        Assert.Equal(["s-1", "s-2"], step.Members.Select(m => m.Value));
        Assert.Equal(KeyAlgorithm.MlDsa87, scenario.Timeline[1].Algorithm);
        Assert.Equal(KeyAlgorithm.EcdsaP256, scenario.Domains[0].Suite);
        var expected = scenario.Expectations.Cast<KeyAlgorithmExpectation>().ToList();
        Assert.Equal((KeyAlgorithm.MlDsa44, TimeSpan.FromDays(30), false), (expected[0].Algorithm, expected[0].By!.Value, expected[0].Never));
        Assert.Equal(["s-1", "s-2", "s-3"], expected[0].Devices);
        Assert.Equal((KeyAlgorithm.MlDsa65, true), (expected[1].Algorithm, expected[1].Never));
    }

    [Fact]
    public void Migrate_algorithm_errors_name_file_line_column_and_what_was_expected()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Plant + """

            timeline:
              - { at: P1D, action: migrate-algorithm, domain: plant-x, algorithm: ml-dsa-65 }
              - { at: P1D, action: migrate-algorithm, domain: plant-r, algorithm: ml-dsa-65 }
              - { at: P1D, action: migrate-algorithm, domain: plant-a, algorithm: ml-dsa-99 }
              - { at: P1D, action: migrate-algorithm, domain: plant-a, algorithm: ml-dsa-65, target: ca-a }
              - { at: P1D, action: migrate-algorithm, algorithm: ml-dsa-65 }
              - { at: P1D, action: rollover, target: ca-a, algorithm: ml-dsa-65 }
            expect:
              - keyAlgorithm: { device: "x-*", algorithm: ml-dsa-65, by: P1D }
              - keyAlgorithm: { device: s-1, algorithm: ml-dsa-65 }
            """, "mig.yaml"));

        Assert.Equal(
        [
            "mig.yaml:15:51: timeline.domain: 'plant-x' is not a domain of this scenario (one of plant-a, plant-r).",
            "mig.yaml:16:51: timeline.domain: domain 'plant-r' is issued by the root CA 'ca-root'; migrate-algorithm rolls over a subordinate issuing CA (give the domain one).",
            "mig.yaml:17:71: timeline.algorithm: 'ml-dsa-99' is not one of EcdsaP256, EcdsaP384, Rsa2048, Rsa3072, Rsa4096, MlDsa44, MlDsa65, MlDsa87.",
            "mig.yaml:18:90: timeline.target: a migrate-algorithm step names its domain and algorithm only (the target is the domain's issuing CA).",
            "mig.yaml:19:5: migrate-algorithm step: 'domain' is required.",
            "mig.yaml:20:59: timeline.algorithm: only migrate-algorithm steps take 'algorithm'.",
            "mig.yaml:22:29: expect[0].keyAlgorithm.device: 'x-*' names no device of this scenario ('*' matches any characters).",
            "mig.yaml:23:19: expect[1].keyAlgorithm: give either 'by' (a duration from the start) or 'never: true'.",
        ], error.Problems.Select(p => p.ToString()));
    }
}
