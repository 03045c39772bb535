using Twin.Actors.Trust;

namespace Twin.Actors.Entities.Device;

public sealed partial class DeviceActor
{
    // The relying party's validator: anchored at its trust centre (if any), over the live distribution point.
    private PlantCertificateValidator TrustValidator() =>
        new(_runtime!.Distribution, _clock, _settings.TrustAnchor?.Value);
}
