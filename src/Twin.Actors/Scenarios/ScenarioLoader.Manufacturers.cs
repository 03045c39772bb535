using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// topology.manufacturers, design.onboarding and design.cloneDetection, the manufacturing timeline steps (firmware-update,
// mtp-tamper, clone-onboard) and expectations (onboarded, secureBootRefused, mtpRefused). Reference: docs/scenarios.md.
public static partial class ScenarioLoader
{
    private static List<ManufacturerSpec> ReadManufacturers(ScenarioReader r, YamlNode? node, IReadOnlyList<DeviceSpec> devices, HashSet<EntityId> taken, DesignKnobs design)
    {
        var result = new List<ManufacturerSpec>();
        var made = new Dictionary<EntityId, EntityId>();
        foreach (var item in r.Sequence(node, "topology.manufacturers")?.Children ?? [])
        {
            var map = r.Mapping(item, "manufacturer", "id", "subject", "algorithm", "validity", "makes", "firmware");
            if (map is null) continue;
            var idNode = r.Required(map, item, "id", "manufacturer");
            var id = Id(r, idNode, "manufacturer.id");
            var subject = r.Text(r.Required(map, item, "subject", "manufacturer"), "manufacturer.subject");
            var algorithm = r.Enum(ScenarioReader.Get(map, "algorithm"), "manufacturer.algorithm", KeyAlgorithms) ?? design.CaAlgorithm;
            var validity = r.Duration(ScenarioReader.Get(map, "validity"), "manufacturer.validity") ?? TimeSpan.FromDays(365 * 25);
            var firmware = r.Text(ScenarioReader.Get(map, "firmware"), "manufacturer.firmware") ?? "1.0.0";
            var makes = new List<EntityId>();
            foreach (var m in r.Sequence(r.Required(map, item, "makes", "manufacturer"), "manufacturer.makes")?.Children ?? [])
            {
                var pattern = r.Text(m, "manufacturer.makes");
                if (pattern is null) continue;
                var matching = devices.Where(d => d.Role != DeviceRole.Pol && d.CloneOf is null && Glob(pattern).IsMatch(d.Id.Value)).Select(d => d.Id).ToList();
                if (matching.Count == 0) { r.Problem(m, $"manufacturer.makes: '{pattern}' names no device or PEA of this scenario ('*' matches any characters)."); continue; }
                foreach (var d in matching)
                {
                    if (made.TryGetValue(d, out var other)) r.Problem(m, $"manufacturer.makes: '{d}' is already made by '{other}'.");
                    else { made[d] = id ?? new EntityId("invalid"); makes.Add(d); }
                }
            }
            if (id is null || subject is null) continue;
            if (taken.Contains(id.Value) || result.Any(x => x.Id == id.Value)) { r.Problem(idNode!, $"manufacturer.id: '{id}' is used twice."); continue; }
            result.Add(new ManufacturerSpec(id.Value, subject, algorithm, validity, makes) { Firmware = firmware });
        }
        return result;
    }

    // Zero-touch onboarding needs an IDevID: every member of a domain onboarding over EST or BRSKI must be made by a manufacturer.
    private static void CheckOnboarding(ScenarioReader r, YamlNode? designNode, DesignKnobs design, IReadOnlyList<RegistrarSettings> domains, IReadOnlyList<ManufacturerSpec> manufacturers, IReadOnlyList<DeviceSpec> devices)
    {
        if (design.Onboarding == DeviceOnboarding.Cmp) return;
        var made = manufacturers.SelectMany(m => m.Makes).ToHashSet();
        var orphans = domains.SelectMany(d => d.Members).Where(m => !made.Contains(m)).ToList();
        if (orphans.Count > 0)
            r.Problem(designNode!, $"design.onboarding: {design.Onboarding.ToString().ToLowerInvariant()} needs an IDevID, but {string.Join(", ", orphans.Take(5))} {(orphans.Count == 1 ? "is" : "are")} made by no manufacturer (topology.manufacturers[].makes).");
        foreach (var pea in devices.Where(d => d.Role != DeviceRole.Device && domains.Any(x => x.Members.Contains(d.Id))))
            r.Problem(designNode!, $"design.onboarding: {pea.Id} is a PEA or the POL; EST onboarding in the twin issues LDevIDs to plain devices only (keep PEAs out of the domain's members).");
    }

