using Twin.Actors.Clock;
using Twin.Actors.Control;
using Twin.Actors.Projections;

namespace Twin.Web.Live;

/// <summary>
/// What every view of one dashboard circuit shows: the live plant, or — after a scrub — the plant as
/// it was at a past simulated instant, replayed from the journal. One per circuit; pages read it and
/// subscribe to <see cref="Changed"/> (throttled on their side).
/// </summary>
public sealed class PlantViewState : IDisposable
{
    private readonly IPlantReadModel _model;
    private readonly ITwinControl _control;
    private readonly IRunJournal _journal;
    private readonly LiveRunNotice? _notice;
    // Written by the circuit (scrub, back to live) and by the host replacing the run: one reference, swapped whole, under
    // _gate together with the turn that decides whether a replay still loading may be shown when it arrives.
    private readonly Lock _gate = new();
    private volatile Replay? _replay;
    private long _turn;

    /// <summary>Follows <paramref name="model"/> live until told to replay; when <paramref name="notice"/> says the live run was replaced, follows the new one.</summary>
    public PlantViewState(IPlantReadModel model, ITwinControl control, IRunJournal journal, LiveRunNotice? notice = null)
    {
        _model = model;
        _control = control;
        _journal = journal;
        _notice = notice;
        _model.Changed += OnModelChanged;
        if (_notice is not null) _notice.Replaced += OnRunReplaced;
    }

    /// <summary>Raised when the host serves another live run: a replay of the old run ended with it, and the views show the new one.</summary>
    public event Action? RunReplaced;

    /// <summary>Raised when what the views show changes: a live event, a scrub, or the return to live.</summary>
    public event Action? Changed;

    /// <summary>True while the views follow the running twin.</summary>
    public bool IsLive => _replay is null;

    /// <summary>The plant to show.</summary>
    public PlantSnapshot Snapshot => _replay is { } r ? r.Snapshot : _model.Current;

    /// <summary>The simulated instant statuses are judged at: now, or the replayed instant.</summary>
    public SimInstant Now => _replay is { } r ? r.At : _control.Clock.Now;

    /// <summary>
    /// Shows the plant as it was at <paramref name="at"/> (clamped to now) in every view of this circuit. Returns false when the
    /// replay was dropped: while it loaded, a later scrub, the return to live or another run (Stop then Start) came first, and
    /// what it loaded belongs to a moment — or a run — nobody looks at any more. A load that failed for that reason (the old
    /// run's journal closed under it) is dropped the same way instead of failing the circuit.
    /// </summary>
    public async Task<bool> ReplayAtAsync(SimInstant at, CancellationToken cancellationToken = default)
    {
        var ticket = Interlocked.Increment(ref _turn);
        var now = _control.Clock.Now;
        if (at > now) at = now;
        PlantSnapshot snapshot;
        try
        {
            snapshot = await _journal.SnapshotAtAsync(at, cancellationToken);
        }
        catch (Exception) when (Volatile.Read(ref _turn) != ticket)
        {
            return false;
        }
        lock (_gate)
        {
            if (Volatile.Read(ref _turn) != ticket) return false;
            _replay = new Replay(at, snapshot);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>Follows the running twin again (a scrub still loading is dropped).</summary>
    public void GoLive()
    {
        EndReplay();
        Changed?.Invoke();
    }

    // Every scrub, return to live and run replacement takes the next turn; a loaded replay is shown only while its turn is the last.
    private void EndReplay()
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _turn);
            _replay = null;
        }
    }

    private void OnModelChanged(PlantSnapshot _)
    {
        if (_replay is null) Changed?.Invoke();
    }

    private void OnRunReplaced()
    {
        EndReplay();
        RunReplaced?.Invoke();
        Changed?.Invoke();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _model.Changed -= OnModelChanged;
        if (_notice is not null) _notice.Replaced -= OnRunReplaced;
    }

    private sealed record Replay(SimInstant At, PlantSnapshot Snapshot);
}
