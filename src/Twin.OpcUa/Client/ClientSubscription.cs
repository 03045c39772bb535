using System.Collections.Concurrent;
using System.Threading.Channels;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Client;

/// <summary>A monitored Value attribute on the client: its data changes arrive on <see cref="Values"/>.</summary>
public sealed class ClientMonitoredItem
{
    private readonly Channel<DataValue> _values = Channel.CreateBounded<DataValue>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });

    internal ClientMonitoredItem(NodeId nodeId, uint clientHandle)
    {
        NodeId = nodeId;
        ClientHandle = clientHandle;
    }

    public NodeId NodeId { get; }
    public uint ClientHandle { get; }

    /// <summary>The id the server assigned.</summary>
    public uint MonitoredItemId { get; internal set; }

    /// <summary>
    /// Data changes in the order the server published them; the first is the value at creation. Completes, with the cause as its
    /// exception, when the session can deliver no more (see <see cref="ClientSession.ChannelClosed"/>).
    /// </summary>
    public ChannelReader<DataValue> Values => _values.Reader;

    internal void Deliver(DataValue value) => _values.Writer.TryWrite(value);

    internal void End(UaException cause) => _values.Writer.TryComplete(cause);
}

/// <summary>A subscription on the client (Part 4 §5.13): monitored items and the publishing parameters the server granted.</summary>
public sealed partial class ClientSubscription
{
    private readonly ClientSession _session;
    private readonly ConcurrentDictionary<uint, ClientMonitoredItem> _items = new();
    private readonly ConcurrentDictionary<uint, ClientEventItem> _eventItems = new();
    private int _nextHandle;

    internal ClientSubscription(ClientSession session, CreateSubscriptionResponse created)
    {
        _session = session;
        Id = created.SubscriptionId;
        PublishingInterval = created.RevisedPublishingInterval;
        KeepAliveCount = created.RevisedMaxKeepAliveCount;
    }

    public uint Id { get; }
    public double PublishingInterval { get; }
    public uint KeepAliveCount { get; }

    /// <summary>Keep-alive messages received (publishes without notifications).</summary>
    public int KeepAlives { get; internal set; }

    /// <summary>Monitors the Value attribute of <paramref name="nodeId"/> (Part 4 §5.12.2) in Reporting mode.</summary>
    public async Task<ClientMonitoredItem> MonitorAsync(NodeId nodeId, double samplingInterval = 0, CancellationToken ct = default)
    {
        var handle = (uint)Interlocked.Increment(ref _nextHandle);
        // Registered before the request: the first notification may arrive before the response has been processed.
        var item = new ClientMonitoredItem(nodeId, handle);
        _items[handle] = item;
        CreateMonitoredItemsResponse r;
        try
        {
            r = await _session.CallAsync<CreateMonitoredItemsResponse>(new CreateMonitoredItemsRequest
        {
            SubscriptionId = Id, TimestampsToReturn = TimestampsToReturn.Both,
            ItemsToCreate =
            [
                new MonitoredItemCreateRequest
                {
                    ItemToMonitor = new ReadValueId { NodeId = nodeId, AttributeId = 13 }, MonitoringMode = MonitoringMode.Reporting,
                    RequestedParameters = new MonitoringParameters { ClientHandle = handle, SamplingInterval = samplingInterval, QueueSize = 10, DiscardOldest = true },
                },
            ],
            }, ct).ConfigureAwait(false);
        }
        catch
        {
            _items.TryRemove(handle, out _);
            throw;
        }
        var result = r.Results is [var only] ? only : throw new UaException(StatusCodes.BadUnknownResponse, "No monitored item result.");
        if (result.StatusCode.IsBad)
        {
            _items.TryRemove(handle, out _);
            throw new UaException(result.StatusCode.Code, $"Cannot monitor {nodeId}.");
        }
        item.MonitoredItemId = result.MonitoredItemId;
        return item;
    }

    /// <summary>Completes every item's channel with <paramref name="cause"/>: nothing more can arrive on them.</summary>
    internal void End(UaException cause)
    {
        foreach (var item in _items.Values) item.End(cause);
        foreach (var item in _eventItems.Values) item.End(cause);
    }

    internal void Deliver(NotificationMessage message)
    {
        var data = message.NotificationData ?? [];
        if (data.Length == 0) KeepAlives++;
        foreach (var x in data)
        {
            if (x.Body is EventNotificationList events)
            {
                foreach (var ev in events.Events ?? [])
                    if (_eventItems.TryGetValue(ev.ClientHandle, out var target)) target.Deliver(ev.EventFields ?? []);
                continue;
            }
            if (x.Body is not DataChangeNotification change) continue;
            foreach (var n in change.MonitoredItems ?? [])
                if (_items.TryGetValue(n.ClientHandle, out var item)) item.Deliver(n.Value);
        }
    }
}
