using System.Globalization;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// Cross-border trust end to end (scenarios/cross-border.yaml): a PEA certified under trust centre JP is refused by a POL
/// under trust centre DE until JP JOINs, accepted over real OPC UA sessions while the partners cross-certify each other,
/// and refused with BadCertificateIssuerRevoked once JP LEAVEs and the relying parties have pulled the CRL (every four
/// hours: until then they still accept, and RunMetrics measures that lag). openssl, holding only trust centre DE's root, agrees:
/// the chain through DE's cross-certificate for JP validates before the LEAVE and fails with DE's CRL after it.
/// </summary>
public sealed class CrossBorderTests
{
    [Fact]
    public async Task A_PEA_under_JP_is_accepted_by_the_POL_under_DE_while_partners_and_refused_after_JP_leaves()
    {
        var scenario = ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "cross-border.yaml"));
        var spec = scenario.ToPlant();
        var outcome = await PlantRun.ToEndAsync(spec, "cross-border");
        var start = spec.Start.Utc;
        var join = start + TimeSpan.FromHours(25);
        var leave = start + TimeSpan.FromHours(73);
        var pulled = start + TimeSpan.FromHours(76); // the first pull after the LEAVE

        // Accreditation and partnership are cross-certificates, each installed by the CA it certifies.
        var crossed = outcome.Journal.OfType<CaCrossCertified>().Select(c => $"{c.TrustCentre}>{c.Entity}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["tc-de>ca-de", "tc-de>tc-jp", "tc-jp>tc-de"], crossed);
        Assert.Equal(2, outcome.Journal.OfType<TrustCentrePartnerChanged>().Count(p => p.Joined));
        Assert.Equal(2, outcome.Journal.OfType<TrustCentrePartnerChanged>().Count(p => !p.Joined));
        var revoked = outcome.Journal.OfType<CertificateRevoked>().ToList();
        Assert.Equal(["tc-de", "tc-jp"], revoked.Select(r => r.Entity.Value).Order(StringComparer.Ordinal));
        Assert.All(revoked, r => Assert.Equal(RevocationReason.AffiliationChanged, r.Reason));

        // Real OPC UA attempts of the POL, with the Part 4 status codes.
        var attempts = outcome.Journal.OfType<ConnectionAttempted>().Where(a => a.Target.Value == "pea-jp-001").ToList();
        Assert.All(attempts.Where(a => a.At.Utc < join), a => Assert.Equal("BadCertificateUntrusted", a.Status));
        Assert.All(attempts.Where(a => a.At.Utc > join && a.At.Utc < pulled), a => Assert.Equal("Good", a.Status));
        Assert.All(attempts.Where(a => a.At.Utc >= pulled), a => Assert.Equal("BadCertificateIssuerRevoked", a.Status));
        Assert.Contains(attempts, a => a.At.Utc > leave && a.At.Utc < pulled); // the lag: revoked, but not yet pulled
        Assert.Contains(attempts, a => a.At.Utc >= pulled);
        // Every relying party (the POL and both PEA servers) went three hours without each of the two revocations.
        Assert.Equal(3 * 2, outcome.Metrics.TrustListLags.Count);
        Assert.All(outcome.Metrics.TrustListLags, l => Assert.Equal(TimeSpan.FromHours(3), l.Lag));
        Assert.Equal(TimeSpan.FromHours(3), outcome.Metrics.MaxTrustListLag);
        Assert.All(outcome.Journal.OfType<ConnectionAttempted>().Where(a => a.Target.Value == "pea-de-001"), a => Assert.Equal("Good", a.Status));
        Assert.All(ExpectationCheck.Evaluate(scenario.Expectations, outcome.Journal, spec.Start, outcome.Now), r => Assert.True(r.Passed, r.ToString()));

        // Oracle: openssl with trust centre DE as its only anchor.
        var tcDe = Certificate.FromDer(outcome.Journal.OfType<RootCaCreated>().Single(r => r.Entity.Value == "tc-de").CertificateDer);
        var deForJp = Certificate.FromDer(outcome.Journal.OfType<CaCrossCertified>().Single(c => c.Entity.Value == "tc-jp").CrossCertificateDer);
        var caJp = Certificate.FromDer(outcome.Journal.OfType<SubordinateCaCertified>().Single(c => c.Entity.Value == "ca-jp").CertificateDer);
        var leaf = Certificate.FromDer(outcome.Journal.OfType<DeviceCertificateInstalled>().Last(i => i.Entity.Value == "pea-jp-001").CertificateDer);
        var folder = RepoPaths.NewScratch("cross-border-oracle");
        var before = join + TimeSpan.FromHours(12);
        var after = leave + TimeSpan.FromHours(1);
        Assert.True((await VerifyAsync(folder, before, tcDe, [caJp], [], leaf)).ExitCode != 0, "without the cross-certificate the chain ends at JP's root, which DE's relying party does not trust");
        var ok = await VerifyAsync(folder, before, tcDe, [caJp, deForJp], CrlsAt(outcome, before), leaf);
        Assert.True(ok.ExitCode == 0, ok.All);
        var refused = await VerifyAsync(folder, after, tcDe, [caJp, deForJp], CrlsAt(outcome, after), leaf);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate revoked", refused.All, StringComparison.Ordinal);
    }

    // The latest CRL of every CA on the path as published at the instant.
    private static CertificateRevocationList[] CrlsAt(PlantRun.Outcome outcome, DateTimeOffset at) =>
        [.. new[] { "tc-de", "tc-jp", "ca-jp" }.Select(ca => CertificateRevocationList.FromDer(outcome.Journal.OfType<CrlPublished>().Last(p => p.Entity.Value == ca && p.At.Utc <= at).CrlDer))];

    private static Task<Peer.Result> VerifyAsync(string folder, DateTimeOffset at, Certificate anchor, Certificate[] untrusted, CertificateRevocationList[] crls, Certificate leaf)
    {
        var tag = Guid.NewGuid().ToString("N");
        var args = new List<string>
        {
            "verify", "-attime", at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "-CAfile", RepoPaths.WriteText(folder, tag + "-anchor.pem", anchor.ToPem()),
            "-untrusted", RepoPaths.WriteText(folder, tag + "-untrusted.pem", string.Concat(untrusted.Select(c => c.ToPem()))),
        };
        if (crls.Length > 0)
            args.AddRange(["-crl_check_all", "-CRLfile", RepoPaths.WriteText(folder, tag + "-crls.pem", string.Concat(crls.Select(c => c.ToPem())))]);
        args.Add(RepoPaths.WriteText(folder, tag + "-leaf.pem", leaf.ToPem()));
        return Peer.OpenSslAsync([.. args]);
    }
}
