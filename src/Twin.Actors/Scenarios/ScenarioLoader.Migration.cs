using Twin.Actors.Entities.Registrar;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// timeline: migrate-algorithm — a domain moves to another signature suite (e.g. ECDSA to ML-DSA).
public static partial class ScenarioLoader
{
    private static TimelineStep? ReadMigration(ScenarioReader r, YamlMappingNode map, YamlNode item, TimeSpan? at, List<RegistrarSettings> domains, EntityId? rootId)
    {
        foreach (var key in new[] { "target", "reason", "reenrollAfter", "partner", "version", "tampered" })
            if (ScenarioReader.Get(map, key) is { } stray)
                r.Problem(stray, $"timeline.{key}: a migrate-algorithm step names its domain and algorithm only (the target is the domain's issuing CA).");
        var domainNode = r.Required(map, item, "domain", "migrate-algorithm step");
        var domainName = r.Text(domainNode, "timeline.domain");
        var algorithm = r.Enum(r.Required(map, item, "algorithm", "migrate-algorithm step"), "timeline.algorithm", KeyAlgorithms);
        if (at is null || domainName is null || algorithm is null) return null;
        var domain = domains.FirstOrDefault(d => d.Domain == domainName);
        if (domain is null)
        {
            var known = domains.Count == 0 ? "the scenario has no topology.domains" : "one of " + string.Join(", ", domains.Select(d => d.Domain));
            r.Problem(domainNode!, $"timeline.domain: '{domainName}' is not a domain of this scenario ({known}).");
            return null;
        }
        if (domain.IssuingCa == rootId)
        {
            r.Problem(domainNode!, $"timeline.domain: domain '{domainName}' is issued by the root CA '{rootId}'; migrate-algorithm rolls over a subordinate issuing CA (give the domain one).");
            return null;
        }
        return new TimelineStep(at.Value, TimelineAction.MigrateAlgorithm, domain.IssuingCa) { Algorithm = algorithm, Domain = domain.Domain, Members = domain.Members };
    }
}

// expect: keyAlgorithm — which algorithm the devices' certificates are for.
public static partial class ScenarioLoader
{
    private static KeyAlgorithmExpectation? KeyAlgorithmExpected(ScenarioReader r, YamlNode node, string label, IReadOnlyCollection<DeviceSpec> devices)
    {
        var what = label + ".keyAlgorithm";
        var map = r.Mapping(node, what, "device", "algorithm", "by", "never");
        if (map is null) return null;
        var subjectNode = r.Required(map, node, "device", what);
        var subject = r.Text(subjectNode, what + ".device");
        var algorithm = r.Enum(r.Required(map, node, "algorithm", what), what + ".algorithm", KeyAlgorithms);
        var by = r.Duration(ScenarioReader.Get(map, "by"), what + ".by");
        var never = r.Parse<bool>(ScenarioReader.Get(map, "never"), what + ".never", "true or false", t => bool.Parse(t)) ?? false;
        if ((by is null) == !never)
        {
            r.Problem(node, $"{what}: give either 'by' (a duration from the start) or 'never: true'.");
            return null;
        }
        if (subject is null || algorithm is null) return null;
        var ids = devices.Where(d => Glob(subject).IsMatch(d.Id.Value)).Select(d => d.Id.Value).ToList();
        if (ids.Count == 0)
        {
            r.Problem(subjectNode!, $"{what}.device: '{subject}' names no device of this scenario ('*' matches any characters).");
            return null;
        }
        return new KeyAlgorithmExpectation(subject, ids, algorithm.Value, by, never) { Label = label };
    }
}
