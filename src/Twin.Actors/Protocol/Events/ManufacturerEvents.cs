using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol.Events;

/// <summary>
/// The manufacturer set up its PKI: a self-signed manufacturer CA, and under it the MASA's voucher-signing certificate and the
/// code-signing certificate for firmware and MTP packages. Key references only; private keys stay in the key vault.
/// </summary>
[PersistedAs("mfr.established.v1")]
public sealed record ManufacturerEstablished(RunId Run, SimInstant At, EntityId Entity, string CaKeyRef, byte[] CaCertificateDer, string MasaKeyRef, byte[] MasaCertificateDer, string SigningKeyRef, byte[] SigningCertificateDer) : ITwinEvent;

/// <summary>At production the manufacturer CA issued <paramref name="Device"/> its IDevID (IEEE 802.1AR) with serial number <paramref name="SerialNumber"/>, sold to <paramref name="Owner"/>.</summary>
[PersistedAs("mfr.idevid-issued.v1")]
public sealed record IdevidIssued(RunId Run, SimInstant At, EntityId Entity, EntityId Device, string SerialNumber, string? Owner, byte[] CertificateDer) : ITwinEvent;

/// <summary>The MASA signed an RFC 8366 voucher for <paramref name="SerialNumber"/> pinning the registrar of <paramref name="Domain"/>: the voucher as sent.</summary>
[PersistedAs("mfr.voucher-issued.v1")]
public sealed record VoucherIssued(RunId Run, SimInstant At, EntityId Entity, string SerialNumber, string Domain, string Registrar, byte[] VoucherCms) : ITwinEvent;

/// <summary>The MASA refused a voucher request for <paramref name="SerialNumber"/> from the registrar of <paramref name="Domain"/>, and why.</summary>
[PersistedAs("mfr.voucher-refused.v1")]
public sealed record VoucherRefused(RunId Run, SimInstant At, EntityId Entity, string? SerialNumber, string Domain, string Reason) : ITwinEvent;

/// <summary>The manufacturer signed a firmware image (detached CMS) for <paramref name="Device"/>: version and SHA-256 of the image.</summary>
[PersistedAs("mfr.firmware-signed.v1")]
public sealed record FirmwareSigned(RunId Run, SimInstant At, EntityId Entity, EntityId Device, string Version, string ImageSha256) : ITwinEvent;

/// <summary>The manufacturer signed the MTP package of PEA <paramref name="Pea"/> (detached CMS over the manifest).</summary>
[PersistedAs("mfr.mtp-signed.v1")]
public sealed record MtpPackageSigned(RunId Run, SimInstant At, EntityId Entity, EntityId Pea, string ManifestSha256) : ITwinEvent;
