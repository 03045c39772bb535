using Twin.Actors.Projections;

namespace Twin.Web.Live;

/// <summary>How much an event matters to someone watching the plant.</summary>
public enum EventLevel
{
    /// <summary>Normal operation: keys, requests, certificates, CRLs, secure sessions.</summary>
    Info,
    /// <summary>A change that may lead to trouble: a revocation, a CA cut off, a scenario step.</summary>
    Warning,
    /// <summary>Something failed: a refused session, a refused request, a lapsed CRL.</summary>
    Error,
}

/// <summary>Classifies events by severity from their kind and summary.</summary>
public static class EventSeverity
{
    /// <summary>The severity of <paramref name="e"/>.</summary>
    public static EventLevel Of(EventView e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind switch
        {
            "pol.attempt" => e.Summary.StartsWith("secure", StringComparison.Ordinal) ? EventLevel.Info : EventLevel.Error,
            "ca.refused" or "ca.crl-lapsed" => EventLevel.Error,
            "ca.revoked" or "timeline.applied" => EventLevel.Warning,
            "attack.attempted" => e.Summary.Contains(": refused by ", StringComparison.Ordinal) ? EventLevel.Warning : EventLevel.Error,
            "ca.reachability" => e.Summary.StartsWith("unreachable", StringComparison.Ordinal) ? EventLevel.Warning : EventLevel.Info,
            _ => EventLevel.Info,
        };
    }
}
