using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Commands;

/// <summary>Commands to a manufacturer entity.</summary>
public interface IManufacturerCommand;

/// <summary>
/// Production of <paramref name="Device"/>: the device generated its key in its key store and sends a PKCS#10 request with its serial
/// number in the subject; answered with <see cref="DeviceProduced"/> or <see cref="CertificateRefused"/>.
/// </summary>
public sealed record ProduceDevice(EntityId Device, byte[] CsrDer) : IManufacturerCommand;

/// <summary>
/// What leaves the factory: the IDevID and the manufacturer CA (the device's anchor for vouchers and firmware), signed firmware, and for a
/// PEA its signed MTP package (both empty for other devices).
/// </summary>
public sealed record DeviceProduced(byte[] IdevidDer, byte[] ManufacturerCaDer, FirmwareImage Firmware, byte[]? MtpManifest, byte[]? MtpSignatureCms);

/// <summary>A firmware image and its detached CMS signature.</summary>
public sealed record FirmwareImage(string Version, byte[] Image, byte[] SignatureCms);

/// <summary>Asks the manufacturer for firmware <paramref name="Version"/> for <paramref name="Device"/>, signed; answered with <see cref="FirmwareImage"/>.</summary>
public sealed record RequestFirmware(EntityId Device, string Version) : IManufacturerCommand;

/// <summary>
/// A registrar voucher request (RFC 8995 §5.5, CMS-signed JSON) for the MASA, from the registrar of <paramref name="Domain"/>; answered with
/// <see cref="MasaAnswer"/>.
/// </summary>
public sealed record MasaVoucherRequest(string Domain, byte[] RegistrarRequestCms) : IManufacturerCommand;

/// <summary>The MASA's answer: the voucher (CMS) or the reason it refused.</summary>
public sealed record MasaAnswer(bool Issued, byte[]? VoucherCms, string Reason);

/// <summary>Asks a manufacturer for its state; answered with <see cref="ManufacturerStatus"/>.</summary>
public sealed record GetManufacturerStatus : IManufacturerCommand;

/// <summary>A manufacturer's CA, MASA and signing certificates, and how many devices it made and vouchered.</summary>
public sealed record ManufacturerStatus(EntityId Manufacturer, byte[]? CaCertificateDer, byte[]? MasaCertificateDer, byte[]? SigningCertificateDer, int Produced, int Vouchered);

/// <summary>The pledge's voucher request for the registrar (as in RFC 8995 §5.2, in process): <paramref name="IdevidDer"/> is the TLS client certificate.</summary>
public sealed record BrskiVoucherRequest(byte[] VoucherRequestCms, byte[] IdevidDer, string Origin) : IRegistrarCommand;

/// <summary>The registrar's answer to a pledge: the voucher from the MASA, or why there is none.</summary>
public sealed record BrskiVoucherReply(bool Issued, byte[]? VoucherCms, string Reason);

/// <summary>The pledge's provisional TLS handshake with the registrar (RFC 8995 §5.1), in process: answered with <see cref="BrskiRegistrarHello"/>.</summary>
public sealed record BrskiHello : IRegistrarCommand;

/// <summary>The registrar's TLS server certificate as the pledge sees it (provisionally accepted) and the domain's name.</summary>
public sealed record BrskiRegistrarHello(string Domain, byte[] CertificateDer);

/// <summary>Asks a PEA for its MTP package; answered with <see cref="MtpPackageOffer"/>.</summary>
public sealed record GetMtpPackage : IDeviceCommand;

/// <summary>A PEA's MTP package: manifest and detached CMS signature (both null when it has none yet).</summary>
public sealed record MtpPackageOffer(EntityId Pea, byte[]? Manifest, byte[]? SignatureCms);

/// <summary>A firmware update for a device (a timeline step); <paramref name="Tampered"/>: the image is altered on its way to the device.</summary>
public sealed record UpdateFirmware(string Version, bool Tampered, string Requester) : IDeviceCommand;

/// <summary>Replaces a PEA's MTP package with a tampered copy (an attack on the package before the POL imports it).</summary>
public sealed record TamperMtpPackage(string Requester) : IDeviceCommand;

/// <summary>A clone device copies its original's IDevID and key and starts onboarding with them (a timeline step).</summary>
public sealed record StartCloneOnboarding(string Requester) : IDeviceCommand;
