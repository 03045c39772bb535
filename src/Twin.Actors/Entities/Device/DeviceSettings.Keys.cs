using Twin.Actors.Keys;

namespace Twin.Actors.Entities.Device;

public sealed partial record DeviceSettings
{
    /// <summary>Where the device generates and keeps its keys (design.keyStorage): software files, or a simulated TPM whose keys never leave it.</summary>
    public KeyStoreKind KeyStorage { get; init; } = KeyStoreKind.Software;
}
