using Twin.Actors.Persistence;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// Kill and recover for trust centres and the CAs they accredit: a cross-border run stopped between the JOIN and the
/// LEAVE and started again on its journal (and key store) ends with the same events as an uninterrupted run — no
/// cross-certificate issued twice, the partnership and the serials to revoke recovered, the cross-certificates published
/// again so the POL keeps its sessions, and the LEAVE still revokes.
/// </summary>
public sealed class TrustCentreRecoveryTests
{
    [Fact]
    public async Task Trust_centres_stopped_mid_run_recover_partners_and_cross_certificates_and_the_LEAVE_still_revokes()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "cross-border.yaml"));
        var spec = scenario.ToPlant();
        var straight = await PlantRun.ToEndAsync(spec, "tc-straight");

        var folder = RepoPaths.NewScratch("tc-resumed");
        var database = TwinDatabase.Sqlite(Path.Combine(folder, "journal.db"));
        var firstHalf = await PlantRun.ToEndAsync(spec with { Until = spec.Start.Add(TimeSpan.FromHours(51)) }, "tc-resumed", database, folder);
        Assert.Equal(3, firstHalf.Journal.OfType<CaCrossCertified>().Count());
        Assert.Empty(firstHalf.Journal.OfType<CertificateRevoked>());
        var resumed = await PlantRun.ToEndAsync(spec, "tc-resumed", database, folder);

        Assert.Equal(Lines(straight), Lines(resumed)); // on failure, shows the first event where the runs part ways
        Assert.Equal(3, resumed.Journal.OfType<CaCrossCertified>().Count());
        Assert.Equal(2, resumed.Journal.OfType<CertificateRevoked>().Count());
        // A restarted POL probes at once and from then on every interval, so attempts keep their outcomes, not their instants.
        var resumedAt = spec.Start.Utc.AddHours(51);
        var leave = spec.Start.Utc.AddHours(76); // the LEAVE at 73 h, pulled by the relying parties at 76 h
        var jp = resumed.Journal.OfType<ConnectionAttempted>().Where(a => a.Target.Value == "pea-jp-001" && a.At.Utc >= resumedAt).ToList();
        Assert.Contains(jp, a => a.At.Utc < leave);
        Assert.All(jp.Where(a => a.At.Utc < leave), a => Assert.Equal("Good", a.Status));
        Assert.Contains(jp, a => a.At.Utc > leave);
        Assert.All(jp.Where(a => a.At.Utc > leave), a => Assert.Equal("BadCertificateIssuerRevoked", a.Status));
        Assert.All(resumed.Journal.OfType<ConnectionAttempted>().Where(a => a.Target.Value == "pea-de-001"), a => Assert.Equal("Good", a.Status));
    }

    // Every event but the POL's attempts and orchestration sessions (their URLs carry the ports of the moment; a restarted POL probes at
    // once and opens its orchestration session anew).
    private static List<string> Lines(PlantRun.Outcome o) =>
        [.. o.DigestLines.Where(l => !l.Contains(" pol.attempt.v1 ", StringComparison.Ordinal) && !l.Contains(" pol.service-session.v1 ", StringComparison.Ordinal))];
}
