using Twin.Actors.Clock;
using Twin.Actors.Protocol.Events;

namespace Twin.Actors.Entities.Device;

// A relying party probes on a grid: a round when a certificate is installed (by enrollment, not by a GDS delivery), then one every
// ProbeInterval. A restarted entity keeps that grid instead of probing the moment it recovers — an extra round at the resume
// instant would journal attempts the uninterrupted run never made. The grid is rebuilt from the journal: the last installation
// and the targets attempted in the latest round.
public sealed partial class DeviceActor
{
    private SimInstant? _probeAnchor;
    private SimInstant? _anchorBefore;
    private SimInstant? _lastRound;
    private readonly HashSet<string> _lastRoundTargets = new(StringComparer.Ordinal);

    private void ProbeGridBehaviour()
    {
        Recover<ConnectionAttempted>(a => NoteAttempt(a.At, a.Target.Value));
        Recover<PeaSiblingAttempted>(a => NoteAttempt(a.At, a.Target.Value));
    }

    private void NoteAttempt(SimInstant at, string target)
    {
        if (_lastRound != at) _lastRoundTargets.Clear();
        _lastRound = at;
        _lastRoundTargets.Add(target);
    }

    private void NoteProbeAnchor(SimInstant installedAt)
    {
        _anchorBefore = _probeAnchor;
        _probeAnchor = installedAt;
    }

    // Recovered right after the installation it delivered (one write): that installation did not restart the grid.
    private void KeepProbeAnchor(SimInstant deliveredAt)
    {
        if (_probeAnchor == deliveredAt) _probeAnchor = _anchorBefore;
    }

    /// <summary>After a restart: the rest of the round due now (targets not yet attempted), or the next round on the grid.</summary>
    private void ResumeProbing()
    {
        if (_settings.ProbeTargets.Count == 0) return;
        var (due, done) = ProbeRound.Next(_probeAnchor, _settings.ProbeInterval, _clock.Now, _lastRound, _lastRoundTargets);
        WakeAt(due, new ProbeDue(done), ProbeKey, priority: 5);
    }
}

/// <summary>The probe grid's arithmetic: pure, so a resumed entity and a test agree on it.</summary>
internal static class ProbeRound
{
    /// <summary>
    /// When a restarted prober probes next, and which targets it skips then. Rounds fall at <paramref name="anchor"/> + k ×
    /// <paramref name="interval"/>. The latest round at or before <paramref name="now"/> was completed unless it is at
    /// <paramref name="now"/> itself (max mode moves on only when an instant's work is done): then it is finished, without
    /// the targets already attempted in it. With no anchor known (nothing installed by enrollment yet) it probes at once.
    /// </summary>
    public static (SimInstant Due, IReadOnlySet<string> Done) Next(SimInstant? anchor, TimeSpan interval, SimInstant now, SimInstant? lastRound, IReadOnlySet<string> lastRoundTargets)
    {
        var none = new HashSet<string>(StringComparer.Ordinal);
        if (anchor is not { } a || interval <= TimeSpan.Zero || now < a) return (now, none);
        var round = a.Add(TimeSpan.FromTicks((now - a).Ticks / interval.Ticks * interval.Ticks));
        if (round < now) return (round.Add(interval), none);
        return (now, lastRound == now ? new HashSet<string>(lastRoundTargets, StringComparer.Ordinal) : none);
    }
}
