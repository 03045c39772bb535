using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

/// <summary>
/// Design variants of one scenario: a knob set to another value in the scenario's YAML, so that the
/// variant is checked by the same loader, with the same messages, as any hand-written file.
/// </summary>
public static class ScenarioVariants
{
    private static readonly string[] TopLevelScalars = ["seed", "start", "duration"];
    private static readonly string[] Sections = ["design", "clock", "topology"];

    /// <summary>
    /// The YAML path a knob name stands for: <c>seed</c>, <c>start</c> and <c>duration</c> are
    /// top-level; a dotted name that starts with a section (<c>clock.speed</c>) is taken as written;
    /// any other name is a design knob (<c>crlInterval</c> → <c>design.crlInterval</c>,
    /// <c>lifetimes.pea</c> → <c>design.lifetimes.pea</c>).
    /// </summary>
    public static IReadOnlyList<string> PathOf(string knob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(knob);
        var parts = knob.Split('.');
        if (parts.Any(p => p.Length == 0)) throw new ArgumentException($"'{knob}' is not a knob name such as crlInterval or lifetimes.pea.", nameof(knob));
        if (parts.Length == 1 && TopLevelScalars.Contains(knob, StringComparer.Ordinal)) return parts;
        return Sections.Contains(parts[0], StringComparer.Ordinal) ? parts : ["design", .. parts];
    }

    /// <summary>
    /// <paramref name="yaml"/> with every knob of <paramref name="knobs"/> set (mappings on the way
    /// are created when missing). The result still has to pass <see cref="ScenarioLoader.Load"/>.
    /// </summary>
    public static string Apply(string yaml, IEnumerable<KeyValuePair<string, string>> knobs)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(knobs);
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ArgumentException("The scenario is not one YAML mapping.", nameof(yaml));
        foreach (var (knob, value) in knobs)
        {
            var path = PathOf(knob);
            var map = root;
            foreach (var part in path.Take(path.Count - 1))
            {
                var key = new YamlScalarNode(part);
                if (!map.Children.TryGetValue(key, out var child))
                    map.Children[key] = child = new YamlMappingNode();
                map = child as YamlMappingNode ?? throw new ArgumentException($"{knob}: '{part}' in the scenario is not a mapping.", nameof(knobs));
            }
            map.Children[new YamlScalarNode(path[^1])] = new YamlScalarNode(value);
        }
        using var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>Every combination of the values of <paramref name="vary"/> (the cartesian product), in the order given.</summary>
    public static IReadOnlyList<IReadOnlyList<KeyValuePair<string, string>>> Product(IReadOnlyList<(string Knob, IReadOnlyList<string> Values)> vary)
    {
        ArgumentNullException.ThrowIfNull(vary);
        IEnumerable<IReadOnlyList<KeyValuePair<string, string>>> result = [[]];
        foreach (var (knob, values) in vary)
            result = result.SelectMany(prefix => values.Select(v => (IReadOnlyList<KeyValuePair<string, string>>)[.. prefix, new(knob, v)])).ToList();
        return result.ToList();
    }
}
