using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>`compare --vary revocation=crl,ocsp,shortLived` on the bundled PEA key compromise: the three designs' exposure windows side by side.</summary>
public sealed class CompareRevocationTests
{
    [Fact]
    public async Task Compare_shows_the_exposure_window_of_each_revocation_design_side_by_side()
    {
        var folder = RepoPaths.NewScratch("compare-revocation");
        var outDir = Path.Combine(folder, "out");

        var result = await Verb.RunAsync("compare", Path.Combine(RepoPaths.Root, "scenarios", "pea-key-compromise.yaml"),
            "--vary", "revocation=crl,ocsp,shortLived", "--out", outDir, "--until", "P2DT3H");

        // Every variant ran; the OCSP and short-lived variants miss the scenario's PT1H exposure expectation, which is the point.
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("revocation=crl: every expectation holds", result.StdOut, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "compare.json")));
        var variants = json.RootElement.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.Equal(["revocation=crl", "revocation=ocsp", "revocation=shortLived"], variants.Keys);
        double Exposure(string v) => variants[v].GetProperty("metrics").GetProperty("exposureWindowHours").GetDouble();
        // The POL connects every hour and revocation happens at P2D. CRL: the CA publishes at once and the POL fetches at
        // each check, so the next attempt is refused. OCSP (answers current for PT1H): the good answer fetched at P2D is
        // kept until its nextUpdate, so the refusal comes one attempt later. Short-lived (noRevAvail, 90-day certificates):
        // nobody looks, the window lasts to the end of the run.
        Assert.Equal(1, Exposure("revocation=crl"));
        Assert.Equal(2, Exposure("revocation=ocsp"));
        Assert.Equal(3, Exposure("revocation=shortLived"));
        var md = await File.ReadAllTextAsync(Path.Combine(outDir, "compare.md"));
        Assert.Contains("| metric | revocation=crl | revocation=ocsp | revocation=shortLived |", md, StringComparison.Ordinal);
        Assert.Contains("| Longest exposure window (h) | 1 | 2 | 3 |", md, StringComparison.Ordinal);
        var csv = await File.ReadAllLinesAsync(Path.Combine(outDir, "compare.csv"));
        Assert.StartsWith("variant,revocation,", csv[0], StringComparison.Ordinal);
        Assert.Equal(3, variants.Values.Select(v => v.GetProperty("digest").GetString()).Distinct().Count());
    }
}
