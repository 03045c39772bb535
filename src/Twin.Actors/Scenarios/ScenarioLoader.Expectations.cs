using Twin.Actors.Model;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// The `expect:` section: a list of one-key mappings, each naming one kind of expectation.
public static partial class ScenarioLoader
{
    private static readonly string[] ExpectationKinds = ["refused", "connected", "availability", "noOutageCausedBy", "exposureWindow", "crlLapsed", "onboarded", "secureBootRefused", "mtpRefused", "attackRefused", "keyAlgorithm"];

    private static List<Expectation> ReadExpectations(ScenarioReader r, YamlNode? node, IReadOnlyCollection<DeviceSpec> devices, IReadOnlySet<EntityId> cas)
    {
        var result = new List<Expectation>();
        var peas = devices.Where(d => d.Role == DeviceRole.Pea).Select(d => d.Id.Value).ToHashSet(StringComparer.Ordinal);
        var hasPol = devices.Any(d => d.Role == DeviceRole.Pol);
        var index = 0;
        foreach (var item in r.Sequence(node, "expect")?.Children ?? [])
        {
            var label = $"expect[{index++}]";
            var map = r.Mapping(item, label, ExpectationKinds);
            if (map is null) continue;
            if (map.Children.Count != 1)
            {
                r.Problem(item, $"{label}: expected exactly one of {string.Join(", ", ExpectationKinds)} per list item.");
                continue;
            }
            var (keyNode, value) = map.Children.First();
            var kind = ((YamlScalarNode)keyNode).Value!;
            if (kind is "refused" or "connected" or "availability" or "exposureWindow" && !hasPol)
            {
                r.Problem(keyNode, $"{label}.{kind}: needs a POL (topology.pol) whose attempts it is measured from.");
                continue;
            }
            Expectation? e = kind switch
            {
                "refused" => Refused(r, value, label, peas),
                "connected" => Connected(r, value, label, peas),
                "availability" => Availability(r, value, label, peas),
                "noOutageCausedBy" => NoOutage(r, value, label),
                "exposureWindow" => Exposure(r, value, label, peas),
                "onboarded" or "secureBootRefused" or "mtpRefused" => ManufacturingExpectation(r, kind, value, label, devices),
                "attackRefused" => AttackRefused(r, value, label, devices),
                "keyAlgorithm" => KeyAlgorithmExpected(r, value, label, devices),
                _ => Lapse(r, value, label, cas),
            };
            if (e is not null) result.Add(e);
        }
        return result;
    }

    private static string? Pea(ScenarioReader r, YamlMappingNode map, YamlNode owner, string what, IReadOnlySet<string> peas, bool required)
    {
        var node = required ? r.Required(map, owner, "pea", what) : ScenarioReader.Get(map, "pea");
        var text = r.Text(node, what + ".pea");
        if (text is not null && !peas.Contains(text))
        {
            r.Problem(node!, $"{what}.pea: '{text}' is not a PEA of this scenario (PEAs: {(peas.Count == 0 ? "none" : string.Join(", ", peas.Order(StringComparer.Ordinal)))}).");
            return null;
        }
        return text;
    }

    private static RefusedExpectation? Refused(ScenarioReader r, YamlNode node, string label, IReadOnlySet<string> peas)
    {
        var what = label + ".refused";
        var map = r.Mapping(node, what, "pea", "status", "by");
        if (map is null) return null;
        var pea = Pea(r, map, node, what, peas, required: true);
        var statusNode = r.Required(map, node, "status", what);
        var status = r.Text(statusNode, what + ".status");
        if (status is not null && !(status.StartsWith("Bad", StringComparison.Ordinal) && status.All(char.IsAsciiLetterOrDigit)))
        {
            r.Problem(statusNode!, $"{what}.status: '{status}' is not an OPC UA Bad status name such as BadCertificateRevoked.");
            status = null;
        }
        var by = r.Duration(r.Required(map, node, "by", what), what + ".by");
        return pea is null || status is null || by is null ? null : new RefusedExpectation(pea, status, by.Value) { Label = label };
    }