    private static DesignKnobs ReadManufacturingKnobs(ScenarioReader r, YamlMappingNode map, DesignKnobs design)
    {
        var node = ScenarioReader.Get(map, "onboarding");
        var text = r.Text(node, "design.onboarding");
        DeviceOnboarding? onboarding = text switch
        {
            null or "direct" or "cmp" => DeviceOnboarding.Cmp,
            "est" => DeviceOnboarding.Est,
            "brski" => DeviceOnboarding.Brski,
            _ => null,
        };
        if (onboarding is null)
            r.Problem(node!, text == "passcode"
                ? "design.onboarding: 'passcode' is not supported by the twin yet (CMP with a one-time secret is what 'cmp' runs); use direct, cmp, est or brski."
                : $"design.onboarding: '{text}' is not one of direct, cmp, est, brski.");
        var cloneDetection = r.Parse<bool>(ScenarioReader.Get(map, "cloneDetection"), "design.cloneDetection", "true or false", t => bool.Parse(t)) ?? true;
        return design with { Onboarding = onboarding ?? DeviceOnboarding.Cmp, CloneDetection = cloneDetection };
    }

    private static TimelineAction? ManufacturingAction(string? text) => text switch
    {
        "firmware-update" => TimelineAction.FirmwareUpdate,
        "mtp-tamper" => TimelineAction.MtpTamper,
        "clone-onboard" => TimelineAction.CloneOnboard,
        _ => null,
    };

    // Where a manufacturing step may point: a device made by a manufacturer, a PEA with a package, a declared clone.
    private static string? ManufacturingTargetProblem(TimelineAction action, EntityId target, IReadOnlyList<DeviceSpec> devices) => action switch
    {
        TimelineAction.FirmwareUpdate or TimelineAction.MtpTamper when devices.All(d => d.Id != target) => $"timeline.target: '{target}' is not a device of this scenario.",
        TimelineAction.MtpTamper when devices.First(d => d.Id == target).Role != DeviceRole.Pea => $"timeline.target: '{target}' is not a PEA; only PEAs ship MTP packages.",
        TimelineAction.CloneOnboard when devices.FirstOrDefault(d => d.Id == target)?.CloneOf is null => $"timeline.target: '{target}' is not a clone (a device with cloneOf).",
        _ => null,
    };

    // '*' matches any characters, everything else itself. Plain string matching: no regular expression, so no time limit to hit.
    private static Matcher Glob(string pattern) => new(pattern.Split('*'));

    private sealed record Matcher(string[] Parts)
    {
        public bool IsMatch(string text)
        {
            if (Parts.Length == 1) return text == Parts[0];
            if (!text.StartsWith(Parts[0], StringComparison.Ordinal) || !text.EndsWith(Parts[^1], StringComparison.Ordinal)
                || text.Length < Parts[0].Length + Parts[^1].Length) return false;
            var at = Parts[0].Length;
            var end = text.Length - Parts[^1].Length;
            for (var i = 1; i < Parts.Length - 1; i++)
            {
                var found = text.IndexOf(Parts[i], at, end - at, StringComparison.Ordinal);
                if (found < 0) return false;
                at = found + Parts[i].Length;
            }
            return true;
        }
    }

    private static Expectation? ManufacturingExpectation(ScenarioReader r, string kind, YamlNode node, string label, IReadOnlyCollection<DeviceSpec> devices)
    {
        var what = $"{label}.{kind}";
        var subjectKey = kind == "mtpRefused" ? "pea" : "device";
        var map = r.Mapping(node, what, subjectKey, "by", "never");
        if (map is null) return null;
        var subjectNode = r.Required(map, node, subjectKey, what);
        var subject = r.Text(subjectNode, $"{what}.{subjectKey}");
        if (subject is not null)
        {
            var candidates = devices.Where(d => kind != "mtpRefused" || d.Role == DeviceRole.Pea).Where(d => Glob(subject).IsMatch(d.Id.Value)).ToList();
            if (candidates.Count == 0)
            {
                r.Problem(subjectNode!, $"{what}.{subjectKey}: '{subject}' names no {(kind == "mtpRefused" ? "PEA" : "device")} of this scenario ('*' matches any characters).");
                return null;
            }
        }
        var by = r.Duration(ScenarioReader.Get(map, "by"), what + ".by");
        var never = r.Parse<bool>(ScenarioReader.Get(map, "never"), what + ".never", "true or false", t => bool.Parse(t)) ?? false;
        if ((by is null) == !never)
        {
            r.Problem(node, $"{what}: give either 'by' (a duration from the start) or 'never: true'.");
            return null;
        }
        if (subject is null) return null;
        var ids = devices.Where(d => kind != "mtpRefused" || d.Role == DeviceRole.Pea).Where(d => Glob(subject).IsMatch(d.Id.Value)).Select(d => d.Id.Value).ToList();
        return kind switch
        {
            "onboarded" => new OnboardedExpectation(subject, ids, by, never) { Label = label },
            "secureBootRefused" => new SecureBootRefusedExpectation(subject, ids, by, never) { Label = label },
            _ => new MtpRefusedExpectation(subject, ids, by, never) { Label = label },
        };
    }
}
