using Twin.Actors.Model;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Manufacturer;

/// <summary>A manufacturer: its CA, what it makes and for whom, and the MASA's policy.</summary>
/// <param name="Subject">The subject of the manufacturer CA (the IDevID issuer).</param>
/// <param name="Algorithm">The key algorithm of the manufacturer's CA, MASA and code-signing keys.</param>
/// <param name="Validity">How long the manufacturer CA is valid; IDevIDs, the MASA and the code-signing certificate live as long.</param>
public sealed record ManufacturerSettings(string Subject, KeyAlgorithm Algorithm, TimeSpan Validity)
{
    /// <summary>Where the manufacturer's CA, MASA and signing keys live (design.keyStorage for authorities).</summary>
    public Keys.KeyStoreKind KeyStorage { get; init; } = Keys.KeyStoreKind.Software;

    /// <summary>The devices and PEAs it makes, each with the operator domain it is sold to (the MASA's ownership record; null: not sold yet).</summary>
    public IReadOnlyDictionary<EntityId, string?> Products { get; init; } = new Dictionary<EntityId, string?>();

    /// <summary>The OPC UA ApplicationUri of each PEA it makes: what its MTP package names.</summary>
    public IReadOnlyDictionary<EntityId, string> PeaApplicationUris { get; init; } = new Dictionary<EntityId, string>();

    /// <summary>
    /// Clone detection: the MASA vouchers each serial number once. A second voucher request for a serial already onboarded (a clone with
    /// a stolen IDevID, or a factory-reset device) is refused. Off: every request from the owner's registrar gets a voucher.
    /// </summary>
    public bool OneVoucherPerSerial { get; init; } = true;

    /// <summary>The firmware version shipped from the factory.</summary>
    public string FirmwareVersion { get; init; } = "1.0.0";

    /// <summary>The serial number (X.520 serialNumber of the IDevID subject) of <paramref name="device"/>.</summary>
    public static string SerialOf(EntityId device) => "SN-" + device.Value.ToUpperInvariant();

    /// <summary>The serialNumber attribute of a distinguished name such as "CN=x,SERIALNUMBER=SN-1", or null.</summary>
    public static string? SerialIn(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var part in subject.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("SERIALNUMBER", StringComparison.OrdinalIgnoreCase)) return kv[1].Trim();
        }
        return null;
    }
}
