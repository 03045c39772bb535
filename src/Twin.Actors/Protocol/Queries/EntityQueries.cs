using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Queries;

/// <summary>Asks a device for its state; answered with <see cref="DeviceStatus"/>.</summary>
public sealed record GetDeviceStatus : IDeviceCommand;

/// <summary>A device's state: its key reference, the certificate in use (DER) and how many it has installed in all (earlier ones are in the journal).</summary>
public sealed record DeviceStatus(EntityId Device, string? KeyRef, byte[]? Certificate, int CertificatesInstalled, bool EnrollmentPending)
{
    /// <summary>Taken out of service: its keys destroyed, nothing renewed again.</summary>
    public bool Decommissioned { get; init; }

    /// <summary>Sessions its OPC UA server holds now (orphans of lost connections included); null when it serves none.</summary>
    public int? ServerSessions { get; init; }
}
