using System.Collections.Immutable;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Projections;

public sealed partial class PlantReadModel
{
    private static bool IsManufacturing(ITwinEvent e) => e is ManufacturerEstablished or IdevidIssued or VoucherIssued or VoucherRefused or FirmwareSigned or MtpPackageSigned
        or DeviceIdevidInstalled or DeviceVoucherRequested or DeviceVoucherChecked or DeviceEstRequested or DeviceFirmwareInstalled or DeviceSecureBootChecked
        or PeaMtpPackageReceived or MtpPackageJudged;

    // A manufacturer is an entity holding its CA certificate; production, vouchers, boots and packages are its and its devices' history.
    // (A device's IDevID is not shown as its current certificate: it stays valid beside the LDevID, which would supersede it.)
    private static (ImmutableSortedDictionary<string, EntityView>, ImmutableDictionary<CertificateKey, string>) FoldManufacturing(
        ImmutableSortedDictionary<string, EntityView> entities, ImmutableDictionary<CertificateKey, string> holders, ITwinEvent e) => e switch
    {
        ManufacturerEstablished m => Install(entities, holders, m.Entity, EntityKinds.Manufacturer, m.At, m.CaCertificateDer, withKeyAlgorithm: true),
        IdevidIssued or VoucherIssued or VoucherRefused or FirmwareSigned or MtpPackageSigned => (Touch(entities, e.Entity, EntityKinds.Manufacturer, e.At), holders),
        _ => (Touch(entities, e.Entity, EntityKinds.Device, e.At), holders),
    };
}
