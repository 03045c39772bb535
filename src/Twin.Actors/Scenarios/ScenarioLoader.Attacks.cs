using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// The OPC UA attacks on the timeline (rogue-device, downgrade-none, rogue-gds) and their expectation (attackRefused).
// Reference: docs/scenarios.md.
public static partial class ScenarioLoader
{
    private static readonly string[] AttackNameList = [AttackNames.RogueDevice, AttackNames.DowngradeNone, AttackNames.RogueGds];

    private static TimelineAction? AttackAction(string? text) => text switch
    {
        AttackNames.RogueDevice => TimelineAction.RogueDevice,
        AttackNames.DowngradeNone => TimelineAction.DowngradeNone,
        AttackNames.RogueGds => TimelineAction.RogueGds,
        _ => null,
    };

    // An attack targets a PEA's server; the downgrade also puts a man in the middle before the POL, when there is one.
    private static TimelineStep? AttackStep(ScenarioReader r, TimelineAction action, TimeSpan at, EntityId target, YamlNode targetNode, IReadOnlyList<DeviceSpec> devices)
    {
        if (devices.FirstOrDefault(d => d.Id == target) is not { Role: DeviceRole.Pea })
        {
            r.Problem(targetNode, $"timeline.target: '{target}' is not a PEA of this scenario; the OPC UA attacks aim at a PEA's server.");
            return null;
        }
        var pol = action == TimelineAction.DowngradeNone ? devices.FirstOrDefault(d => d.Role == DeviceRole.Pol)?.Id : null;
        return new TimelineStep(at, action, target) { Partner = pol };
    }

    private static AttackRefusedExpectation? AttackRefused(ScenarioReader r, YamlNode node, string label, IReadOnlyCollection<DeviceSpec> devices)
    {
        var what = label + ".attackRefused";
        var map = r.Mapping(node, what, "target", "attack", "status", "refusedBy", "by");
        if (map is null) return null;
        var targetNode = r.Required(map, node, "target", what);
        var target = r.Text(targetNode, what + ".target");
        if (target is not null && !devices.Any(d => d.Role == DeviceRole.Pea && d.Id.Value == target))
        {
            r.Problem(targetNode!, $"{what}.target: '{target}' is not a PEA of this scenario.");
            target = null;
        }
        var attackNode = r.Required(map, node, "attack", what);
        var attack = r.Text(attackNode, what + ".attack");
        if (attack is not null && !AttackNameList.Contains(attack))
        {
            r.Problem(attackNode!, $"{what}.attack: '{attack}' is not one of {string.Join(", ", AttackNameList)}.");
            attack = null;
        }
        var statusNode = ScenarioReader.Get(map, "status");
        var status = r.Text(statusNode, what + ".status");
        if (status is not null && !(status.StartsWith("Bad", StringComparison.Ordinal) && status.All(char.IsAsciiLetterOrDigit)))
        {
            r.Problem(statusNode!, $"{what}.status: '{status}' is not an OPC UA Bad status name such as BadSecurityChecksFailed.");
            return null;
        }
        var refusedByNode = ScenarioReader.Get(map, "refusedBy");
        var refusedBy = r.Text(refusedByNode, what + ".refusedBy");
        if (refusedBy is not null && !devices.Any(d => d.Role != DeviceRole.Device && d.Id.Value == refusedBy))
        {
            r.Problem(refusedByNode!, $"{what}.refusedBy: '{refusedBy}' is not a PEA or the POL of this scenario.");
            return null;
        }
        var by = r.Duration(r.Required(map, node, "by", what), what + ".by");
        return target is null || attack is null || by is null ? null : new AttackRefusedExpectation(target, attack, status, refusedBy, by.Value) { Label = label };
    }
}
