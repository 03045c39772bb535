using Twin.Actors.Model;

namespace Twin.Actors.Entities.Device;

/// <summary>How a domain member gets its first domain certificate (design knob <c>onboarding</c>).</summary>
public enum DeviceOnboarding
{
    /// <summary>CMP (RFC 9483): ir with a one-time secret, then kur.</summary>
    Cmp,
    /// <summary>EST (RFC 7030): simpleenroll authenticated by the IDevID (allow-listed), then simplereenroll with the LDevID.</summary>
    Est,
    /// <summary>BRSKI (RFC 8995) zero-touch: a voucher from the manufacturer's MASA first, then EST as above.</summary>
    Brski,
}

public sealed partial record DeviceSettings
{
    /// <summary>The manufacturer that makes the device: it is produced first (IDevID, firmware, MTP package for a PEA). Null: no manufacturer modelled.</summary>
    public EntityId? Manufacturer { get; init; }

    /// <summary>How a domain member (<see cref="CmpDomain"/>) enrolls: CMP, EST or BRSKI then EST.</summary>
    public DeviceOnboarding Onboarding { get; init; } = DeviceOnboarding.Cmp;

    /// <summary>A clone: dormant until a timeline step, then onboards with the IDevID and key copied from this device.</summary>
    public EntityId? CloneOf { get; init; }

    /// <summary>The POL: PEAs whose MTP package it imports (signature and signer chain checked) before it connects to them.</summary>
    public IReadOnlyList<EntityId> MtpTargets { get; init; } = [];
}
