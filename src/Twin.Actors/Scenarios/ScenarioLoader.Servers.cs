using System.Globalization;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// Multi-server PEAs: `servers: N` on a PEA lists its further OPC UA servers as entities of their own, PEA-s2 ... PEA-sN, each with its own
// application instance certificate from the PEA's CA (and domain), so that timeline steps and expectations can name one server.
public static partial class ScenarioLoader
{
    /// <summary>The most OPC UA servers one PEA may run.</summary>
    public const int MaxServersPerPea = 16;

    private static int ReadServers(ScenarioReader r, YamlMappingNode? map, DeviceRole role)
    {
        var node = ScenarioReader.Get(map, "servers");
        if (node is null) return 1;
        if (role != DeviceRole.Pea)
        {
            r.Problem(node, "device.servers: only a PEA runs OPC UA servers (list it under topology.peas).");
            return 1;
        }
        return r.Parse<int>(node, "pea.servers", $"a whole number from 1 to {MaxServersPerPea}",
            t => int.Parse(t, NumberStyles.Integer, CultureInfo.InvariantCulture) is var n && n is >= 1 and <= MaxServersPerPea ? n : null) ?? 1;
    }

    /// <summary>The PEA's server entities, named after it, PEA-s2 ... PEA-sN; false when a name is taken.</summary>
    internal static IEnumerable<EntityId> FurtherServers(EntityId pea, int servers) =>
        Enumerable.Range(2, Math.Max(0, servers - 1)).Select(k => new EntityId($"{pea.Value}-s{k.ToString(CultureInfo.InvariantCulture)}"));

    private static bool AddServers(ScenarioReader r, YamlNode idNode, List<DeviceSpec> devices, HashSet<string> seen, HashSet<EntityId> cas)
    {
        var pea = devices[^1];
        foreach (var server in FurtherServers(pea.Id, pea.Servers))
        {
            if (!seen.Add(server.Value) || cas.Contains(server))
            {
                r.Problem(idNode, $"pea.servers: the server entity '{server}' of {pea.Id} clashes with an id used elsewhere.");
                return false;
            }
            var subject = pea.Subject.Contains(pea.Id.Value, StringComparison.Ordinal) ? pea.Subject.Replace(pea.Id.Value, server.Value, StringComparison.Ordinal) : $"CN={server.Value}";
            devices.Add(new DeviceSpec(server, subject, pea.Lifetime, pea.Algorithm) { Ca = pea.Ca, Role = DeviceRole.Pea, ServerOf = pea.Id });
        }
        return true;
    }

    // A PEA's further servers enroll where the PEA does: members of its domains.
    private static List<RegistrarSettings> WithServers(List<RegistrarSettings> domains, IReadOnlyList<DeviceSpec> devices) =>
        [.. domains.Select(d => d with { Members = [.. d.Members.SelectMany(m => devices.Where(x => x.Id == m || x.ServerOf == m).Select(x => x.Id))] })];
}
