using System.Globalization;
using System.Xml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

/// <summary>Reads typed values out of YAML nodes, collecting every problem with its position instead of stopping at the first.</summary>
internal sealed class ScenarioReader(string file)
{
    private readonly List<ScenarioProblem> _problems = [];

    public IReadOnlyList<ScenarioProblem> Problems => _problems;

    public void Problem(Mark at, string message) => _problems.Add(new ScenarioProblem(file, (int)at.Line, (int)at.Column, message));

    public void Problem(YamlNode node, string message) => Problem(node.Start, message);

    /// <summary>The node as a mapping whose keys are all among <paramref name="allowed"/>; null (and a problem) otherwise.</summary>
    public YamlMappingNode? Mapping(YamlNode? node, string what, params string[] allowed)
    {
        if (node is null) return null;
        if (node is not YamlMappingNode map)
        {
            Problem(node, $"{what}: expected a mapping (key: value lines).");
            return null;
        }
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(name, StringComparer.Ordinal))
                Problem(key, $"{what}: unknown key '{name}'; expected one of {string.Join(", ", allowed)}.");
        }
        return map;
    }

    public YamlSequenceNode? Sequence(YamlNode? node, string what)
    {
        if (node is null) return null;
        if (node is YamlSequenceNode seq) return seq;
        Problem(node, $"{what}: expected a list (lines starting with '- ').");
        return null;
    }

    public static YamlNode? Get(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public YamlNode? Required(YamlMappingNode? map, YamlNode? owner, string key, string what)
    {
        var value = Get(map, key);
        if (value is null && map is not null) Problem(owner ?? map, $"{what}: '{key}' is required.");
        return value;
    }

    public string? Text(YamlNode? node, string what)
    {
        if (node is null) return null;
        if (node is YamlScalarNode { Value: { } v }) return v;
        Problem(node, $"{what}: expected a single value.");
        return null;
    }

    public T? Parse<T>(YamlNode? node, string what, string expected, Func<string, T?> parse) where T : struct
    {
        var text = Text(node, what);
        if (text is null) return null;
        T? value;
        try
        {
            value = parse(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            value = null;
        }
        if (value is null) Problem(node!, $"{what}: '{text}' is not {expected}.");
        return value;
    }

    public TimeSpan? Duration(YamlNode? node, string what) =>
        Parse<TimeSpan>(node, what, "an ISO 8601 duration such as P90D, PT24H or P1Y", t =>
        {
            var span = XmlConvert.ToTimeSpan(t);
            return span > TimeSpan.Zero ? span : null;
        });

    public double? Number(YamlNode? node, string what, double min, double max) =>
        Parse<double>(node, what, $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}", t =>
        {
            var d = double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture);
            return d >= min && d <= max && double.IsFinite(d) ? d : null;
        });

    public TEnum? Enum<TEnum>(YamlNode? node, string what, IReadOnlyCollection<TEnum>? allowed = null) where TEnum : struct, Enum
    {
        var names = (allowed ?? System.Enum.GetValues<TEnum>()).Select(v => v.ToString()).ToList();
        return Parse<TEnum>(node, what, "one of " + string.Join(", ", names), t =>
            names.FirstOrDefault(n => n.Equals(t, StringComparison.OrdinalIgnoreCase) || n.Equals(Unhyphenated(t), StringComparison.OrdinalIgnoreCase)) is { } name ? System.Enum.Parse<TEnum>(name) : null);
    }

    // 'ml-dsa-65' and 'ecdsa-p256' name MlDsa65 and EcdsaP256: the spelling of standards beside that of the enum.
    private static string Unhyphenated(string text) => text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
}
