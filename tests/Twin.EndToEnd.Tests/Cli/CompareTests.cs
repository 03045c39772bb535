using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>`compare` runs the cartesian product of the varied knobs, each in its own process and journal, and lays the metrics side by side.</summary>
public sealed class CompareTests
{
    private const string Plant = """
        name: Compared plant
        run: compared
        seed: 31
        start: 2030-01-01T00:00:00Z
        duration: P20D
        clock: { mode: max }
        design: { lifetimes: { device: P10D }, renewAt: 0.75, crlInterval: P1D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Compared Root" }
          devices:
            - { id: "dev-{n}", count: 2 }
        expect:
          - noOutageCausedBy: expiry
          - crlLapsed: { ca: ca-root, never: true }
        """;

    [Fact]
    public async Task Compare_runs_every_combination_and_writes_json_csv_markdown_and_an_svg_chart()
    {
        var folder = RepoPaths.NewScratch("compare");
        var file = RepoPaths.WriteText(folder, "plant.yaml", Plant);
        var outDir = Path.Combine(folder, "out");

        var result = await Verb.RunAsync("compare", file, "--vary", "crlInterval=PT6H,P1D", "--vary", "lifetimes.device=P4D,P10D", "--out", outDir, "--until", "P12D");

        Assert.True(result.ExitCode == 0, result.All);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "compare.json")));
        var root = json.RootElement;
        Assert.Equal("Compared plant", root.GetProperty("scenario").GetString());
        Assert.Equal(31, root.GetProperty("seed").GetInt64());
        Assert.Equal("P12D", root.GetProperty("until").GetString());
        var keys = root.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("key").GetString()).ToList();
        Assert.Contains("availability", keys);
        Assert.All(root.GetProperty("metrics").EnumerateArray(), m => Assert.False(string.IsNullOrEmpty(m.GetProperty("unit").GetString())));
        var variants = root.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("name").GetString()!);
        Assert.Equal(["crlInterval=PT6H, lifetimes.device=P4D", "crlInterval=PT6H, lifetimes.device=P10D", "crlInterval=P1D, lifetimes.device=P4D", "crlInterval=P1D, lifetimes.device=P10D"], variants.Keys);
        Assert.Equal("PT6H", variants["crlInterval=PT6H, lifetimes.device=P4D"].GetProperty("knobs").GetProperty("crlInterval").GetString());
        double Metric(string v, string k) => variants[v].GetProperty("metrics").GetProperty(k).GetDouble();
        // 12 days: a CRL at the start and every interval after it.
        Assert.Equal(49, Metric("crlInterval=PT6H, lifetimes.device=P10D", "crlsPublished"));
        Assert.Equal(13, Metric("crlInterval=P1D, lifetimes.device=P10D", "crlsPublished"));
        // Two devices renewing at ¾ of their lifetime: 4-day certificates every 3 days, 10-day ones every 7.5 days, plus the root's own.
        Assert.Equal(Metric("crlInterval=P1D, lifetimes.device=P4D", "certificatesIssued"), Metric("crlInterval=PT6H, lifetimes.device=P4D", "certificatesIssued"));
        Assert.True(Metric("crlInterval=P1D, lifetimes.device=P4D", "certificatesIssued") > Metric("crlInterval=P1D, lifetimes.device=P10D", "certificatesIssued"));
        Assert.All(variants.Values, v => Assert.Equal(2, v.GetProperty("expectations").GetProperty("passed").GetInt32()));
        Assert.Equal(4, variants.Values.Select(v => v.GetProperty("digest").GetString()).Distinct().Count());
        // Each variant has its own journal.
        Assert.Equal(4, Directory.GetFiles(outDir, "run.db", SearchOption.AllDirectories).Length);

        var csv = (await File.ReadAllLinesAsync(Path.Combine(outDir, "compare.csv"))).Select(ParseCsv).ToList();
        Assert.Equal(5, csv.Count);
        var header = csv[0];
        Assert.Equal(["variant", "crlInterval", "lifetimes.device"], header.Take(3));
        var crlsColumn = header.IndexOf("crlsPublished");
        Assert.Equal("49", csv.Single(r => r[0] == "crlInterval=PT6H, lifetimes.device=P10D")[crlsColumn]);

        var svg = XDocument.Load(Path.Combine(outDir, "compare.svg"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var groups = svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "metric").ToList();
        Assert.Contains(groups, g => (string?)g.Attribute("data-key") == "crlsPublished");
        Assert.All(groups, g => Assert.Equal(4, g.Elements(ns + "rect").Count()));
        var crlBars = groups.Single(g => (string?)g.Attribute("data-key") == "crlsPublished").Elements(ns + "rect")
            .ToDictionary(r => (string)r.Attribute("data-variant")!, r => double.Parse((string)r.Attribute("height")!, CultureInfo.InvariantCulture));
        Assert.True(crlBars["crlInterval=PT6H, lifetimes.device=P10D"] > 3 * crlBars["crlInterval=P1D, lifetimes.device=P10D"]);

        var md = await File.ReadAllTextAsync(Path.Combine(outDir, "compare.md"));
        Assert.Contains("| CRLs published (CRLs) | 49 | 49 | 13 | 13 |", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compare_refuses_a_value_the_scenario_format_rejects_before_running_anything()
    {
        var folder = RepoPaths.NewScratch("compare-bad");
        var file = RepoPaths.WriteText(folder, "plant.yaml", Plant);

        var result = await Verb.RunAsync("compare", file, "--vary", "renewAt=0.5,1.5", "--out", Path.Combine(folder, "out"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("design.renewAt: '1.5' is not a number from 0.05 to 0.99", result.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(folder, "run.db", SearchOption.AllDirectories));
    }

    // RFC 4180 fields: quoted when they hold a comma.
    private static List<string> ParseCsv(string line)
    {
        var fields = new List<string>();
        var i = 0;
        while (i <= line.Length)
        {
            if (i < line.Length && line[i] == '"')
            {
                var end = line.IndexOf("\",", i + 1, StringComparison.Ordinal);
                end = end < 0 ? line.Length - 1 : end;
                fields.Add(line[(i + 1)..end].Replace("\"\"", "\"", StringComparison.Ordinal));
                i = end + 2;
            }
            else
            {
                var end = line.IndexOf(',', i);
                end = end < 0 ? line.Length : end;
                fields.Add(line[i..end]);
                i = end + 1;
            }
        }
        return fields;
    }
}
