using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Sessions;

internal sealed partial class Subscription
{
    private readonly List<MonitoredItemNotification> _carryOver = [];

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

    public uint RemoveItem(uint id)
    {
        lock (_sync)
        {
            if (!_items.Remove(id, out var item)) return StatusCodes.BadMonitoredItemIdInvalid;
            item.Dispose();
            return StatusCodes.Good;
        }
    }

    private List<MonitoredItemNotification> Collect()
    {
        var list = new List<MonitoredItemNotification>(_carryOver);
        _carryOver.Clear();
        foreach (var item in _items.Values) item.Drain(list, MaxNotificationsPerPublish);
        return list;
    }

    private void Requeue(List<MonitoredItemNotification> notifications) => _carryOver.AddRange(notifications);
}
