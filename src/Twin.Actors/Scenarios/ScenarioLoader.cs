using System.Globalization;
using Twin.Actors.Clock;
using Twin.Actors.Model;
using Twin.Pki.Keys;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

/// <summary>
/// Loads scenario files (YAML; schema in scenarios/schema.json, reference in docs/scenarios.md).
/// Every problem is reported with file, line and column; a scenario with any problem is refused
/// whole, so a run never half-starts.
/// </summary>
public static partial class ScenarioLoader
{
    // Keys the twin can generate; KeyAlgorithm also names legacy ones it only reads.
    private static readonly KeyAlgorithm[] KeyAlgorithms =
        [KeyAlgorithm.EcdsaP256, KeyAlgorithm.EcdsaP384, KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa3072, KeyAlgorithm.Rsa4096, KeyAlgorithm.MlDsa44, KeyAlgorithm.MlDsa65, KeyAlgorithm.MlDsa87];

    private static readonly string[] TopKeys = ["name", "run", "seed", "start", "duration", "clock", "design", "topology", "timeline", "expect"];

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    public static Scenario LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException([new ScenarioProblem(path, 1, 1, $"cannot read the file: {e.Message}")]);
        }
        return Load(text, path);
    }

    /// <summary>Checks scenario <paramref name="yaml"/>; <paramref name="file"/> names it in problems.</summary>
    public static Scenario Load(string yaml, string file)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ScenarioException([new ScenarioProblem(file, (int)e.Start.Line, (int)e.Start.Column, "not valid YAML: " + e.Message)]);
        }
        if (stream.Documents.Count != 1)
            throw new ScenarioException([new ScenarioProblem(file, 1, 1, $"expected one YAML document, found {stream.Documents.Count}.")]);

        var r = new ScenarioReader(file);
        var root = r.Mapping(stream.Documents[0].RootNode, "scenario", TopKeys);
        var name = r.Text(r.Required(root, null, "name", "scenario"), "name") ?? "";
        var run = RunIdOf(r, ScenarioReader.Get(root, "run"), name);
        var seed = r.Parse<long>(ScenarioReader.Get(root, "seed"), "seed", "a whole number", t => long.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture));
        var start = r.Parse<DateTimeOffset>(r.Required(root, null, "start", "scenario"), "start", "an ISO 8601 instant such as 2030-01-01T00:00:00Z",
            t => DateTimeOffset.Parse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime());
        var duration = r.Duration(ScenarioReader.Get(root, "duration"), "duration");

        var clockNode = ScenarioReader.Get(root, "clock");
        var clock = r.Mapping(clockNode, "clock", "mode", "speed");
        var mode = r.Enum<ClockMode>(ScenarioReader.Get(clock, "mode"), "clock.mode") ?? ClockMode.Realtime;
        var speed = r.Number(ScenarioReader.Get(clock, "speed"), "clock.speed", 0.001, 1e9) ?? 1;

        var design = ReadDesign(r, ScenarioReader.Get(root, "design"));
        var topologyNode = r.Required(root, null, "topology", "scenario");
        var topology = r.Mapping(topologyNode, "topology", "rootCa", "cas", "devices", "peas", "pol", "domains", "trustCentres", "manufacturers");
        var trustCentres = ReadTrustCentres(r, ScenarioReader.Get(topology, "trustCentres"), design);
        var centreIds = trustCentres.Select(t => t.Id).ToHashSet();
        var rootCa = ReadRootCa(r, r.Required(topology, topologyNode, "rootCa", "topology"), design, centreIds);
        var subordinates = ReadSubordinates(r, ScenarioReader.Get(topology, "cas"), rootCa?.Id, design, centreIds);
        var caIds = new HashSet<EntityId>(subordinates.Select(c => c.Id));
        if (rootCa is not null) caIds.Add(rootCa.Id);
        caIds.UnionWith(centreIds);
        var devices = ReadDevices(r, ScenarioReader.Get(topology, "devices"), caIds, DeviceRole.Device);
        devices.AddRange(ReadDevices(r, ScenarioReader.Get(topology, "peas"), caIds, DeviceRole.Pea, devices.Select(d => d.Id)));
        if (ScenarioReader.Get(topology, "pol") is { } polNode)
            devices.AddRange(ReadDevices(r, new YamlSequenceNode(polNode), caIds, DeviceRole.Pol, devices.Select(d => d.Id)));

        var domains = WithServers(ReadDomains(r, ScenarioReader.Get(topology, "domains"), caIds, devices.Select(d => d.Id).ToHashSet(), file), devices);
        var manufacturers = ReadManufacturers(r, ScenarioReader.Get(topology, "manufacturers"), devices, caIds.Concat(devices.Select(d => d.Id)).ToHashSet(), design);
        CheckOnboarding(r, ScenarioReader.Get(root, "design"), design, domains, manufacturers, devices);
        CheckGds(r, ScenarioReader.Get(root, "design"), design, devices, domains);
        CheckRegistrarKeyStorage(r, ScenarioReader.Get(root, "design"), design, domains);
        var timeline = ReadTimeline(r, ScenarioReader.Get(root, "timeline"), caIds, devices, rootCa?.Id, centreIds, domains);
        var expectations = ReadExpectations(r, ScenarioReader.Get(root, "expect"), devices, caIds);

        if (r.Problems.Count > 0) throw new ScenarioException(r.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList());
        return new Scenario(name, run!.Value, seed, new SimInstant(start!.Value), duration, mode, speed, design, rootCa!, devices) { TrustCentres = trustCentres, Subordinates = subordinates, Timeline = timeline, Domains = domains, Expectations = expectations, Manufacturers = manufacturers };
    }

    private static RunId? RunIdOf(ScenarioReader r, YamlNode? node, string name)
    {
        var text = r.Text(node, "run") ?? Slug(name);
        try
        {
            return new RunId(text);
        }
        catch (ArgumentException)
        {
            r.Problem(node?.Start ?? Mark.Empty, $"run: '{text}' is not a run id (a-z, 0-9, '-', '_', up to 64).");
            return new RunId("invalid");
        }
    }

    private static string Slug(string name)
    {
        var slug = new string(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return slug.Length == 0 ? "run" : slug[..Math.Min(64, slug.Length)];
    }

    private static RootCaSpec? ReadRootCa(ScenarioReader r, YamlNode? node, DesignKnobs design, HashSet<EntityId> centres)
    {
        var map = r.Mapping(node, "topology.rootCa", "id", "subject", "algorithm", "validity", "trustCentre", "level");
        if (map is null) return null;
        var id = Id(r, r.Required(map, node, "id", "topology.rootCa"), "topology.rootCa.id");
        var subject = r.Text(r.Required(map, node, "subject", "topology.rootCa"), "topology.rootCa.subject");
        var algorithm = r.Enum(ScenarioReader.Get(map, "algorithm"), "topology.rootCa.algorithm", KeyAlgorithms) ?? design.CaAlgorithm;
        var validity = r.Duration(ScenarioReader.Get(map, "validity"), "topology.rootCa.validity") ?? design.RootCaValidity;
        var trustCentre = TrustCentreOf(r, map, centres, "topology.rootCa.trustCentre");
        if (id is { } rootId && centres.Contains(rootId)) r.Problem(node!, $"topology.rootCa.id: '{rootId}' is also a trust centre's id.");
        var level = LevelOf(r, map, trustCentre, "topology.rootCa.level");
        return id is null || subject is null ? null : new RootCaSpec(id.Value, subject, algorithm, validity) { TrustCentre = trustCentre, Level = level };
    }

    private static List<Entities.Timeline.TimelineStep> ReadTimeline(ScenarioReader r, YamlNode? node, HashSet<EntityId> cas, List<DeviceSpec> deviceSpecs, EntityId? rootId, HashSet<EntityId> centres, List<Entities.Registrar.RegistrarSettings> domains)
    {
        var steps = new List<Entities.Timeline.TimelineStep>();
        var devices = deviceSpecs.Select(d => d.Id).ToHashSet();
        foreach (var item in r.Sequence(node, "timeline")?.Children ?? [])
        {
            var map = r.Mapping(item, "timeline step", "at", "action", "target", "reason", "reenrollAfter", "partner", "version", "tampered", "domain", "algorithm");
            if (map is null) continue;
            var at = r.Duration(r.Required(map, item, "at", "timeline step"), "timeline.at");
            var actionNode = r.Required(map, item, "action", "timeline step");
            var actionText = r.Text(actionNode, "timeline.action");
            if (actionText == "migrate-algorithm")
            {
                if (ReadMigration(r, map, item, at, domains, rootId) is { } migration) steps.Add(migration);
                continue;
            }
            foreach (var key in new[] { "domain", "algorithm" })
                if (ScenarioReader.Get(map, key) is { } stray) r.Problem(stray, $"timeline.{key}: only migrate-algorithm steps take '{key}'.");
            var targetNode = r.Required(map, item, "target", "timeline step");
            var target = Id(r, targetNode, "timeline.target");
            var reason = r.Enum(ScenarioReader.Get(map, "reason"), "timeline.reason",
                Enum.GetValues<Twin.Pki.Revocation.RevocationReason>().Where(v => v != Twin.Pki.Revocation.RevocationReason.RemoveFromCrl).ToList()) ?? Twin.Pki.Revocation.RevocationReason.KeyCompromise;
            Entities.Timeline.TimelineAction? action = actionText switch
            {
                "revoke" => Entities.Timeline.TimelineAction.Revoke,
                "ca-offline" => Entities.Timeline.TimelineAction.CaOffline,
                "ca-online" => Entities.Timeline.TimelineAction.CaOnline,
                "rollover" => Entities.Timeline.TimelineAction.Rollover,
                "root-key-update" => Entities.Timeline.TimelineAction.RootKeyUpdate,
                "ca-compromise" => Entities.Timeline.TimelineAction.CaCompromise,
                "decommission" => Entities.Timeline.TimelineAction.Decommission,
                "partner-join" => Entities.Timeline.TimelineAction.PartnerJoin,
                "partner-leave" => Entities.Timeline.TimelineAction.PartnerLeave,
                null => null,
                _ => ManufacturingAction(actionText) ?? AttackAction(actionText),
            };
            if (actionText is not null && action is null)
                r.Problem(actionNode!, $"timeline.action: '{actionText}' is not one of revoke, decommission, ca-offline, ca-online, rollover, root-key-update, ca-compromise, migrate-algorithm, partner-join, partner-leave, firmware-update, mtp-tamper, clone-onboard, rogue-device, downgrade-none, rogue-gds.");
            if (at is null || action is null || target is null) continue;
            if (action is Entities.Timeline.TimelineAction.RogueDevice or Entities.Timeline.TimelineAction.DowngradeNone or Entities.Timeline.TimelineAction.RogueGds)
            {
                if (AttackStep(r, action.Value, at.Value, target.Value, targetNode!, deviceSpecs) is { } attack) steps.Add(attack);
                continue;
            }
            if (action is Entities.Timeline.TimelineAction.FirmwareUpdate or Entities.Timeline.TimelineAction.MtpTamper or Entities.Timeline.TimelineAction.CloneOnboard)
            {
                if (ManufacturingTargetProblem(action.Value, target.Value, deviceSpecs) is { } wrong) { r.Problem(targetNode!, wrong); continue; }
                var tampered = r.Parse<bool>(ScenarioReader.Get(map, "tampered"), "timeline.tampered", "true or false", t => bool.Parse(t)) ?? false;
                steps.Add(new Entities.Timeline.TimelineStep(at.Value, action.Value, target.Value) { Version = r.Text(ScenarioReader.Get(map, "version"), "timeline.version") ?? "2.0.0", Tampered = tampered });
                continue;
            }
            var onDevice = action is Entities.Timeline.TimelineAction.Revoke or Entities.Timeline.TimelineAction.Decommission;
            var wanted = onDevice ? devices : cas;
            if (!wanted.Contains(target.Value))
            {
                r.Problem(targetNode!, $"timeline.target: '{target}' is not a {(onDevice ? "device" : "CA")} of this scenario.");
                continue;
            }
            if (CaKeyChangeProblem(action.Value, target.Value, rootId) is { } keyChange)
            {
                r.Problem(targetNode!, keyChange);
                continue;
            }
            var reenrollAfter = r.Duration(ScenarioReader.Get(map, "reenrollAfter"), "timeline.reenrollAfter");
            var partner = PartnerOf(r, map, item, action.Value, target.Value, targetNode!, centres, out var partnerOk);
            if (!partnerOk) continue;
            steps.Add(new Entities.Timeline.TimelineStep(at.Value, action.Value, target.Value) { Reason = reason, ReenrollAfter = reenrollAfter ?? TimeSpan.FromHours(4), Partner = partner });
        }
        return steps;
    }

    // A root updates its key (link certificates); an issuing CA rolls over or is compromised under its parent.
    private static string? CaKeyChangeProblem(Entities.Timeline.TimelineAction action, EntityId target, EntityId? rootId) => action switch
    {
        Entities.Timeline.TimelineAction.RootKeyUpdate when target != rootId => $"timeline.target: '{target}' is not the root CA; root-key-update applies to the root only.",
        Entities.Timeline.TimelineAction.Rollover or Entities.Timeline.TimelineAction.CaCompromise when target == rootId =>
            $"timeline.target: '{target}' is the root CA; rollover and ca-compromise apply to a subordinate CA (a root updates its key with root-key-update).",
        _ => null,
    };

    private static List<SubordinateCaSpec> ReadSubordinates(ScenarioReader r, YamlNode? node, EntityId? root, DesignKnobs design, HashSet<EntityId> centres)
    {
        var cas = new List<SubordinateCaSpec>();
        var known = new HashSet<EntityId>(centres); // a trust centre may certify an operator CA directly
        if (root is { } rootId) known.Add(rootId);
        foreach (var item in r.Sequence(node, "topology.cas")?.Children ?? [])
        {
            var map = r.Mapping(item, "ca", "id", "parent", "subject", "algorithm", "validity", "profile", "standby", "trustCentre", "level");
            if (map is null) continue;
            var id = Id(r, r.Required(map, item, "id", "ca"), "ca.id");
            var parentNode = r.Required(map, item, "parent", "ca");
            var parent = Id(r, parentNode, "ca.parent");
            var subject = r.Text(r.Required(map, item, "subject", "ca"), "ca.subject");
            var algorithm = r.Enum(ScenarioReader.Get(map, "algorithm"), "ca.algorithm", KeyAlgorithms) ?? design.CaAlgorithm;
            var validity = r.Duration(ScenarioReader.Get(map, "validity"), "ca.validity") ?? design.CaValidity;
            var profile = r.Enum(ScenarioReader.Get(map, "profile"), "ca.profile", [Twin.Pki.Authority.CertificateProfile.IssuingCa, Twin.Pki.Authority.CertificateProfile.IntermediateCa])
                ?? Twin.Pki.Authority.CertificateProfile.IssuingCa;
            if (id is null || parent is null || subject is null) continue;
            if (!known.Contains(parent.Value))
            {
                r.Problem(parentNode!, $"ca.parent: '{parent}' is not the root, a trust centre or a CA listed before '{id}'.");
                continue;
            }
            if (!known.Add(id.Value))
            {
                r.Problem(item, $"ca.id: '{id}' is used twice.");
                continue;
            }
            var standby = r.Text(ScenarioReader.Get(map, "standby"), "ca.standby");
            var trustCentre = TrustCentreOf(r, map, centres, "ca.trustCentre");
            var level = LevelOf(r, map, trustCentre, "ca.level");
            cas.Add(new SubordinateCaSpec(id.Value, parent.Value, subject, algorithm, validity, profile) { Standby = standby, TrustCentre = trustCentre, Level = level });
        }
        return cas;
    }

    private static List<DeviceSpec> ReadDevices(ScenarioReader r, YamlNode? node, HashSet<EntityId> cas, DeviceRole role, IEnumerable<EntityId>? taken = null)
    {
        var devices = new List<DeviceSpec>();
        var seen = new HashSet<string>((taken ?? []).Select(t => t.Value), StringComparer.Ordinal);
        var what = role switch { DeviceRole.Pea => "pea", DeviceRole.Pol => "pol", _ => "device" };
        foreach (var item in r.Sequence(node, "topology.devices")?.Children ?? [])
        {
            var map = role == DeviceRole.Pol
                ? r.Mapping(item, what, "id", "subject", "lifetime", "algorithm", "ca", "probe")
                : r.Mapping(item, what, "id", "subject", "lifetime", "algorithm", "count", "ca", "cloneOf", "servers");
            var servers = ReadServers(r, map, role);
            var cloneNode = ScenarioReader.Get(map, "cloneOf");
            var cloneOf = cloneNode is null ? null : Id(r, cloneNode, "device.cloneOf");
            if (cloneOf is { } original && (role != DeviceRole.Device || !seen.Contains(original.Value)))
            {
                r.Problem(cloneNode!, $"device.cloneOf: '{original}' is not a device listed before this one (a clone copies a plain device's IDevID).");
                continue;
            }
            if (map is null) continue;
            var count = r.Parse<int>(ScenarioReader.Get(map, "count"), "device.count", "a whole number from 1 to 100000",
                t => int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture) is var n && n is >= 1 and <= 100_000 ? n : null) ?? 1;
            var idNode = r.Required(map, item, "id", "device");
            var idPattern = r.Text(idNode, "device.id");
            var subjectPattern = r.Text(ScenarioReader.Get(map, "subject"), "device.subject") ?? "CN={id}";
            var lifetime = r.Duration(ScenarioReader.Get(map, "lifetime"), "device.lifetime");
            var algorithm = r.Enum(ScenarioReader.Get(map, "algorithm"), "device.algorithm", KeyAlgorithms);
            var caNode = ScenarioReader.Get(map, "ca");
            var ca = caNode is null ? null : Id(r, caNode, "device.ca");
            if (ca is { } caId && !cas.Contains(caId))
            {
                r.Problem(caNode!, $"device.ca: '{caId}' is not a CA of this scenario.");
                continue;
            }
            if (idPattern is null) continue;
            if (count > 1 && !idPattern.Contains("{n}", StringComparison.Ordinal))
            {
                r.Problem(idNode!, $"device.id: with count {count} the id needs '{{n}}' (the device's number, 1 to {count}), e.g. 'device-{{n}}'.");
                continue;
            }
            var width = count.ToString(CultureInfo.InvariantCulture).Length;
            for (var n = 1; n <= count; n++)
            {
                var idText = idPattern.Replace("{n}", n.ToString(CultureInfo.InvariantCulture).PadLeft(Math.Max(3, width), '0'), StringComparison.Ordinal);
                var id = Id(r, idNode, "device.id", idText);
                if (id is null) break;
                if (!seen.Add(id.Value.Value) || cas.Contains(id.Value))
                {
                    r.Problem(idNode!, $"device.id: '{id.Value}' is used twice.");
                    break;
                }
                devices.Add(new DeviceSpec(id.Value, subjectPattern.Replace("{id}", id.Value.Value, StringComparison.Ordinal), lifetime, algorithm)
                {
                    Ca = ca,
                    Role = role,
                    CloneOf = cloneOf,
                    ProbeInterval = role == DeviceRole.Pol ? r.Duration(ScenarioReader.Get(map, "probe"), "pol.probe") : null,
                    Servers = servers,
                });
                if (!AddServers(r, idNode!, devices, seen, cas)) break;
            }
        }
        return devices;
    }

    private static EntityId? Id(ScenarioReader r, YamlNode? node, string what, string? text = null)
    {
        text ??= r.Text(node, what);
        if (text is null) return null;
        try
        {
            return new EntityId(text);
        }
        catch (ArgumentException)
        {
            r.Problem(node!, $"{what}: '{text}' is not an entity id (a-z, 0-9, '-', '.', '_', starting with a letter or digit).");
            return null;
        }
    }
}
