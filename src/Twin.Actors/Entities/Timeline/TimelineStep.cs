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
}

/// <summary>One step of a scenario's timeline: at <paramref name="After"/> from the run's start, <paramref name="Action"/> on <paramref name="Target"/>.</summary>
public sealed record TimelineStep(TimeSpan After, TimelineAction Action, EntityId Target)
{
    /// <summary>For <see cref="TimelineAction.Revoke"/>: the reason.</summary>
    public RevocationReason Reason { get; init; } = RevocationReason.KeyCompromise;

    /// <summary>The action's name as scenario files write it.</summary>
    public string ActionName => Action switch
    {
        TimelineAction.Revoke => "revoke",
        TimelineAction.CaOffline => "ca-offline",
        _ => "ca-online",
    };
}
