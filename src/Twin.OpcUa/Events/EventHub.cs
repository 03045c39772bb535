using System.Collections.Concurrent;

namespace Twin.OpcUa.Events;

/// <summary>Something that receives a server's events: an event monitored item.</summary>
internal interface IEventListener
{
    void OnEvent(UaEvent e);
}

/// <summary>
/// The events of one server host, handed to every event monitored item as they are reported, on the reporting thread. Each item
/// filters and queues on its own; nothing here blocks.
/// </summary>
internal sealed class EventHub
{
    private readonly ConcurrentDictionary<IEventListener, byte> _listeners = new();

    public bool HasListeners => !_listeners.IsEmpty;

    public void Add(IEventListener listener) => _listeners.TryAdd(listener, 0);

    public void Remove(IEventListener listener) => _listeners.TryRemove(listener, out _);

    public void Report(UaEvent e)
    {
        foreach (var listener in _listeners.Keys) listener.OnEvent(e);
    }
}
