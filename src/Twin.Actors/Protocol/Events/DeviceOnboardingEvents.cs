using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// The device holds an IDevID: its key in the device's key store, the certificate from its manufacturer's CA. <paramref name="Stolen"/>:
/// a clone that copied another device's IDevID and key (an attack).
/// </summary>
[PersistedAs("dev.idevid-installed.v1")]
public sealed record DeviceIdevidInstalled(RunId Run, SimInstant At, EntityId Entity, EntityId Manufacturer, string KeyRef, byte[] CertificateDer, byte[] ManufacturerCaDer, bool Stolen) : ITwinEvent;

/// <summary>
/// A clone's attacker tried to copy the IDevID key of <paramref name="Original"/> and could not: the key is in the original's
/// TPM, generated inside and never exported (<paramref name="Reason"/> says so). The clone stays without an identity.
/// </summary>
[PersistedAs("dev.idevid-theft-failed.v1")]
public sealed record DeviceIdevidTheftFailed(RunId Run, SimInstant At, EntityId Entity, EntityId Original, string Reason) : ITwinEvent;

/// <summary>The pledge sent its CMS-signed voucher request (RFC 8995 §5.2) to the registrar of <paramref name="Domain"/>: the bytes as sent.</summary>
[PersistedAs("dev.voucher-requested.v1")]
public sealed record DeviceVoucherRequested(RunId Run, SimInstant At, EntityId Entity, string Domain, byte[] VoucherRequestCms) : ITwinEvent;

/// <summary>
/// The pledge's verdict on the registrar's answer (RFC 8995 §5.6.1): <paramref name="Accepted"/> with the voucher as received, or refused
/// (no voucher, or one that fails verification) with the reason.
/// </summary>
[PersistedAs("dev.voucher-checked.v1")]
public sealed record DeviceVoucherChecked(RunId Run, SimInstant At, EntityId Entity, string Domain, bool Accepted, byte[]? VoucherCms, string Reason) : ITwinEvent;

/// <summary>The device sent an EST request (RFC 7030 <paramref name="Operation"/>) to its registrar: the base64 body as on the wire.</summary>
[PersistedAs("dev.est-requested.v1")]
public sealed record DeviceEstRequested(RunId Run, SimInstant At, EntityId Entity, string Domain, string Operation, byte[] Body) : ITwinEvent;

/// <summary>The device installed firmware <paramref name="Version"/>: the image and its detached CMS signature as delivered.</summary>
[PersistedAs("dev.firmware-installed.v1")]
public sealed record DeviceFirmwareInstalled(RunId Run, SimInstant At, EntityId Entity, string Version, byte[] Image, byte[] SignatureCms) : ITwinEvent;

/// <summary>
/// Secure boot checked the installed firmware's signature against the manufacturer's firmware-signing certificate. When it fails the
/// device refuses to run: no enrollment, no OPC UA server.
/// </summary>
[PersistedAs("dev.secure-boot.v1")]
public sealed record DeviceSecureBootChecked(RunId Run, SimInstant At, EntityId Entity, string Version, bool Passed, string Reason) : ITwinEvent;

/// <summary>A PEA received its MTP package (manifest and detached CMS signature); <paramref name="Tampered"/> when an attacker altered it.</summary>
[PersistedAs("pea.mtp-package.v1")]
public sealed record PeaMtpPackageReceived(RunId Run, SimInstant At, EntityId Entity, byte[] Manifest, byte[] SignatureCms, bool Tampered) : ITwinEvent;

/// <summary>The POL judged <paramref name="Pea"/>'s MTP package: imported (signature and signer chain valid at the instant) or refused, and why.</summary>
[PersistedAs("pol.mtp-import.v1")]
public sealed record MtpPackageJudged(RunId Run, SimInstant At, EntityId Entity, EntityId Pea, string ManifestSha256, bool Imported, string Reason) : ITwinEvent;
