using Twin.Actors.Entities.TrustCentre;

namespace Twin.Actors.Entities.Device;

public sealed partial record DeviceSettings
{
    /// <summary>
    /// The trust-list model: this relying party fetches its trust centre's signed list (every <see cref="TrustListPull"/>, else every
    /// list interval) and anchors only on the listed CAs at the required level or above; null: the cross-certification model.
    /// </summary>
    public TrustListDesign? TrustCentreList { get; init; }
}
