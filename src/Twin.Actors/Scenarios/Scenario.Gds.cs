using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Registrar;

namespace Twin.Actors.Scenarios;

/// <summary>How PEA servers receive renewed certificates and trust lists from their domain's GDS (design.gds).</summary>
public enum GdsDelivery
{
    /// <summary>Each PEA server calls its domain's GDS (OPC 10000-12 §7.9) at its renewal instant and on its trust-list schedule.</summary>
    Pull,

    /// <summary>The domain's GDS drives each PEA server's ServerConfiguration (OPC 10000-12 §7.10) as a management client.</summary>
    Push,
}

public sealed partial record Scenario
{
    /// <summary>The domain whose GDS manages a PEA server: the domain it is a member of (its PEA's, for a further server), else the first whose issuing CA is its CA.</summary>
    public static RegistrarSettings? GdsDomainOf(DeviceSpec device, IReadOnlyList<DeviceSpec> devices, IReadOnlyList<RegistrarSettings> domains)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(domains);
        var pea = device.ServerOf ?? device.Id;
        var ca = device.Ca ?? devices.FirstOrDefault(d => d.Id == pea)?.Ca;
        return domains.FirstOrDefault(x => x.Members.Contains(device.Id) || x.Members.Contains(pea))
            ?? domains.FirstOrDefault(x => ca is { } c ? x.IssuingCa == c : false);
    }

    // PEA servers either way; the POL (an OPC UA client: nothing to push to) when it pulls.
    private static bool GdsManages(DeviceSpec spec, GdsDelivery mode) => spec.Role == DeviceRole.Pea || (spec.Role == DeviceRole.Pol && mode == GdsDelivery.Pull);

    private DeviceSettings WithGds(DeviceSpec spec, DeviceSettings settings) =>
        Design.Gds is { } mode && GdsManages(spec, mode) && GdsDomainOf(spec, Devices, Domains) is { } domain
            ? settings with { Gds = mode, GdsDomain = domain.Domain, TrustListPull = null, GdsTrustListInterval = Design.TrustListPull ?? Design.CrlInterval }
            : Design.Gds == GdsDelivery.Push && spec.Role == DeviceRole.Pol ? settings with { PeaCertificatesPushed = true } : settings;

    private RegistrarSettings WithGdsServers(RegistrarSettings domain) =>
        Design.Gds is { } mode
            ? domain with
            {
                Gds = mode,
                GdsLifetime = Design.GdsLifetime ?? RegistrarSettings.DefaultGdsLifetime,
                GdsRenewAtFraction = Design.RenewAtFraction,
                GdsServers = [.. Devices.Where(d => GdsManages(d, mode) && GdsDomainOf(d, Devices, Domains)?.Domain == domain.Domain)
                    .Select(d => new GdsManagedServer(d.Id, $"urn:planttrust:{Run.Value}:{d.Id.Value}", d.Lifetime ?? Design.LifetimeFor(d.Role), Design.RenewAtFraction, TimeSpan.FromDays(1)))],
            }
            : domain;
}
