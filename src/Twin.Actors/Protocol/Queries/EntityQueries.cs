using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Queries;

/// <summary>Asks a device for its state; answered with <see cref="DeviceStatus"/>.</summary>
public sealed record GetDeviceStatus : IDeviceCommand;

/// <summary>A device's state: its key reference and the certificates it installed, oldest first.</summary>
public sealed record DeviceStatus(EntityId Device, string? KeyRef, IReadOnlyList<byte[]> Certificates, bool EnrollmentPending)
{
    /// <summary>Taken out of service: its keys destroyed, nothing renewed again.</summary>
    public bool Decommissioned { get; init; }
}
