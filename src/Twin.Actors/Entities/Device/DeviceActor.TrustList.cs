using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// The relying party's trust list. Live (the default, and push: the domain delivers each publication as it happens),
/// the device validates against the distribution point as it stands at each check. With a pull interval it fetches the
/// CRLs on its own schedule and validates against its last copy, so what it knows of a revocation lags by at most the
/// interval. It pulls when it starts (and after a restart: its copy is not journaled) and then on a grid of the interval
/// counted from the Unix epoch — so a resumed run pulls at the same instants as an uninterrupted one — at a priority after
/// the authorities' and before its own probes at the same instant.
/// </summary>
public sealed partial class DeviceActor
{
    private const string TrustListKey = "trust-list";
    private PulledTrustList? _pulled;
    private long _pulls;
    private IReadOnlyList<string> _lastPulled = [];

    private bool IsRelyingParty => _settings.ServesOpcUa || _settings.ProbeTargets.Count > 0;

    private void ReceiveTrustList()
    {
        Recover<DeviceTrustListPulled>(e => _lastPulled = e.Crls);
        Command<TrustListPullDue>(_ => PullTrustList());
        TrustCentreListBehaviour();
    }

    private void StartTrustListPulls()
    {
        StartTrustCentreListFetches();
        if (_settings.TrustListPull is null || !IsRelyingParty || _runtime is null) return;
        WakeAt(_clock.Now, new TrustListPullDue(), TrustListKey, priority: 4);
    }

    private void PullTrustList()
    {
        var now = _clock.Now;
        WakeAt(NextPull(now, _settings.TrustListPull!.Value), new TrustListPullDue(), TrustListKey, priority: 4);
        var copy = PulledTrustList.Take(_runtime!.Distribution.View(), now, ++_pulls);
        _pulled = copy; // one reference: validators on other threads see the old copy or the new, never a mix
        if (copy.Lines.SequenceEqual(_lastPulled, StringComparer.Ordinal)) return;
        Persist(new DeviceTrustListPulled(_run, now, Id, copy.Lines), e => _lastPulled = e.Crls);
    }

    // The relying party's validator: anchored at its trust centre (if any), over the live point or its pulled copy.
    private PlantCertificateValidator TrustValidator()
    {
        if (GdsManaged) return GdsValidator();
        var distribution = _runtime!.Distribution;
        if (_settings.TrustListPull is null) return new(distribution, _clock, _settings.TrustAnchor?.Value) { RevocationSource = OcspSource, ListedAnchors = TrustCentreAnchors };
        return new(() => _pulled is { } copy ? copy.Over(distribution.View()) : distribution.View(), _clock, _settings.TrustAnchor?.Value) { RevocationSource = OcspSource, ListedAnchors = TrustCentreAnchors };
    }

    /// <summary>The first instant after <paramref name="now"/> on the grid of <paramref name="interval"/> counted from the Unix epoch.</summary>
    internal static Clock.SimInstant NextPull(Clock.SimInstant now, TimeSpan interval)
    {
        var since = now.Utc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return now.Add(TimeSpan.FromTicks(interval.Ticks - (((since % interval.Ticks) + interval.Ticks) % interval.Ticks)));
    }

    /// <summary>The clock's wake-up: time to pull the trust list again.</summary>
    public sealed record TrustListPullDue;
}
