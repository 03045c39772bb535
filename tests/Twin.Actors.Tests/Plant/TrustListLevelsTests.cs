using Twin.Actors.Entities.TrustCentre;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// The trust-list model end to end (scenarios/trust-list-levels.yaml): trust centres publish signed lists of the CAs they accredit
/// with IEC 62443 levels, relying parties fetch them every four hours, and the POL under trust centre DE accepts a PEA under JP only
/// while JP is a partner, only from the first fetch after the JOIN until the first fetch after the LEAVE, and only if its CA is
/// listed at the required SL2 — over real OPC UA sessions. Oracle: openssl cms -verify checks a published list against the trust
/// centre's certificate and hands back the documented JSON.
/// </summary>
public sealed class TrustListLevelsTests
{
    [Fact]
    public async Task A_PEA_is_accepted_only_at_the_required_level_while_its_trust_centre_is_a_partner_and_refused_after_the_LEAVE()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "trust-list-levels.yaml"));
        var spec = scenario.ToPlant();
        var outcome = await PlantRun.ToEndAsync(spec, "trust-list-levels");
        var start = spec.Start.Utc;
        var joinFetched = start + TimeSpan.FromHours(28); // the first fetch after the JOIN at 25 h
        var leaveFetched = start + TimeSpan.FromHours(76); // the first fetch after the LEAVE at 73 h

        // No cross-certificate at all: the trust centres federate by their lists.
        Assert.Empty(outcome.Journal.OfType<CaCrossCertified>());
        var lists = outcome.Journal.OfType<TrustCentreListPublished>().Where(l => l.Entity.Value == "tc-de").ToList();
        Assert.Equal(Enumerable.Range(1, lists.Count).Select(n => (long)n), lists.Select(l => l.Sequence));
        Assert.Equal(["ca-de=SL3"], lists.First().Listed);
        var joined = lists.Single(l => l.Reason == "partner tc-jp joined");
        Assert.Equal(["ca-de=SL3", "ca-jp-basic=SL1", "ca-jp=SL3"], joined.Listed);
        Assert.Equal(["ca-de=SL3"], lists.Single(l => l.Reason == "partner tc-jp left").Listed);
        Assert.Contains(outcome.Journal.OfType<TrustCentreListPublished>(), l => l.Entity.Value == "tc-jp" && l.Reason == "partner tc-de joined" && l.Listed.Contains("ca-de=SL3"));

        // The POL anchors on the listed CAs at SL2 or above: never the SL1 maker's.
        var fetched = outcome.Journal.OfType<DeviceTrustCentreListFetched>().Where(f => f.Entity.Value == "pol").ToList();
        Assert.All(fetched, f => Assert.Null(f.Problem));
        Assert.Contains(fetched, f => f.At.Utc == joinFetched && f.Anchors.SequenceEqual(["ca-de=SL3", "ca-jp=SL3"]));
        Assert.Contains(fetched, f => f.At.Utc == leaveFetched && f.Anchors.SequenceEqual(["ca-de=SL3"]));

        // Real OPC UA attempts of the POL, with the Part 4 status codes.
        var jp = outcome.Journal.OfType<ConnectionAttempted>().Where(a => a.Target.Value == "pea-jp-001").ToList();
        Assert.All(jp.Where(a => a.At.Utc < joinFetched), a => Assert.Equal("BadCertificateUntrusted", a.Status));
        Assert.All(jp.Where(a => a.At.Utc >= joinFetched && a.At.Utc < leaveFetched), a => Assert.Equal("Good", a.Status));
        Assert.All(jp.Where(a => a.At.Utc >= leaveFetched), a => Assert.Equal("BadCertificateUntrusted", a.Status));
        Assert.Contains(jp, a => a.At.Utc >= joinFetched && a.At.Utc < leaveFetched);
        Assert.Contains(jp, a => a.At.Utc >= leaveFetched);
        var basic = outcome.Journal.OfType<ConnectionAttempted>().Where(a => a.Target.Value == "pea-jpb-001").ToList();
        Assert.NotEmpty(basic);
        Assert.All(basic, a => Assert.Equal("BadCertificateUntrusted", a.Status)); // listed at SL1 < SL2, partner or not
        Assert.All(outcome.Journal.OfType<ConnectionAttempted>().Where(a => a.Target.Value == "pea-de-001"), a => Assert.Equal("Good", a.Status));
        Assert.All(ExpectationCheck.Evaluate(scenario.Expectations, outcome.Journal, spec.Start, outcome.Now), r => Assert.True(r.Passed, r.ToString()));

        // Oracle: openssl verifies the list DE published at the JOIN with DE's certificate and yields the canonical JSON.
        var tcDe = Certificate.FromDer(outcome.Journal.OfType<RootCaCreated>().Single(r => r.Entity.Value == "tc-de").CertificateDer);
        var (exit, content, all) = await OpenSslCmsVerifyAsync(joined.Cms, tcDe, joined.At.Utc);
        Assert.True(exit == 0, all);
        var read = AssuranceTrustList.FromJson(content);
        Assert.Equal(("tc-de", joined.Sequence, joined.NextUpdate.Utc), (read.TrustCentre, read.Sequence, read.NextUpdate));
        Assert.Equal(read.ToJson(), content);
        var caJp = Certificate.FromDer(outcome.Journal.OfType<SubordinateCaCertified>().Single(c => c.Entity.Value == "ca-jp").CertificateDer);
        Assert.Contains(read.Cas, c => c.Id == "ca-jp" && c.Level == SecurityLevel.SL3 && c.KeySha256 == AssuranceTrustList.KeyHashOf(caJp));

        // Deterministic: the same seed journals the same events.
        var again = await PlantRun.ToEndAsync(spec, "trust-list-levels");
        Assert.Equal(outcome.Digest, again.Digest);
    }

    // At the simulated instant <paramref name="at"/>: the trust centre's certificate is valid in the scenario's time, not now.
    internal static async Task<(int Exit, byte[] Content, string All)> OpenSslCmsVerifyAsync(byte[] cms, Certificate signer, DateTimeOffset at)
    {
        var folder = RepoPaths.NewScratch("trust-list-oracle");
        var input = Path.Combine(folder, "list.p7");
        await File.WriteAllBytesAsync(input, cms);
        var anchor = RepoPaths.WriteText(folder, "anchor.pem", signer.ToPem());
        var output = Path.Combine(folder, "list.json");
        // -purpose any: the signer is a CA certificate (keyCertSign, cRLSign), not an S/MIME signing certificate.
        var verdict = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", input, "-CAfile", anchor, "-purpose", "any",
            "-attime", at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-out", output);
        return (verdict.ExitCode, File.Exists(output) ? await File.ReadAllBytesAsync(output) : [], verdict.All);
    }
}
