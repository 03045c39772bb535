using System.Collections.Immutable;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Certificates;

namespace Twin.Actors.Entities.Device;

/// <summary>Where secure boot stands: not checked yet (no firmware), passed, or failed (the device refuses to run).</summary>
public enum BootStatus
{
    /// <summary>No firmware checked yet.</summary>
    Unchecked,
    /// <summary>The installed firmware's signature is valid.</summary>
    Passed,
    /// <summary>The installed firmware's signature is not valid: the device refuses to run.</summary>
    Failed,
}

/// <summary>
/// What a device knows about its production and onboarding — IDevID, voucher, firmware, MTP package — and, for the POL, the MTP
/// packages it judged. Rebuilt from its events; pure.
/// </summary>
public sealed record DeviceOnboardingState(EntityId? Manufacturer, string? IdevidKeyRef, byte[]? IdevidDer, byte[]? ManufacturerCaDer, bool Stolen)
{
    /// <summary>A device before production.</summary>
    public static DeviceOnboardingState Empty { get; } = new(null, null, null, null, false);

    /// <summary>True once the device holds an IDevID.</summary>
    public bool HasIdevid => IdevidDer is not null;

    /// <summary>The IDevID.</summary>
    public Certificate? Idevid => IdevidDer is null ? null : Certificate.FromDer(IdevidDer);

    /// <summary>True once a voucher was accepted (the domain is pinned).</summary>
    public bool VoucherAccepted { get; init; }

    /// <summary>How many voucher requests and EST requests the device sent (names the randomness of the next).</summary>
    public int Requests { get; init; }

    /// <summary>The installed firmware: version, image and signature.</summary>
    public (string Version, byte[] Image, byte[] Signature)? Firmware { get; init; }

    /// <summary>Secure boot's last verdict.</summary>
    public BootStatus Boot { get; init; }

    /// <summary>A PEA's MTP package: manifest and signature.</summary>
    public (byte[] Manifest, byte[] Signature)? MtpPackage { get; init; }

    /// <summary>The POL: the SHA-256 of the last package judged for each PEA.</summary>
    public ImmutableDictionary<string, string> MtpJudged { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The POL: PEAs with a package it imported (the last good one stays in use after a refused one).</summary>
    public ImmutableHashSet<string> MtpImported { get; init; } = [];

    /// <summary>Returns the state after <paramref name="e"/>.</summary>
    public DeviceOnboardingState Apply(ITwinEvent e) => e switch
    {
        DeviceIdevidInstalled i => this with { Manufacturer = i.Manufacturer, IdevidKeyRef = i.KeyRef, IdevidDer = i.CertificateDer, ManufacturerCaDer = i.ManufacturerCaDer, Stolen = i.Stolen },
        DeviceVoucherRequested => this with { Requests = Requests + 1 },
        DeviceEstRequested => this with { Requests = Requests + 1 },
        DeviceVoucherChecked v => this with { VoucherAccepted = VoucherAccepted || v.Accepted },
        DeviceFirmwareInstalled f => this with { Firmware = (f.Version, f.Image, f.SignatureCms) },
        DeviceSecureBootChecked b => this with { Boot = b.Passed ? BootStatus.Passed : BootStatus.Failed },
        PeaMtpPackageReceived p => this with { MtpPackage = (p.Manifest, p.SignatureCms) },
        MtpPackageJudged j => this with
        {
            MtpJudged = MtpJudged.SetItem(j.Pea.Value, j.ManifestSha256),
            MtpImported = j.Imported ? MtpImported.Add(j.Pea.Value) : MtpImported,
        },
        _ => this,
    };
}
