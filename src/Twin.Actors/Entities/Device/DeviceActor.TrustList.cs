using Akka.Event;
using Akka.Actor;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Trust;

namespace Twin.Actors.Entities.Device;

/// <summary>
/// The relying party's trust list. Live (the default, and push: the domain delivers each publication as it happens),
/// the device validates against the distribution point as it stands at each check. With a pull interval it fetches the
/// CRLs on its own schedule and validates against its last copy, so what it knows of a revocation lags by at most the
/// interval. It pulls when it starts and then on a grid of the interval counted from the Unix epoch — so a resumed run pulls
/// at the same instants as an uninterrupted one — at a priority after the authorities' and before its own probes at the same
/// instant. Its copy is journaled as CRL numbers; a restarted relying party reloads those very CRLs from the authorities'
/// journaled publications (before the clock goes on) and pulls next on its grid, as the uninterrupted one does.
/// </summary>
public sealed partial class DeviceActor
{
    private const string TrustListKey = "trust-list";
    private const string ReloadLabel = "trust-list-reload";
    private PulledTrustList? _pulled;
    private long _pulls;
    private IReadOnlyList<string> _lastPulled = [];
    private Clock.SimInstant _lastPulledAt;

    private bool IsRelyingParty => _settings.ServesOpcUa || _settings.ProbeTargets.Count > 0;

    private void ReceiveTrustList()
    {
        Recover<DeviceTrustListPulled>(e => { _lastPulled = e.Crls; _lastPulledAt = e.At; });
        Command<TrustListPullDue>(_ => PullTrustList());
        Command<TrustListReloaded>(OnTrustListReloaded);
        TrustCentreListBehaviour();
    }

    private void StartTrustListPulls()
    {
        StartTrustCentreListFetches();
        if (_settings.TrustListPull is null || !IsRelyingParty || _runtime is null) return;
        if (_lastPulled.Count == 0)
        {
            WakeAt(_clock.Now, new TrustListPullDue(), TrustListKey, priority: 4);
            return;
        }
        // Counted until the copy is back: the clock delivers nothing at the resume instant before it.
        Work.Begin(ReloadLabel);
        ReloadAsync(Context.System.Settings.Config, _run, _lastPulled).PipeTo(Self, success: crls => new TrustListReloaded(crls), failure: _ => new TrustListReloaded(null));
    }

    // The CRLs of the journaled copy ("name=number" lines), or null when one of them cannot be found.
    private static async Task<IReadOnlyDictionary<string, byte[]>?> ReloadAsync(Akka.Configuration.Config config, RunId run, IReadOnlyList<string> lines)
    {
        var crls = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var eq = line.LastIndexOf('=');
            if (eq <= 0 || !long.TryParse(line[(eq + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)) return null;
            if (await Persistence.JournalCrls.FindAsync(config, run, line[..eq], number).ConfigureAwait(false) is not { } der) return null;
            crls[line[..eq]] = der;
        }
        return crls;
    }

    private void OnTrustListReloaded(TrustListReloaded reloaded)
    {
        var now = _clock.Now;
        if (reloaded.Crls is { } crls)
        {
            _pulled = PulledTrustList.Take(new TrustView(0, [.. crls.Select(p => new CrlDistributionPoint.Entry([], false, p.Value) { Name = p.Key })], []), _lastPulledAt, ++_pulls);
            // On the grid the uninterrupted relying party pulls at this instant too (again, if it did before the kill: the same copy).
            var onGrid = NextPull(now.Add(TimeSpan.FromTicks(-1)), _settings.TrustListPull!.Value) == now;
            WakeAt(onGrid ? now : NextPull(now, _settings.TrustListPull!.Value), new TrustListPullDue(), TrustListKey, priority: 4);
        }
        else
        {
            _log.Warning("Device {0}: the trust list it pulled last ({1}) is not in the journal; it pulls again now.", Id, string.Join(", ", _lastPulled));
            WakeAt(now, new TrustListPullDue(), TrustListKey, priority: 4);
        }
        Work.Done(ReloadLabel);
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

    /// <summary>The CRLs of the copy journaled last, reloaded after a restart; null: not all of them were found.</summary>
    private sealed record TrustListReloaded(IReadOnlyDictionary<string, byte[]>? Crls);
}