    private static ConnectedExpectation? Connected(ScenarioReader r, YamlNode node, string label, IReadOnlySet<string> peas)
    {
        var what = label + ".connected";
        var map = r.Mapping(node, what, "pea", "from", "until");
        if (map is null) return null;
        var pea = Pea(r, map, node, what, peas, required: true);
        var from = ZeroOrDuration(r, ScenarioReader.Get(map, "from"), what + ".from") ?? TimeSpan.Zero;
        var until = r.Duration(ScenarioReader.Get(map, "until"), what + ".until");
        if (until is { } u && u <= from)
        {
            r.Problem(node, $"{what}: 'until' ({Iso.Format(u)}) must come after 'from' ({Iso.Format(from)}).");
            return null;
        }
        return pea is null ? null : new ConnectedExpectation(pea, from, until) { Label = label };
    }

    private static AvailabilityExpectation? Availability(ScenarioReader r, YamlNode node, string label, IReadOnlySet<string> peas)
    {
        var what = label + ".availability";
        var map = r.Mapping(node, what, "min", "pea");
        if (map is null) return null;
        var min = r.Number(r.Required(map, node, "min", what), what + ".min", 0, 1);
        var pea = Pea(r, map, node, what, peas, required: false);
        if (ScenarioReader.Get(map, "pea") is not null && pea is null) return null;
        return min is null ? null : new AvailabilityExpectation(min.Value, pea) { Label = label };
    }

    private static NoOutageExpectation? NoOutage(ScenarioReader r, YamlNode node, string label)
    {
        var what = label + ".noOutageCausedBy";
        var text = r.Text(node, what);
        if (text is null) return null;
        var index = OutageCauses.Names.ToList().IndexOf(text);
        if (index < 0)
        {
            r.Problem(node, $"{what}: '{text}' is not one of {string.Join(", ", OutageCauses.Names)}.");
            return null;
        }
        return new NoOutageExpectation(Enum.GetValues<OutageCause>()[index]) { Label = label };
    }

    private static ExposureWindowExpectation? Exposure(ScenarioReader r, YamlNode node, string label, IReadOnlySet<string> peas)
    {
        var what = label + ".exposureWindow";
        var map = r.Mapping(node, what, "max", "pea");
        if (map is null) return null;
        var max = ZeroOrDuration(r, r.Required(map, node, "max", what), what + ".max");
        var pea = Pea(r, map, node, what, peas, required: false);
        if (ScenarioReader.Get(map, "pea") is not null && pea is null) return null;
        return max is null ? null : new ExposureWindowExpectation(max.Value, pea) { Label = label };
    }

    private static CrlLapsedExpectation? Lapse(ScenarioReader r, YamlNode node, string label, IReadOnlySet<EntityId> cas)
    {
        var what = label + ".crlLapsed";
        var map = r.Mapping(node, what, "ca", "by", "never");
        if (map is null) return null;
        var caNode = r.Required(map, node, "ca", what);
        var ca = r.Text(caNode, what + ".ca");
        if (ca is not null && !cas.Any(c => c.Value == ca))
        {
            r.Problem(caNode!, $"{what}.ca: '{ca}' is not a CA of this scenario.");
            return null;
        }
        var by = r.Duration(ScenarioReader.Get(map, "by"), what + ".by");
        var never = r.Parse<bool>(ScenarioReader.Get(map, "never"), what + ".never", "true or false", t => bool.Parse(t)) ?? false;
        if ((by is null) == !never)
        {
            r.Problem(node, $"{what}: give either 'by' (a duration from the start) or 'never: true'.");
            return null;
        }
        return ca is null ? null : new CrlLapsedExpectation(ca, by, never) { Label = label };
    }

    // Durations where zero makes sense ("from the start", "no exposure at all").
    private static TimeSpan? ZeroOrDuration(ScenarioReader r, YamlNode? node, string what) =>
        r.Parse<TimeSpan>(node, what, "an ISO 8601 duration such as PT6H or PT0S", t =>
        {
            var span = System.Xml.XmlConvert.ToTimeSpan(t);
            return span >= TimeSpan.Zero ? span : null;
        });
}
