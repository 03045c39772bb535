namespace Twin.Actors.Clock;

/// <summary>
/// Counts the work the clock's deliveries set off, so that max mode advances to the next instant
/// only when everything triggered at the current one has finished. Whoever starts work that
/// belongs to the simulation (a delivery, a message to another entity, a network exchange) calls
/// <see cref="Begin"/> before it starts and <see cref="Done"/> when it has finished — including
/// persisting its events. A parent's <see cref="Begin"/> for a child always comes before the
/// parent's own <see cref="Done"/>, so the count reaches zero only when the cascade is over.
/// </summary>
public sealed class SimulationWork
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byLabel = new(StringComparer.Ordinal);
    private readonly HashSet<string> _starting = new(StringComparer.Ordinal);
    private int _outstanding;
    private long _epoch;

    /// <summary>
    /// Raised (on the thread that finished the last piece) when no work is outstanding, with the
    /// number of that quiet spell. Everything the finished work sent was sent before this is raised.
    /// </summary>
    public event Action<long>? Quiescent;

    /// <summary>
    /// True when nothing is outstanding and no quiet spell later than <paramref name="epoch"/> began:
    /// the caller has seen the latest notice, so every message the finished work sent is ahead of it.
    /// </summary>
    public bool IsQuietAt(long epoch)
    {
        lock (_gate) return _outstanding == 0 && _epoch == epoch;
    }

    /// <summary>How many pieces of work are under way.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate) return _outstanding;
        }
    }

    /// <summary>How many entities have not yet reported that they started.</summary>
    public int Starting
    {
        get
        {
            lock (_gate) return _starting.Count;
        }
    }

    /// <summary>What is under way, by label: for diagnosing a stalled run.</summary>
    public IReadOnlyDictionary<string, int> OutstandingByLabel
    {
        get
        {
            lock (_gate)
            {
                var result = _byLabel.Where(p => p.Value > 0).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                foreach (var entity in _starting) result["start:" + entity] = 1;
                return result;
            }
        }
    }

    /// <summary>Notes that entity <paramref name="entity"/> is starting: max mode waits until it has recovered and scheduled its first wake-up.</summary>
    public void BeginStart(string entity)
    {
        lock (_gate)
        {
            if (_starting.Add(entity)) _outstanding++;
        }
    }

    /// <summary>Notes that <paramref name="entity"/> has started. Idempotent: a restarted entity calls it again harmlessly.</summary>
    public void CompleteStart(string entity)
    {
        long? quiet = null;
        lock (_gate)
        {
            if (!_starting.Remove(entity)) return;
            if (--_outstanding == 0) quiet = ++_epoch;
        }
        if (quiet is long epoch) Quiescent?.Invoke(epoch);
    }

    /// <summary>Notes that a piece of work labelled <paramref name="label"/> has started.</summary>
    public void Begin(string label)
    {
        lock (_gate)
        {
            _outstanding++;
            _byLabel[label] = _byLabel.GetValueOrDefault(label) + 1;
        }
    }

    /// <summary>Notes that a piece of work labelled <paramref name="label"/> has finished.</summary>
    public void Done(string label)
    {
        long? quiet = null;
        lock (_gate)
        {
            if (_byLabel.GetValueOrDefault(label) <= 0)
                throw new InvalidOperationException($"Simulation work '{label}' finished more often than it started.");
            _byLabel[label]--;
            if (--_outstanding == 0) quiet = ++_epoch;
        }
        if (quiet is long epoch) Quiescent?.Invoke(epoch);
    }
}
