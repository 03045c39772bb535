using Twin.Actors.Model;

namespace Twin.Actors.Plant;

/// <summary>
/// What an entity stopped in the middle of an exchange leaves to its next start in the same process: the plant's back-off
/// supervisor starts it again at once, and the answer it waited for would otherwise reach only the stopped start. A whole process
/// killed leaves nothing here (the journal decides then). One per plant start, so nothing crosses into a later run.
/// When the run ends no entity starts again: <see cref="End"/> refuses what was left, and an entity stopping after it keeps nothing
/// here — its waiting parties hear a refusal at once instead of waiting out their own time-out.
/// </summary>
public sealed class RestartHandovers
{
    private readonly Dictionary<EntityId, Left> _left = [];
    private readonly Lock _gate = new();
    private bool _ended;

    // What was left, how many parties wait for it, and how to refuse them should no next start come.
    private sealed record Left(object What, int Waiting, Action Refuse);

    /// <summary>What the run's end refused: the entity that left it, and how many parties waited for it.</summary>
    public sealed record Refused(EntityId Entity, int Waiting);

    /// <summary>
    /// Leaves <paramref name="what"/> for <paramref name="entity"/>'s next start, with the <paramref name="waiting"/> parties it answers
    /// and how to <paramref name="refuse"/> them if the run ends first. False once the run has ended: nothing is left, and the caller
    /// refuses its waiting parties itself. Should a start stop again before it took over what its last start left, that is refused
    /// now (no start will take it any more) rather than dropped with its parties waiting.
    /// </summary>
    public bool Leave<T>(EntityId entity, T what, int waiting, Action refuse) where T : class
    {
        ArgumentNullException.ThrowIfNull(what);
        ArgumentNullException.ThrowIfNull(refuse);
        Left? replaced;
        lock (_gate)
        {
            if (_ended) return false;
            _left.Remove(entity, out replaced);
            _left[entity] = new Left(what, waiting, refuse);
        }
        replaced?.Refuse(); // outside the lock, as at the run's end
        return true;
    }

    /// <summary>Takes what the last start of <paramref name="entity"/> left, once; null when it left nothing of that kind.</summary>
    public T? Take<T>(EntityId entity) where T : class
    {
        lock (_gate)
            return _left.Remove(entity, out var left) ? left.What as T : null;
    }

    /// <summary>
    /// The run has ended: no entity starts again. Refuses the waiting parties of everything left (by the actions given with it) and
    /// returns whose it was; from now on <see cref="Leave{T}"/> keeps nothing. Ending again refuses nothing more.
    /// </summary>
    public IReadOnlyList<Refused> End()
    {
        List<Left> refusing;
        var refused = new List<Refused>();
        lock (_gate)
        {
            _ended = true;
            refusing = [.. _left.Values];
            refused.AddRange(_left.Select(l => new Refused(l.Key, l.Value.Waiting)));
            _left.Clear();
        }
        foreach (var left in refusing) left.Refuse(); // outside the lock: a refusal answers other parties
        return refused;
    }
}
