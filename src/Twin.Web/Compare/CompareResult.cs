using System.Text.Json;
using System.Text.Json.Serialization;

namespace Twin.Web.Compare;

/// <summary>One measured outcome a compare run reports for every variant.</summary>
public sealed record CompareMetric(string Key, string Label, string? Unit);

/// <summary>How many of a variant's expectations held.</summary>
public sealed record CompareExpectations(int Passed, int Failed);

/// <summary>One design variant: its knobs, its measured outcomes, its expectations and the digest of its event stream.</summary>
public sealed record CompareVariant(string Name, IReadOnlyDictionary<string, string> Knobs, IReadOnlyDictionary<string, double?> Metrics, CompareExpectations? Expectations, string? Digest);

/// <summary>The compare.json a `compare` run writes: one scenario, one seed, many variants side by side.</summary>
public sealed record CompareResult(string Scenario, long Seed, string Until, IReadOnlyList<CompareMetric> Metrics, IReadOnlyList<CompareVariant> Variants)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>The most bytes of compare.json the dashboard reads.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>Parses compare.json text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">Not JSON, or not the compare shape; the message names the place.</exception>
    public static CompareResult Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        CompareResult? result;
        try
        {
            result = JsonSerializer.Deserialize<CompareResult>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}:{(e.LineNumber ?? 0) + 1}: not a compare result: {e.Message.Split(" Path:")[0]}", e);
        }
        if (result is null) throw new FormatException($"{source}: empty document.");
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(result.Scenario)) problems.Add("'scenario' is missing");
        if (result.Metrics is null || result.Metrics.Count == 0) problems.Add("'metrics' lists no metric");
        if (result.Variants is null || result.Variants.Count == 0) problems.Add("'variants' lists no variant");
        for (var i = 0; i < (result.Metrics?.Count ?? 0); i++)
            if (string.IsNullOrWhiteSpace(result.Metrics![i].Key)) problems.Add($"metrics[{i}] has no 'key'");
        for (var i = 0; i < (result.Variants?.Count ?? 0); i++)
        {
            var v = result.Variants![i];
            if (string.IsNullOrWhiteSpace(v.Name)) problems.Add($"variants[{i}] has no 'name'");
            if (v.Metrics is null) problems.Add($"variants[{i}] has no 'metrics'");
        }
        if (problems.Count > 0) throw new FormatException($"{source}: not a compare result: {string.Join("; ", problems)}.");
        return result with
        {
            Variants = result.Variants!.Select(v => v with { Knobs = v.Knobs ?? new Dictionary<string, string>() }).ToList(),
        };
    }

    /// <summary>The value of metric <paramref name="key"/> for <paramref name="variant"/>, if it was measured.</summary>
    public static double? ValueOf(CompareVariant variant, string key)
    {
        ArgumentNullException.ThrowIfNull(variant);
        return variant.Metrics.TryGetValue(key, out var v) ? v : null;
    }
}

/// <summary>Finds compare results under the configured results folder, and never outside it.</summary>
public static class CompareResults
{
    /// <summary>The folders under <paramref name="root"/> (at most two levels down) that hold a compare.json, relative to it.</summary>
    public static IReadOnlyList<string> List(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root)) return [];
        return Directory.EnumerateFiles(root, "compare.json", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 2, IgnoreInaccessible = true })
            .Select(f => Path.GetRelativePath(root, Path.GetDirectoryName(f)!))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Reads the compare.json of <paramref name="relative"/> (a folder or file under <paramref name="root"/>).</summary>
    /// <exception cref="FormatException">Outside the folder, missing, too big or not a compare result.</exception>
    public static CompareResult Load(string root, string relative)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relative);
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var rootFull = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        if (!(full + Path.DirectorySeparatorChar).StartsWith(rootFull, StringComparison.Ordinal))
            throw new FormatException($"'{relative}': only results under {rootFull} can be opened.");
        if (Directory.Exists(full)) full = Path.Combine(full, "compare.json");
        if (!File.Exists(full)) throw new FormatException($"'{relative}': no compare.json there.");
        if (new FileInfo(full).Length > CompareResult.MaxBytes) throw new FormatException($"'{relative}': larger than {CompareResult.MaxBytes / (1024 * 1024)} MB.");
        return CompareResult.Parse(File.ReadAllText(full), Path.GetRelativePath(root, full));
    }
}
