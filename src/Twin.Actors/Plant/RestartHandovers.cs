using System.Collections.Concurrent;
using Twin.Actors.Model;

namespace Twin.Actors.Plant;

/// <summary>
/// What an entity stopped in the middle of an exchange leaves to its next start in the same process: the plant's back-off
/// supervisor starts it again at once, and the answer it waited for would otherwise reach only the stopped start. A whole process
/// killed leaves nothing here (the journal decides then). One per plant start, so nothing crosses into a later run.
/// </summary>
public sealed class RestartHandovers
{
    private readonly ConcurrentDictionary<EntityId, object> _left = new();

    /// <summary>Leaves <paramref name="what"/> for <paramref name="entity"/>'s next start (replacing anything left before).</summary>
    public void Leave<T>(EntityId entity, T what) where T : class => _left[entity] = what;

    /// <summary>Takes what the last start of <paramref name="entity"/> left, once; null when it left nothing of that kind.</summary>
    public T? Take<T>(EntityId entity) where T : class => _left.TryRemove(entity, out var what) ? what as T : null;
}
