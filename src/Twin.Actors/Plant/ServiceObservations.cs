using Twin.Actors.Clock;

namespace Twin.Actors.Plant;

/// <summary>
/// Makes what a POL sees through its service subscriptions counted simulation work. A data change travels from the PEA's server to
/// the POL on the server's publishing cycle (wall time), so without this the clock could move on before the POL journaled it, and
/// the instant and even the presence of an observation would depend on the machine's speed. Here each PEA reports the state every
/// service holds, each POL the services it watches and the state it last journaled for each; while a watched service holds a state
/// its watcher has not journaled, one piece of work is outstanding for that pair. The condition, not a count of notifications, is
/// kept: a server that folds two changes into one notification, or a watcher that sees an intermediate state late, never leaves work
/// counted for ever. A server that stops, or a watcher that closes its session, ends the watch (nothing more can arrive on it); so does a
/// session that dies under the watcher while the server keeps serving (<see cref="Lost"/>), which the watcher then reopens.
/// Thread-safe: PEAs report from their servers' threads, POLs from their own.
/// </summary>
public sealed class ServiceObservations
{
    /// <summary>The work label: what <see cref="SimulationWork.OutstandingByLabel"/> shows while an observation is on its way.</summary>
    public const string Label = "service-observation";

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Pea, string Service), string> _current = [];
    private readonly Dictionary<(string Pol, string Pea, string Service), Watcher> _watches = [];
    private readonly HashSet<(string Pol, string Pea)> _sessions = [];

    /// <summary>The PEA <paramref name="pea"/>'s service <paramref name="service"/> now holds <paramref name="state"/> (on its server, if one runs).</summary>
    public void Changed(SimulationWork work, string pea, string service, string state)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            _current[(pea, service)] = state;
            foreach (var (key, watch) in _watches)
                if (key.Pea == pea && key.Service == service) Settle(work, key, watch);
        }
    }

    /// <summary>The server of <paramref name="pea"/> stops: the subscriptions on it end, and with them every watch of its services.</summary>
    public void ServerStopped(SimulationWork work, string pea)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            _sessions.RemoveWhere(s => s.Pea == pea);
            foreach (var key in _watches.Keys.Where(k => k.Pea == pea).ToList()) End(work, key);
        }
    }

    /// <summary>
    /// <paramref name="pol"/> subscribed to <paramref name="services"/> of <paramref name="pea"/>; <paramref name="journaled"/> gives the
    /// state it last journaled for each (null: none). Call before the subscription's first values reach the POL.
    /// </summary>
    public void Watch(SimulationWork work, string pol, string pea, IEnumerable<string> services, Func<string, string?> journaled)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(journaled);
        lock (_gate)
        {
            _sessions.Add((pol, pea));
            foreach (var service in services)
            {
                var key = (pol, pea, service);
                if (_watches.ContainsKey(key)) End(work, key);
                var watch = new Watcher { Journaled = journaled(service) };
                _watches[key] = watch;
                Settle(work, key, watch);
            }
        }
    }

    /// <summary><paramref name="pol"/> has journaled (or had already journaled) that <paramref name="service"/> of <paramref name="pea"/> is in <paramref name="state"/>.</summary>
    public void Observed(SimulationWork work, string pol, string pea, string service, string state)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            if (!_watches.TryGetValue((pol, pea, service), out var watch)) return;
            watch.Journaled = state;
            Settle(work, (pol, pea, service), watch);
        }
    }

    /// <summary><paramref name="pol"/> closed its session with <paramref name="pea"/>: it watches none of its services any more.</summary>
    public void Unwatch(SimulationWork work, string pol, string pea)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            _sessions.Remove((pol, pea));
            foreach (var key in _watches.Keys.Where(k => k.Pol == pol && k.Pea == pea).ToList()) End(work, key);
        }
    }

    /// <summary>
    /// The session <paramref name="pol"/> watched <paramref name="pea"/> through closed by itself: its watches end. True when it died
    /// under a server that is still serving (a silent loss, the POL's to record and repair); false when the server's stop had already
    /// ended it (<see cref="ServerStopped"/> is told before a server closes its connections) or it was not watched.
    /// </summary>
    public bool Lost(SimulationWork work, string pol, string pea)
    {
        ArgumentNullException.ThrowIfNull(work);
        lock (_gate)
        {
            if (!_sessions.Remove((pol, pea))) return false;
            foreach (var key in _watches.Keys.Where(k => k.Pol == pol && k.Pea == pea).ToList()) End(work, key);
            return true;
        }
    }

    /// <summary>How many watched services hold a state their watcher has not journaled yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate) return _watches.Values.Count(w => w.Counted);
        }
    }

    // Counted while the PEA's state is known here (its server runs in this process) and differs from what the watcher journaled.
    private void Settle(SimulationWork work, (string Pol, string Pea, string Service) key, Watcher watch)
    {
        var owed = _current.TryGetValue((key.Pea, key.Service), out var current) && current != watch.Journaled;
        if (owed == watch.Counted) return;
        watch.Counted = owed;
        if (owed) work.Begin(Label);
        else work.Done(Label);
    }

    private void End(SimulationWork work, (string Pol, string Pea, string Service) key)
    {
        if (_watches.Remove(key, out var watch) && watch.Counted) work.Done(Label);
    }

    private sealed class Watcher
    {
        public string? Journaled { get; set; }
        public bool Counted { get; set; }
    }
}
