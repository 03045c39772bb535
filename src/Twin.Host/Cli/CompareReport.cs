using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Twin.Actors.Scenarios;

namespace Twin.Host.Cli;

/// <summary>
/// The comparison of design variants: compare.json (the shape the dashboard reads), compare.md,
/// compare.csv and compare.svg (grouped bars drawn here, one group per metric).
/// </summary>
internal sealed record CompareReport(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("seed")] long? Seed,
    [property: JsonPropertyName("until")] string Until,
    [property: JsonPropertyName("metrics")] IReadOnlyList<CompareReport.Metric> Metrics,
    [property: JsonPropertyName("variants")] IReadOnlyList<CompareReport.VariantResult> Variants)
{
    /// <summary>A compared quantity: its key in each variant's metrics, a label and a unit.</summary>
    public sealed record Metric(
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("label")] string Label,
        [property: JsonPropertyName("unit")] string Unit);

    /// <summary>Passed and failed expectations of one variant.</summary>
    public sealed record ExpectationCount([property: JsonPropertyName("passed")] int Passed, [property: JsonPropertyName("failed")] int Failed);

    /// <summary>One variant: its knob values, its metrics (null where not measurable, e.g. availability without a POL), its expectations and digest.</summary>
    public sealed record VariantResult(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("knobs")] IReadOnlyDictionary<string, string> Knobs,
        [property: JsonPropertyName("metrics")] IReadOnlyDictionary<string, double?> Metrics,
        [property: JsonPropertyName("expectations")] ExpectationCount Expectations,
        [property: JsonPropertyName("digest")] string Digest);

    /// <summary>The metrics every comparison shows, in this order.</summary>
    public static IReadOnlyList<Metric> Keys { get; } =
    [
        new("availability", "Availability", "%"),
        new("outageMinutes", "Outage", "min"),
        new("exposureWindowHours", "Longest exposure window", "h"),
        new("blastRadius", "Blast radius", "entities"),
        new("certificatesIssued", "Certificates issued", "certificates"),
        new("revocations", "Revocations", "certificates"),
        new("crlsPublished", "CRLs published", "CRLs"),
        new("largestCrl", "Largest CRL", "entries"),
        new("crlLapses", "CRL lapses", "lapses"),
        new("expiredInService", "Expired in service", "certificates"),
        new("vouchersRefused", "Vouchers refused", "requests"),
        new("secureBootFailures", "Secure boot refusals", "boots"),
        new("mtpPackagesRefused", "MTP packages refused", "packages"),
        new("attacksRefused", "Attack steps refused", "steps"),
        new("attacksLetThrough", "Attack steps let through", "steps"),
    ];

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    // A report written before manufacturers were modelled has no "manufacturing" member: nothing measured.
    private static double? Manufacturing(JsonElement metrics, string name) =>
        metrics.TryGetProperty("manufacturing", out var f) && f.TryGetProperty(name, out var v) ? v.GetInt32() : null;

    // A report written before attacks were journaled has no "attacks" member: nothing measured.
    private static double? Attacks(JsonElement metrics, string name) =>
        metrics.TryGetProperty("attacks", out var a) && a.TryGetProperty(name, out var v) ? v.GetInt32() : null;

    /// <summary>Builds the comparison from each variant's report.json.</summary>
    public static CompareReport Create(Scenario scenario, long? seed, string until, IReadOnlyList<(CompareCommand.Variant Variant, JsonElement Report)> runs)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var variants = runs.Select(r =>
        {
            var m = r.Report.GetProperty("metrics");
            var windows = m.GetProperty("exposureWindows").EnumerateArray().Where(w => w.GetProperty("measured").GetBoolean()).ToList();
            var expectations = r.Report.GetProperty("expectations").EnumerateArray().ToList();
            var passed = expectations.Count(e => e.GetProperty("passed").GetBoolean());
            var metrics = new Dictionary<string, double?>
            {
                ["availability"] = m.GetProperty("availability").ValueKind == JsonValueKind.Number ? Math.Round(m.GetProperty("availability").GetDouble() * 100, 4) : null,
                ["outageMinutes"] = Math.Round(Span(m.GetProperty("outage")).TotalMinutes, 1),
                ["exposureWindowHours"] = windows.Count == 0 ? null : Math.Round(windows.Max(w => Span(w.GetProperty("window")).TotalHours), 2),
                ["blastRadius"] = m.GetProperty("blastRadius").GetInt32(),
                ["certificatesIssued"] = m.GetProperty("certificatesIssued").GetInt32(),
                ["revocations"] = m.GetProperty("revocations").GetInt32(),
                ["crlsPublished"] = m.GetProperty("crlsPublished").GetInt32(),
                ["largestCrl"] = m.GetProperty("largestCrlEntries").GetInt32(),
                ["crlLapses"] = m.GetProperty("crlLapses").GetInt32(),
                ["expiredInService"] = m.GetProperty("expiryGaps").GetArrayLength(),
                ["vouchersRefused"] = Manufacturing(m, "vouchersRefused"),
                ["secureBootFailures"] = Manufacturing(m, "secureBootFailures"),
                ["mtpPackagesRefused"] = Manufacturing(m, "mtpPackagesRefused"),
                ["attacksRefused"] = Attacks(m, "refused"),
                ["attacksLetThrough"] = Attacks(m, "letThrough"),
            };
            return new VariantResult(r.Variant.Name, r.Variant.Knobs.ToDictionary(k => k.Key, k => k.Value), metrics,
                new ExpectationCount(passed, expectations.Count - passed), r.Report.GetProperty("digest").GetString()!);
        }).ToList();
        return new CompareReport(scenario.Name, seed, until, Keys, variants);
    }

    private static TimeSpan Span(JsonElement e) => TimeSpan.Parse(e.GetString()!, CultureInfo.InvariantCulture);

    /// <summary>Writes the four files into <paramref name="folder"/> and returns their paths.</summary>
    public IReadOnlyList<string> Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var files = new (string Name, string Text)[]
        {
            ("compare.json", JsonSerializer.Serialize(this, JsonOptions)),
            ("compare.md", ToMarkdown()),
            ("compare.csv", ToCsv()),
            ("compare.svg", CompareChart.Draw(this)),
        };
        return files.Select(f =>
        {
            var path = Path.Combine(folder, f.Name);
            File.WriteAllText(path, f.Text, new UTF8Encoding(false));
            return path;
        }).ToList();
    }

    internal static string Format(double? value) => value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "";

    private string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# {Scenario}: design variants");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Each variant ran {Until} of simulated time{(Seed is long s ? $" with seed {s}" : "")}. ![chart](compare.svg)");
        sb.AppendLine();
        sb.AppendLine("| metric | " + string.Join(" | ", Variants.Select(v => v.Name)) + " |");
        sb.AppendLine("| --- |" + string.Concat(Variants.Select(_ => " ---: |")));
        foreach (var m in Metrics)
            sb.AppendLine($"| {m.Label} ({m.Unit}) | " + string.Join(" | ", Variants.Select(v => v.Metrics[m.Key] is null ? "—" : Format(v.Metrics[m.Key]))) + " |");
        sb.AppendLine("| expectations passed / failed | " + string.Join(" | ", Variants.Select(v => $"{v.Expectations.Passed} / {v.Expectations.Failed}")) + " |");
        sb.AppendLine("| digest | " + string.Join(" | ", Variants.Select(v => $"`{v.Digest[..12]}`")) + " |");
        return sb.ToString();
    }

    private string ToCsv()
    {
        var knobs = Variants.SelectMany(v => v.Knobs.Keys).Distinct(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        List<string> header = ["variant", .. knobs, .. Metrics.Select(m => m.Key), "expectationsPassed", "expectationsFailed", "digest"];
        sb.AppendLine(string.Join(",", header.Select(Csv)));
        foreach (var v in Variants)
            sb.AppendLine(string.Join(",", new[] { v.Name }.Concat(knobs.Select(k => v.Knobs.GetValueOrDefault(k, ""))).Concat(Metrics.Select(m => Format(v.Metrics[m.Key])))
                .Concat([v.Expectations.Passed.ToString(CultureInfo.InvariantCulture), v.Expectations.Failed.ToString(CultureInfo.InvariantCulture), v.Digest]).Select(Csv)));
        return sb.ToString();
    }

    private static readonly char[] CsvSpecial = [',', '"', '\n', '\r'];

    // RFC 4180: quote fields with commas, quotes or line breaks; double the quotes inside.
    private static string Csv(string field) =>
        field.IndexOfAny(CsvSpecial) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
