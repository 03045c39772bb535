using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Sessions;

/// <summary>A monitored Value attribute (Part 4 §5.12.1): changes are queued as they happen, keeping the newest QueueSize values.</summary>
internal sealed class MonitoredItem : IDisposable
{
    private readonly Lock _sync = new();
    private readonly Queue<DataValue> _queue = new();
    private readonly VariableNode? _node;
    private readonly TimestampsToReturn _timestamps;

    public MonitoredItem(uint id, MonitoredItemCreateRequest request, VariableNode? node, DataValue initial, TimestampsToReturn timestamps)
    {
        Id = id;
        ClientHandle = request.RequestedParameters.ClientHandle;
        QueueSize = Math.Clamp(request.RequestedParameters.QueueSize, 1u, 1000u);
        DiscardOldest = request.RequestedParameters.DiscardOldest;
        Mode = request.MonitoringMode;
        _timestamps = timestamps;
        _node = node;
        Enqueue(initial);
        if (_node is not null) _node.Changed += OnChanged;
    }

    public uint Id { get; }
    public uint ClientHandle { get; set; }
    public uint QueueSize { get; private set; }
    public bool DiscardOldest { get; set; }
    public MonitoringMode Mode { get; set; }

    /// <summary>Changes the queue size (Part 4 §5.12.3); excess values go, oldest or newest as DiscardOldest says.</summary>
    public void Resize(uint requested)
    {
        lock (_sync)
        {
            QueueSize = Math.Clamp(requested, 1u, 1000u);
            var kept = _queue.ToArray();
            _queue.Clear();
            foreach (var v in DiscardOldest ? kept.TakeLast((int)QueueSize) : kept.Take((int)QueueSize)) _queue.Enqueue(v);
        }
    }

    private void OnChanged(VariableNode node, DataValue value) => Enqueue(value);

    private void Enqueue(DataValue value)
    {
        if (Mode == MonitoringMode.Disabled) return;
        var stamped = Services.ApplyTimestamps(value, _timestamps);
        lock (_sync)
        {
            if (_queue.Count >= QueueSize)
            {
                if (!DiscardOldest) return;
                _queue.Dequeue();
            }
            _queue.Enqueue(stamped);
        }
    }

    /// <summary>Moves queued values to <paramref name="into"/> when reporting; up to <paramref name="max"/> (0 = all).</summary>
    public void Drain(List<MonitoredItemNotification> into, uint max)
    {
        if (Mode != MonitoringMode.Reporting) return;
        lock (_sync)
        {
            while (_queue.Count > 0 && (max == 0 || into.Count < max))
                into.Add(new MonitoredItemNotification { ClientHandle = ClientHandle, Value = _queue.Dequeue() });
        }
    }

    public void Dispose()
    {
        if (_node is not null) _node.Changed -= OnChanged;
    }
}
