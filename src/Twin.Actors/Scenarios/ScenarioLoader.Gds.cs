using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// design.gds (pull | push): PEA servers receive renewed certificates and trust lists from their operator domain's GDS over OPC UA.
public static partial class ScenarioLoader
{
    private static readonly string[] GdsModes = ["pull", "push"];

    private static GdsDelivery? ReadGds(ScenarioReader r, YamlMappingNode map)
    {
        var node = ScenarioReader.Get(map, "gds");
        var text = r.Text(node, "design.gds");
        switch (text)
        {
            case null: return null;
            case "pull": return GdsDelivery.Pull;
            case "push": return GdsDelivery.Push;
            default:
                r.Problem(node!, $"design.gds: '{text}' is not one of {string.Join(", ", GdsModes)} (leave it out to renew PEA servers in process).");
                return null;
        }
    }

    // Every PEA server must have a domain whose registrar runs its GDS: the domain it is a member of, or one whose issuing CA issues it.
    private static void CheckGds(ScenarioReader r, YamlNode? designNode, DesignKnobs design, IReadOnlyList<DeviceSpec> devices, IReadOnlyList<Entities.Registrar.RegistrarSettings> domains)
    {
        if (design.Gds is null || designNode is not YamlMappingNode map || ScenarioReader.Get(map, "gds") is not { } at) return;
        foreach (var pea in devices.Where(d => d.Role == DeviceRole.Pea))
        {
            if (Scenario.GdsDomainOf(pea, devices, domains) is { } domain)
            {
                if (domain.Mode != Entities.Registrar.RegistrarMode.Ca)
                    r.Problem(at, $"design.gds: domain '{domain.Domain}' runs in RA mode; its GDS signs with the domain's issuing CA in the twin, so it must run in CA mode (PEA '{pea.Id}').");
                continue;
            }
            r.Problem(at, $"design.gds: PEA '{pea.Id}' is in no operator domain and no domain's issuingCa is its CA ('{pea.Ca?.Value ?? "the root"}'); a GDS is run by a domain's registrar — add a domain with issuingCa: {pea.Ca?.Value ?? "ROOT"}.");
        }
        // With pull the POL is a GDS client as well. One without a domain would quietly renew in process while the design says every
        // OPC UA application pulls from its GDS: refused, as for a PEA, rather than guessed (which domain, in a plant with several?).
        if (design.Gds != GdsDelivery.Pull) return;
        foreach (var pol in devices.Where(d => d.Role == DeviceRole.Pol))
        {
            if (Scenario.GdsDomainOf(pol, devices, domains) is { } domain)
            {
                if (domain.Mode != Entities.Registrar.RegistrarMode.Ca)
                    r.Problem(at, $"design.gds: pull: domain '{domain.Domain}' runs in RA mode; its GDS signs with the domain's issuing CA in the twin, so it must run in CA mode (POL '{pol.Id}').");
                continue;
            }
            r.Problem(at, $"design.gds: pull makes the POL a GDS client, but POL '{pol.Id}' is in no operator domain and no domain's issuingCa is its CA ('{pol.Ca?.Value ?? "the root"}') — "
                + $"add it to a domain's members or a domain with issuingCa: {pol.Ca?.Value ?? "ROOT"} (with gds: push the POL renews in process: a client has no ServerConfiguration to push to).");
        }
    }
}
