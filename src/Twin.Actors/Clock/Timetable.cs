using Akka.Actor;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Clock;

/// <summary>The clock's schedule: due instants in order, one entry per (target, key). Pure data; the clock actor drives it.</summary>
internal sealed class Timetable
{
    private readonly SortedSet<(SimInstant Due, long Order)> _queue = [];
    private readonly Dictionary<(IActorRef Target, string Key), (SimInstant Due, long Order, object Message)> _byKey = [];
    private readonly Dictionary<(SimInstant Due, long Order), (IActorRef Target, string Key)> _byOrder = [];
    private long _order;

    public SimInstant? NextDue => _queue.Count == 0 ? null : _queue.Min.Due;

    public int Count => _queue.Count;

    public void Add(ScheduleAt s)
    {
        Cancel(s.Target, s.Key);
        var slot = (s.Due, ++_order);
        _queue.Add(slot);
        _byKey[(s.Target, s.Key)] = (s.Due, slot.Item2, s.Message);
        _byOrder[slot] = (s.Target, s.Key);
    }

    public void Cancel(IActorRef target, string key)
    {
        if (!_byKey.Remove((target, key), out var existing)) return;
        _queue.Remove((existing.Due, existing.Order));
        _byOrder.Remove((existing.Due, existing.Order));
    }

    public void Forget(IActorRef target)
    {
        foreach (var key in _byKey.Keys.Where(k => k.Target.Equals(target)).ToList()) Cancel(key.Target, key.Key);
    }

    /// <summary>Removes and returns, in due order (ties in scheduling order), every entry due at or before <paramref name="now"/>.</summary>
    public List<(IActorRef Target, object Message)> TakeDue(SimInstant now)
    {
        var due = new List<(IActorRef, object)>();
        while (_queue.Count > 0 && _queue.Min.Due <= now)
        {
            var slot = _queue.Min;
            _queue.Remove(slot);
            var (target, key) = _byOrder[slot];
            _byOrder.Remove(slot);
            _byKey.Remove((target, key), out var entry);
            due.Add((target, entry.Message));
        }
        return due;
    }
}
