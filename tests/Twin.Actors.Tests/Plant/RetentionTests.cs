using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// The retention policy (design.retention): a CA purges the records of certificates expired longer than the retention
/// period at its scheduled CRL, journaled, and a purged revoked certificate leaves the CRL — openssl reads it on the CRL
/// before the purge and no longer after it. Without the knob nothing is purged.
/// </summary>
public sealed class RetentionTests
{
    private const string Plant = """
        name: Retention
        run: retention
        seed: 3
        start: 2030-01-01T00:00:00Z
        duration: P5D
        clock: { mode: max }
        design:
          deviceLifetime: P2D
        {0}
        topology:
          rootCa: { id: ca-root, subject: CN=Retention Root }
          devices:
            - { id: "device-{n}", count: 2 }
        timeline:
          - { at: PT12H, action: revoke, target: device-001 }
        """;

    [Fact]
    public async Task Expired_records_are_purged_after_the_retention_period_and_a_revoked_one_leaves_the_CRL()
    {
        var scenario = ScenarioLoader.Load(Plant.Replace("{0}", "  retention: P1D", StringComparison.Ordinal), "retention.yaml");
        var spec = scenario.ToPlant();
        var outcome = await PlantRun.ToEndAsync(spec, "retention");

        var revoked = Assert.Single(outcome.Journal.OfType<CertificateRevoked>());
        var certificate = outcome.Journal.OfType<CertificateIssued>().Select(i => Certificate.FromDer(i.CertificateDer)).Single(c => c.SerialNumber.Hex == revoked.Serial);
        var purges = outcome.Journal.OfType<CertificateRecordsPurged>().ToList();
        var purge = Assert.Single(purges, p => p.Serials.Contains(revoked.Serial));
        Assert.Equal(1, purge.RevocationEntriesDropped);
        Assert.True(purge.At.Utc >= certificate.NotAfter + TimeSpan.FromDays(1), $"purged at {purge.At}, expired {certificate.NotAfter:O}");
        Assert.True(purge.At.Utc < certificate.NotAfter + TimeSpan.FromDays(2), "purged at the first scheduled CRL after the retention period");
        // Every purged serial had expired at least the retention period before.
        var notAfter = outcome.Journal.OfType<CertificateIssued>().Select(i => Certificate.FromDer(i.CertificateDer)).ToDictionary(c => c.SerialNumber.Hex, c => c.NotAfter);
        Assert.All(purges.SelectMany(p => p.Serials.Select(s => (p.At, s))), x => Assert.True(notAfter[x.s] + TimeSpan.FromDays(1) <= x.At.Utc));
        Assert.Equal(purges.Sum(p => p.Serials.Count), outcome.Metrics.RecordsPurged);

        // Oracle: openssl lists the serial on the last CRL before the purge, and not on the one signed with it.
        var crls = outcome.Journal.OfType<CrlPublished>().Where(p => p.Entity.Value == "ca-root").ToList();
        var before = crls.Last(p => p.At < purge.At);
        var with = crls.Single(p => p.At == purge.At);
        Assert.Contains(revoked.Serial, await SerialsOnAsync(before), StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(revoked.Serial, await SerialsOnAsync(with), StringComparer.OrdinalIgnoreCase);
        Assert.Empty(CertificateRevocationList.FromDer(with.CrlDer).Entries);

        var kept = await PlantRun.ToEndAsync(ScenarioLoader.Load(Plant.Replace("{0}", "", StringComparison.Ordinal), "retention.yaml").ToPlant(), "retention-off");
        Assert.Empty(kept.Journal.OfType<CertificateRecordsPurged>());
        Assert.Single(CertificateRevocationList.FromDer(kept.Journal.OfType<CrlPublished>().Last().CrlDer).Entries);
    }

    private static async Task<List<string>> SerialsOnAsync(CrlPublished published)
    {
        var file = Path.Combine(RepoPaths.NewScratch("retention-crl"), $"crl-{published.Number}.der");
        await File.WriteAllBytesAsync(file, published.CrlDer);
        var result = await Peer.OpenSslAsync("crl", "-inform", "DER", "-in", file, "-noout", "-text");
        Assert.True(result.ExitCode == 0, result.All);
        return [.. result.StdOut.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Serial Number:", StringComparison.Ordinal)).Select(l => l["Serial Number:".Length..].Trim())];
    }
}
