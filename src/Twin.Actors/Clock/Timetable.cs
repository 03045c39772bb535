using Akka.Actor;
using Twin.Actors.Protocol.Commands;

namespace Twin.Actors.Clock;

/// <summary>
/// The clock's schedule, one entry per (target, key). Entries leave in a deterministic order:
/// due instant, then priority, then target path, then key — never arrival order, which depends on
/// thread timing. Pure data; the clock actor drives it.
/// </summary>
internal sealed class Timetable
{
    private readonly SortedSet<Slot> _queue = new(SlotComparer.Instance);
    private readonly Dictionary<(string Target, string Key), (Slot Slot, IActorRef Ref, object Message)> _entries = [];

    public SimInstant? NextDue => _queue.Count == 0 ? null : _queue.Min.Due;

    public int Count => _queue.Count;

    public void Add(ScheduleAt s)
    {
        var target = s.Target.Path.ToStringWithoutAddress();
        Remove(target, s.Key);
        var slot = new Slot(s.Due, s.Priority, target, s.Key);
        _queue.Add(slot);
        _entries[(target, s.Key)] = (slot, s.Target, s.Message);
    }

    public void Cancel(IActorRef target, string key) => Remove(target.Path.ToStringWithoutAddress(), key);

    /// <summary>Drops every entry that <paramref name="target"/> (this incarnation, not a successor at the same path) scheduled.</summary>
    public void Forget(IActorRef target)
    {
        foreach (var key in _entries.Where(p => p.Value.Ref.Equals(target)).Select(p => p.Key).ToList()) Remove(key.Target, key.Key);
    }

    /// <summary>Removes and returns the first entry, or null when empty.</summary>
    public (IActorRef Target, object Message)? TakeNext()
    {
        if (_queue.Count == 0) return null;
        var slot = _queue.Min;
        var entry = _entries[(slot.Target, slot.Key)];
        Remove(slot.Target, slot.Key);
        return (entry.Ref, entry.Message);
    }

    /// <summary>Removes and returns the first group: every entry sharing the earliest due instant and, within it, the lowest priority.</summary>
    public List<(IActorRef Target, object Message)> TakeNextGroup()
    {
        var group = new List<(IActorRef, object)>();
        if (_queue.Count == 0) return group;
        var (due, priority) = (_queue.Min.Due, _queue.Min.Priority);
        while (_queue.Count > 0 && _queue.Min.Due == due && _queue.Min.Priority == priority) group.Add(TakeNext()!.Value);
        return group;
    }

    /// <summary>Removes and returns, in order, every entry due at or before <paramref name="now"/>.</summary>
    public List<(IActorRef Target, object Message)> TakeDue(SimInstant now)
    {
        var due = new List<(IActorRef, object)>();
        while (_queue.Count > 0 && _queue.Min.Due <= now) due.Add(TakeNext()!.Value);
        return due;
    }

    private void Remove(string target, string key)
    {
        if (_entries.Remove((target, key), out var existing)) _queue.Remove(existing.Slot);
    }

    private readonly record struct Slot(SimInstant Due, int Priority, string Target, string Key);

    private sealed class SlotComparer : IComparer<Slot>
    {
        public static readonly SlotComparer Instance = new();

        public int Compare(Slot a, Slot b)
        {
            var c = a.Due.CompareTo(b.Due);
            if (c != 0) return c;
            c = a.Priority.CompareTo(b.Priority);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Target, b.Target);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        }
    }
}
