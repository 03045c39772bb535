using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Projections;

/// <summary>One line of text for the manufacturing events: production, vouchers, EST, secure boot, MTP packages.</summary>
public static class ManufacturingText
{
    /// <summary>The line for <paramref name="e"/>, or null when it is not a manufacturing event.</summary>
    public static string? Describe(ITwinEvent e) => e switch
    {
        ManufacturerEstablished m => $"manufacturer CA {Certificate.FromDer(m.CaCertificateDer).Subject} with its MASA and code-signing certificates",
        IdevidIssued i => $"produced {i.Device}: IDevID serial-number {i.SerialNumber}{(i.Owner is null ? "" : $", sold to domain {i.Owner}")}",
        VoucherIssued v => $"MASA vouchered {v.SerialNumber} to the registrar of domain {v.Domain} ({v.Registrar})",
        VoucherRefused v => $"MASA refused a voucher for {v.SerialNumber ?? "an unreadable request"} from domain {v.Domain}: {v.Reason}",
        FirmwareSigned f => $"signed firmware {f.Version} for {f.Device} (SHA-256 {f.ImageSha256[..16]}…)",
        MtpPackageSigned p => $"signed the MTP package of {p.Pea} (SHA-256 {p.ManifestSha256[..16]}…)",
        DeviceIdevidTheftFailed f => $"could not copy the IDevID key of {f.Original.Value}: it never leaves that device's TPM",
        DeviceIdevidInstalled i => i.Stolen
            ? $"installed an IDevID copied from another device: {Certificate.FromDer(i.CertificateDer).Subject} (a clone)"
            : $"holds its IDevID {Certificate.FromDer(i.CertificateDer).Subject} from {i.Manufacturer}",
        DeviceVoucherRequested v => $"sent a BRSKI voucher request to the registrar of domain {v.Domain}",
        DeviceVoucherChecked v => v.Accepted ? $"accepted the voucher: {v.Reason}" : $"no voucher from domain {v.Domain}: {v.Reason}",
        DeviceEstRequested q => $"sent an EST {q.Operation} to the registrar of domain {q.Domain}",
        DeviceFirmwareInstalled f => $"installed firmware {f.Version}",
        DeviceSecureBootChecked b => b.Passed ? $"secure boot passed firmware {b.Version}" : $"secure boot refused firmware {b.Version}: {b.Reason}",
        PeaMtpPackageReceived p => p.Tampered ? "its MTP package was replaced by a tampered copy" : "holds its signed MTP package",
        MtpPackageJudged j => j.Imported ? $"imported the MTP package of {j.Pea}" : $"refused the MTP package of {j.Pea}: {j.Reason}",
        _ => null,
    };
}
