using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Projections;

/// <summary>One-line summaries of MTP service events: PEA state changes and the POL's orchestration.</summary>
public static class ServiceText
{
    /// <summary>The summary of <paramref name="e"/>, or null when it is not a service event.</summary>
    public static string? Describe(ITwinEvent e) => e switch
    {
        PeaServiceStateChanged s => s.Command is null
            ? $"service {s.Service}: {s.From} → {s.To}"
            : $"service {s.Service}: {s.Command} — {s.From} → {s.To}",
        PolServiceSessionOpened o => o.StatusCode == 0
            ? $"orchestration session with {o.Target} ({o.Reason}): subscribed to {o.Services.Count} service state(s)"
            : $"orchestration session with {o.Target} refused: {o.Status} — {o.Reason}",
        PolServiceSessionLost l => $"orchestration session with {l.Target} lost: {l.Status} — {l.Reason}",
        PolServiceObserved o => $"saw service {o.Service} of {o.Target} in {o.State}",
        PeaSiblingAttempted a => a.StatusCode == 0
            ? $"secure session with sibling server {a.Target}: {a.Reason}"
            : $"refused by or unable to reach sibling server {a.Target}: {a.Status} — {a.Reason}",
        PolServiceCalled c => $"called {c.Command} on service {c.Service} of {c.Target}: {c.Status}",
        _ => null,
    };
}
