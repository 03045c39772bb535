using Twin.Actors.Model;
using Twin.Pki.Revocation;

namespace Twin.Actors.Entities.Timeline;

/// <summary>What a timeline step does.</summary>
public enum TimelineAction
{
    /// <summary>The target device's current certificate is revoked by its CA.</summary>
    Revoke,
    /// <summary>The target CA becomes unreachable.</summary>
    CaOffline,
    /// <summary>The target CA becomes reachable again.</summary>
    CaOnline,
    /// <summary>The target issuing CA rolls over to a new key certified by its parent (old and new overlap).</summary>
    Rollover,
    /// <summary>The target root CA updates its key and issues link certificates (RFC 4210 §4.4).</summary>
    RootKeyUpdate,
    /// <summary>The target issuing CA's key is compromised: revoked by its parent, replaced, its holders re-enrolled.</summary>
    CaCompromise,
    /// <summary>The target device is taken out of service: keys destroyed, certificate revoked (cessationOfOperation).</summary>
    Decommission,
    /// <summary>The target trust centre and its partner cross-certify each other (a partner JOINs).</summary>
    PartnerJoin,
    /// <summary>The target trust centre and its partner revoke their cross-certificates for each other (a partner LEAVEs).</summary>
    PartnerLeave,
    /// <summary>An attacker with a self-signed certificate opens a secure channel to the target PEA's server.</summary>
    RogueDevice,
    /// <summary>An attacker asks the target PEA for SecurityPolicy None; a man in the middle offers the POL only None.</summary>
    DowngradeNone,
    /// <summary>A rogue GDS tries to push its own CA into the target PEA's trust list.</summary>
    RogueGds,
    /// <summary>The target device installs a firmware update from its manufacturer (tampered on the way when the step says so).</summary>
    FirmwareUpdate,
    /// <summary>The target PEA's MTP package is replaced by a tampered copy.</summary>
    MtpTamper,
    /// <summary>The target clone copies its original's IDevID and onboards with it.</summary>
    CloneOnboard,
    /// <summary>The target domain's issuing CA rolls over to a key of another algorithm; the domain's registrar and members follow.</summary>
    MigrateAlgorithm,
}

/// <summary>One step of a scenario's timeline: at <paramref name="After"/> from the run's start, <paramref name="Action"/> on <paramref name="Target"/>.</summary>
public sealed record TimelineStep(TimeSpan After, TimelineAction Action, EntityId Target)
{
    /// <summary>For <see cref="TimelineAction.Revoke"/>: the reason.</summary>
    public RevocationReason Reason { get; init; } = RevocationReason.KeyCompromise;

    /// <summary>For <see cref="TimelineAction.CaCompromise"/>: how long after the compromise the affected entities re-enroll.</summary>
    public TimeSpan ReenrollAfter { get; init; } = TimeSpan.FromHours(4);

    /// <summary>For <see cref="TimelineAction.PartnerJoin"/> and <see cref="TimelineAction.PartnerLeave"/>: the other trust centre.</summary>
    public EntityId? Partner { get; init; }
    /// <summary>For <see cref="TimelineAction.FirmwareUpdate"/>: the version installed.</summary>
    public string Version { get; init; } = "2.0.0";

    /// <summary>For <see cref="TimelineAction.FirmwareUpdate"/>: the image is altered on its way to the device.</summary>
    public bool Tampered { get; init; }

    /// <summary>For <see cref="TimelineAction.MigrateAlgorithm"/>: the algorithm the domain moves to.</summary>
    public Twin.Pki.Keys.KeyAlgorithm? Algorithm { get; init; }

    /// <summary>For <see cref="TimelineAction.MigrateAlgorithm"/>: the domain (its registrar is told), with <see cref="Target"/> its issuing CA.</summary>
    public string? Domain { get; init; }

    /// <summary>For <see cref="TimelineAction.MigrateAlgorithm"/>: the domain's members, which generate keys of the new algorithm from their next renewal on.</summary>
    public IReadOnlyList<EntityId> Members { get; init; } = [];

    /// <summary>The action's name as scenario files write it.</summary>
    public string ActionName => Action switch
    {
        TimelineAction.Revoke => "revoke",
        TimelineAction.CaOffline => "ca-offline",
        TimelineAction.Rollover => "rollover",
        TimelineAction.RootKeyUpdate => "root-key-update",
        TimelineAction.CaCompromise => "ca-compromise",
        TimelineAction.Decommission => "decommission",
        TimelineAction.PartnerJoin => "partner-join",
        TimelineAction.PartnerLeave => "partner-leave",
        TimelineAction.RogueDevice => "rogue-device",
        TimelineAction.DowngradeNone => "downgrade-none",
        TimelineAction.RogueGds => "rogue-gds",
        TimelineAction.FirmwareUpdate => "firmware-update",
        TimelineAction.MtpTamper => "mtp-tamper",
        TimelineAction.CloneOnboard => "clone-onboard",
        TimelineAction.MigrateAlgorithm => "migrate-algorithm",
        _ => "ca-online",
    };
}
