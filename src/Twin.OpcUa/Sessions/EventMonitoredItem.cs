using Twin.OpcUa.Encoding;
using Twin.OpcUa.Events;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Sessions;

/// <summary>
/// A monitored EventNotifier attribute (Part 4 §5.12.1.5): the events of its notifier that pass the filter are queued as their selected
/// fields. When the queue is full, DiscardOldest drops the oldest event, otherwise the new one is dropped; either way one
/// EventQueueOverflowEventType event marks the loss (first in the queue with DiscardOldest, last without), until the queue is emptied.
/// The overflow event is not counted against the queue size and is not subject to the where clause. Audit events reach only
/// sessions holding one of the roles in <see cref="ServerOptions.AuditEventRoles"/>.
/// </summary>
internal sealed class EventMonitoredItem : IEventListener, IDisposable
{
    /// <summary>Queue size granted when a client asks for 0 (the server's choice) or more than the server allows.</summary>
    public const uint DefaultQueueSize = 1000, MaxQueueSize = 10_000;

    private readonly Lock _sync = new();
    private readonly LinkedList<(EventFieldList Fields, bool Overflow)> _queue = new();
    private readonly EventHub _hub;
    private readonly Session _session;
    private readonly IReadOnlySet<string> _auditRoles;
    private bool _overflowQueued;

    public EventMonitoredItem(uint id, MonitoredItemCreateRequest request, CompiledEventFilter filter, EventHub hub, Session session, IReadOnlySet<string> auditRoles)
    {
        Id = id;
        NotifierId = request.ItemToMonitor.NodeId;
        ClientHandle = request.RequestedParameters.ClientHandle;
        QueueSize = Revise(request.RequestedParameters.QueueSize);
        DiscardOldest = request.RequestedParameters.DiscardOldest;
        Mode = request.MonitoringMode;
        Filter = filter;
        _hub = hub;
        _session = session;
        _auditRoles = auditRoles;
        hub.Add(this);
    }

    public uint Id { get; }
    public NodeId NotifierId { get; }
    public uint ClientHandle { get; set; }
    public uint QueueSize { get; private set; }
    public bool DiscardOldest { get; set; }
    public CompiledEventFilter Filter { get; set; }

    private MonitoringMode _mode;

    /// <summary>Part 4 §5.12.4: Disabled drops what is queued; Sampling queues without reporting; Reporting queues and reports.</summary>
    public MonitoringMode Mode
    {
        get => _mode;
        set
        {
            lock (_sync)
            {
                _mode = value;
                if (value == MonitoringMode.Disabled) Clear();
            }
        }
    }

    public static uint Revise(uint requested) => requested is 0 or > MaxQueueSize ? (requested == 0 ? DefaultQueueSize : MaxQueueSize) : requested;

    /// <summary>Part 4 §5.12.3: a new queue size keeps the newest (DiscardOldest) or the oldest events.</summary>
    public void Resize(uint requested)
    {
        lock (_sync)
        {
            QueueSize = Revise(requested);
            while (Regular > QueueSize)
            {
                var victim = DiscardOldest ? FirstRegular() : LastRegular();
                _queue.Remove(victim!);
                MarkOverflow();
            }
        }
    }

    public void OnEvent(UaEvent e)
    {
        if (_mode == MonitoringMode.Disabled) return;
        if (NotifierId != WellKnownIds.Server && e.SourceNode != NotifierId) return;
        if (e.IsAudit && !_session.Roles.Overlaps(_auditRoles)) return;
        if (!Filter.Matches(e)) return;
        var fields = new EventFieldList { ClientHandle = ClientHandle, EventFields = Filter.Select(e) };
        lock (_sync)
        {
            if (_mode == MonitoringMode.Disabled) return;
            if (Regular >= QueueSize)
            {
                if (!DiscardOldest)
                {
                    MarkOverflow();
                    return;
                }
                _queue.Remove(FirstRegular()!);
                MarkOverflow();
            }
            _queue.AddLast((fields, false));
        }
    }

    /// <summary>Moves queued events to <paramref name="into"/> when reporting, at most <paramref name="max"/>.</summary>
    public void Drain(List<EventFieldList> into, int max)
    {
        if (_mode != MonitoringMode.Reporting) return;
        lock (_sync)
        {
            while (_queue.First is { } first && into.Count < max)
            {
                into.Add(first.Value.Fields);
                if (first.Value.Overflow) _overflowQueued = false;
                _queue.RemoveFirst();
            }
        }
    }

    private int Regular => _queue.Count - (_overflowQueued ? 1 : 0);

    private LinkedListNode<(EventFieldList, bool)>? FirstRegular()
    {
        for (var n = _queue.First; n is not null; n = n.Next) if (!n.Value.Item2) return n;
        return null;
    }

    private LinkedListNode<(EventFieldList, bool)>? LastRegular()
    {
        for (var n = _queue.Last; n is not null; n = n.Previous) if (!n.Value.Item2) return n;
        return null;
    }

    // Part 4 §5.12.1.5: one overflow event per overflow; it stays until the client has received it.
    private void MarkOverflow()
    {
        if (_overflowQueued) return;
        var overflow = UaEvent.Create(EventTypeIds.EventQueueOverflowEventType, WellKnownIds.Server, "Server", DateTime.UtcNow,
            "Events were lost: the monitored item's queue overflowed.", 1);
        var entry = (new EventFieldList { ClientHandle = ClientHandle, EventFields = Filter.Select(overflow) }, true);
        if (DiscardOldest) _queue.AddFirst(entry);
        else _queue.AddLast(entry);
        _overflowQueued = true;
    }

    private void Clear()
    {
        _queue.Clear();
        _overflowQueued = false;
    }

    public void Dispose() => _hub.Remove(this);
}
