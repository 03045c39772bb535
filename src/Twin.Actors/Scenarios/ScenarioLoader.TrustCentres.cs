using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// `topology.trustCentres`, the `trustCentre:` a CA names, and the `partner:` of partner-join / partner-leave steps.
public static partial class ScenarioLoader
{
    private static List<TrustCentreSpec> ReadTrustCentres(ScenarioReader r, YamlNode? node, DesignKnobs design)
    {
        var centres = new List<TrustCentreSpec>();
        var seen = new HashSet<EntityId>();
        foreach (var item in r.Sequence(node, "topology.trustCentres")?.Children ?? [])
        {
            var map = r.Mapping(item, "trust centre", "id", "subject", "algorithm", "validity");
            if (map is null) continue;
            var id = Id(r, r.Required(map, item, "id", "trust centre"), "trustCentre.id");
            var subject = r.Text(r.Required(map, item, "subject", "trust centre"), "trustCentre.subject");
            var algorithm = r.Enum(ScenarioReader.Get(map, "algorithm"), "trustCentre.algorithm", KeyAlgorithms) ?? design.CaAlgorithm;
            var validity = r.Duration(ScenarioReader.Get(map, "validity"), "trustCentre.validity") ?? design.RootCaValidity;
            if (id is null || subject is null) continue;
            if (!seen.Add(id.Value))
            {
                r.Problem(item, $"trustCentre.id: '{id}' is used twice.");
                continue;
            }
            centres.Add(new TrustCentreSpec(id.Value, subject, algorithm, validity));
        }
        if (design.TrustList is not null && centres.Count == 0)
            r.Problem(node?.Start ?? YamlDotNet.Core.Mark.Empty, "design.trustModel: 'trust-list' needs trust centres to publish the lists (topology.trustCentres).");
        return centres;
    }

    // design.trustModel: cross-certification (default) or trust-list; design.requiredLevel and design.trustListInterval belong to trust-list.
    private static DesignKnobs ReadTrustModelKnobs(ScenarioReader r, YamlMappingNode map, DesignKnobs design)
    {
        var modelNode = ScenarioReader.Get(map, "trustModel");
        var model = r.Text(modelNode, "design.trustModel");
        var levelNode = ScenarioReader.Get(map, "requiredLevel");
        var intervalNode = ScenarioReader.Get(map, "trustListInterval");
        var level = r.Enum<Entities.TrustCentre.SecurityLevel>(levelNode, "design.requiredLevel");
        var interval = r.Duration(intervalNode, "design.trustListInterval");
        switch (model)
        {
            case null or "cross-certification":
                foreach (var (node, knob) in new[] { (levelNode, "requiredLevel"), (intervalNode, "trustListInterval") })
                    if (node is not null) r.Problem(node, $"design.{knob}: only the trust-list model has it (design.trustModel: trust-list).");
                return design;
            case "trust-list":
                return design with { TrustList = new Entities.TrustCentre.TrustListDesign(interval ?? TimeSpan.FromDays(1), level ?? Entities.TrustCentre.SecurityLevel.SL1) };
            default:
                r.Problem(modelNode!, $"design.trustModel: '{model}' is not one of cross-certification, trust-list.");
                return design;
        }
    }

    // A CA's level says how its trust centre lists it: only a CA that names a trust centre has one.
    private static Entities.TrustCentre.SecurityLevel? LevelOf(ScenarioReader r, YamlMappingNode? map, EntityId? trustCentre, string what)
    {
        var node = ScenarioReader.Get(map, "level");
        var level = r.Enum<Entities.TrustCentre.SecurityLevel>(node, what);
        if (node is not null && trustCentre is null) r.Problem(node, $"{what}: only a CA that names a trustCentre is listed at a level.");
        return level;
    }

    private static EntityId? TrustCentreOf(ScenarioReader r, YamlMappingNode? map, HashSet<EntityId> centres, string what)
    {
        var node = ScenarioReader.Get(map, "trustCentre");
        if (node is null) return null;
        var id = Id(r, node, what);
        if (id is { } tc && !centres.Contains(tc))
        {
            r.Problem(node, $"{what}: '{tc}' is not a trust centre of this scenario (topology.trustCentres).");
            return null;
        }
        return id;
    }

    // partner-join and partner-leave name two different trust centres; other actions take no partner.
    private static EntityId? PartnerOf(ScenarioReader r, YamlMappingNode map, YamlNode item, TimelineAction action, EntityId target, YamlNode targetNode, HashSet<EntityId> centres, out bool ok)
    {
        ok = true;
        var node = ScenarioReader.Get(map, "partner");
        var partnered = action is TimelineAction.PartnerJoin or TimelineAction.PartnerLeave;
        if (!partnered)
        {
            if (node is null) return null;
            r.Problem(node, "timeline.partner: only partner-join and partner-leave take a partner.");
            ok = false;
            return null;
        }
        if (!centres.Contains(target))
        {
            r.Problem(targetNode, $"timeline.target: '{target}' is not a trust centre of this scenario; partner-join and partner-leave apply to trust centres.");
            ok = false;
            return null;
        }
        var partner = Id(r, r.Required(map, item, "partner", "timeline step"), "timeline.partner");
        if (partner is not { } p)
        {
            ok = false;
            return null;
        }
        if (!centres.Contains(p) || p == target)
        {
            r.Problem(node!, $"timeline.partner: '{p}' is not a trust centre of this scenario other than the target.");
            ok = false;
            return null;
        }
        return p;
    }
}
