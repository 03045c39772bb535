using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Manufacturer;
using Twin.Actors.Model;
using Twin.Pki.Keys;

namespace Twin.Actors.Scenarios;

/// <summary>A manufacturer of the scenario: its CA and the devices and PEAs it makes.</summary>
public sealed record ManufacturerSpec(EntityId Id, string Subject, KeyAlgorithm Algorithm, TimeSpan Validity, IReadOnlyList<EntityId> Makes)
{
    /// <summary>The firmware version its devices leave the factory with.</summary>
    public string Firmware { get; init; } = "1.0.0";
}

public sealed partial record Scenario
{
    /// <summary>Manufacturers, each with the devices and PEAs it makes.</summary>
    public IReadOnlyList<ManufacturerSpec> Manufacturers { get; init; } = [];

    // The manufacturers' settings: the ownership record says which domain each product is sold to (its domain membership).
    private List<(EntityId, ManufacturerSettings)> ManufacturerSettingsOf() =>
        [.. Manufacturers.Select(m => (m.Id, new ManufacturerSettings(m.Subject, m.Algorithm, m.Validity)
        {
            KeyStorage = Design.KeyStorage.Ca,
            Products = m.Makes.ToDictionary(d => d, d => Domains.FirstOrDefault(x => x.Members.Contains(d))?.Domain),
            PeaApplicationUris = m.Makes.Where(d => Devices.Any(x => x.Id == d && x.Role == DeviceRole.Pea)).ToDictionary(d => d, d => $"urn:planttrust:{Run.Value}:{d.Value}"),
            OneVoucherPerSerial = Design.CloneDetection,
            FirmwareVersion = m.Firmware,
        }))];

    // A device made by a manufacturer is produced first; domain members onboard as the design says; a clone belongs where its original does;
    // the POL imports the MTP package of every PEA a manufacturer made.
    private DeviceSettings Manufactured(DeviceSpec spec, DeviceSettings settings)
    {
        var maker = Manufacturers.FirstOrDefault(m => m.Makes.Contains(spec.Id))?.Id;
        var domain = spec.CloneOf is { } original ? Domains.FirstOrDefault(x => x.Members.Contains(original)) : null;
        return settings with
        {
            Manufacturer = maker,
            Onboarding = Design.Onboarding,
            CloneOf = spec.CloneOf,
            CmpDomain = settings.CmpDomain ?? domain?.Domain,
            Ca = domain?.IssuingCa ?? settings.Ca,
            MtpTargets = spec.Role == DeviceRole.Pol ? [.. Manufacturers.SelectMany(m => m.Makes).Where(d => Devices.Any(x => x.Id == d && x.Role == DeviceRole.Pea))] : [],
        };
    }
}
