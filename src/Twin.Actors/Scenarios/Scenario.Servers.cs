using Twin.Actors.Entities.Device;
using Twin.Actors.Model;

namespace Twin.Actors.Scenarios;

public sealed partial record Scenario
{
    // The links of multi-server PEAs and the POL's orchestration: each server of a PEA opens SignAndEncrypt sessions to its siblings; only
    // a PEA's first server exposes its MTP services; the POL connects to every server and orchestrates every PEA's first server.
    private DeviceSettings WithServerLinks(DeviceSpec spec, DeviceSettings settings)
    {
        switch (spec.Role)
        {
            case DeviceRole.Pea:
                var pea = spec.ServerOf ?? spec.Id;
                var siblings = Devices.Where(d => d.Role == DeviceRole.Pea && (d.Id == pea || d.ServerOf == pea) && d.Id != spec.Id).Select(d => d.Id).ToList();
                return settings with
                {
                    ExposesServices = spec.ServerOf is null,
                    ProbeTargets = siblings,
                    CmpDomain = settings.CmpDomain ?? Domains.FirstOrDefault(x => x.Members.Contains(pea))?.Domain,
                };
            case DeviceRole.Pol:
                return settings with { OrchestrationTargets = [.. Devices.Where(d => d.Role == DeviceRole.Pea && d.ServerOf is null).Select(d => d.Id)] };
            default:
                return settings;
        }
    }
}
