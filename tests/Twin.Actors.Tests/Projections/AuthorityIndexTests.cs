using Twin.Actors.Model;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Projections;

/// <summary>
/// The read model's index of certification authorities (what EST's default CA and a CA label are looked up in) names, after
/// every event of a run, exactly the entities whose kind is a CA, in the entities' order — across root and issuing CAs
/// coming into being, a rollover and a trust centre's cross-certification.
/// </summary>
public sealed class AuthorityIndexTests
{
    [Theory]
    [InlineData("issuing-ca-rollover.yaml")]
    [InlineData("cross-border.yaml")]
    public async Task After_every_event_the_index_names_exactly_the_CA_entities(string file)
    {
        var spec = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", file)).ToPlant();
        var outcome = await PlantRun.ToEndAsync(spec, "authority-index-" + Path.GetFileNameWithoutExtension(file));
        Assert.NotEmpty(outcome.Journal);

        var s = PlantSnapshot.Empty;
        var offset = 0L;
        foreach (var e in outcome.Journal)
        {
            s = PlantReadModel.Fold(s, e, ++offset);
            var scanned = s.Entities.Where(p => p.Value.Kind == EntityKinds.CertificationAuthority).Select(p => p.Key).ToList();
            Assert.Equal(scanned, [.. s.Authorities]);
        }
        Assert.True(s.Authorities.Count >= 2, $"{file}: {s.Authorities.Count} CAs");
        // The run's own read model (folded as the journal was written) holds the same index.
        Assert.Equal([.. s.Authorities], [.. outcome.Snapshot.Authorities]);
    }
}
