using Twin.OpcUa.Encoding;
using Twin.OpcUa.Events;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Sessions;

internal sealed partial class Subscription
{
    private readonly List<MonitoredItemNotification> _carryOver = [];
    private readonly List<EventFieldList> _carryOverEvents = [];
    private readonly Dictionary<uint, EventMonitoredItem> _eventItems = [];

    public MonitoredItemCreateResult AddItem(MonitoredItemCreateRequest request, Node? node, DataValue initial, TimestampsToReturn timestamps)
    {
        lock (_sync)
        {
            var id = _nextItemId++;
            var item = new MonitoredItem(id, request, node as VariableNode, initial, timestamps);
            _items[id] = item;
            return new MonitoredItemCreateResult
            {
                StatusCode = StatusCodes.Good, MonitoredItemId = id, RevisedQueueSize = item.QueueSize,
                RevisedSamplingInterval = request.RequestedParameters.SamplingInterval < 0 ? PublishingInterval : Math.Max(request.RequestedParameters.SamplingInterval, 0),
            };
        }
    }

    /// <summary>Part 4 §5.12.2 for an EventNotifier: events are pushed as they happen, so the sampling interval is 0.</summary>
    public MonitoredItemCreateResult AddEventItem(MonitoredItemCreateRequest request, CompiledEventFilter filter, EventHub hub, IReadOnlySet<string> auditRoles, EventFilterResult filterResult)
    {
        lock (_sync)
        {
            var id = _nextItemId++;
            var item = new EventMonitoredItem(id, request, filter, hub, _session, auditRoles);
            _eventItems[id] = item;
            return new MonitoredItemCreateResult
            {
                StatusCode = StatusCodes.Good, MonitoredItemId = id, RevisedQueueSize = item.QueueSize, RevisedSamplingInterval = 0,
                FilterResult = new ExtensionObject(filterResult),
            };
        }
    }

    public uint RemoveItem(uint id)
    {
        lock (_sync)
        {
            if (_eventItems.Remove(id, out var events))
            {
                events.Dispose();
                return StatusCodes.Good;
            }
            if (!_items.Remove(id, out var item)) return StatusCodes.BadMonitoredItemIdInvalid;
            item.Dispose();
            return StatusCodes.Good;
        }
    }

    /// <summary>What one publishing cycle sends: data changes and events, together at most MaxNotificationsPerPublish (0 = no limit).</summary>
    private (List<MonitoredItemNotification> Changes, List<EventFieldList> Events) Collect()
    {
        var changes = new List<MonitoredItemNotification>(_carryOver);
        _carryOver.Clear();
        foreach (var item in _items.Values) item.Drain(changes, MaxNotificationsPerPublish);
        var events = new List<EventFieldList>(_carryOverEvents);
        _carryOverEvents.Clear();
        var room = MaxNotificationsPerPublish == 0 ? int.MaxValue : Math.Max(0, (int)Math.Min(MaxNotificationsPerPublish, int.MaxValue) - changes.Count);
        foreach (var item in _eventItems.Values) item.Drain(events, room);
        return (changes, events);
    }

    private void Requeue((List<MonitoredItemNotification> Changes, List<EventFieldList> Events) notifications)
    {
        _carryOver.AddRange(notifications.Changes);
        _carryOverEvents.AddRange(notifications.Events);
    }

    private static ExtensionObject[] NotificationData((List<MonitoredItemNotification> Changes, List<EventFieldList> Events) n)
    {
        var data = new List<ExtensionObject>(2);
        if (n.Changes.Count > 0) data.Add(new ExtensionObject(new DataChangeNotification { MonitoredItems = [.. n.Changes], DiagnosticInfos = [] }));
        if (n.Events.Count > 0) data.Add(new ExtensionObject(new EventNotificationList { Events = [.. n.Events] }));
        return [.. data];
    }
}
