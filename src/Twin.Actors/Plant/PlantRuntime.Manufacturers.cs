using System.Collections.Concurrent;
using Akka.Actor;

namespace Twin.Actors.Plant;

/// <summary>A manufacturer as the plant reaches it: its actor, its CA certificate once it has one, and the domains it sells to.</summary>
public sealed record ManufacturerHandle(IActorRef Actor, byte[]? CaCertificateDer, IReadOnlySet<string> Customers);

/// <summary>A device's IDevID as an attacker with access to the device could read it (certificate, key reference, manufacturer).</summary>
public sealed record IdevidHandle(Model.EntityId Manufacturer, byte[] CertificateDer, string KeyRef, byte[] ManufacturerCaDer);

public sealed partial class PlantRuntime
{
    /// <summary>The manufacturers of the run, by entity id: where devices are produced and registrars send voucher requests (the MASA).</summary>
    public ConcurrentDictionary<string, ManufacturerHandle> Manufacturers { get; } = new(StringComparer.Ordinal);

    /// <summary>The device-like entities of the run, by entity id: where the POL fetches a PEA's MTP package.</summary>
    public ConcurrentDictionary<string, IActorRef> Devices { get; } = new(StringComparer.Ordinal);

    /// <summary>Every device's IDevID, by entity id: what a clone's attacker copies.</summary>
    public ConcurrentDictionary<string, IdevidHandle> Idevids { get; } = new(StringComparer.Ordinal);

    /// <summary>The manufacturer CAs of manufacturers that sell to <paramref name="domain"/>: the registrar's zero-touch allow-list.</summary>
    public IReadOnlyList<byte[]> ManufacturerCasFor(string domain) =>
        [.. Manufacturers.Values.Where(m => m.CaCertificateDer is not null && m.Customers.Contains(domain)).Select(m => m.CaCertificateDer!).OrderBy(Convert.ToHexString, StringComparer.Ordinal)];
}
