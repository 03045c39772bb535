using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Sessions;

internal sealed partial class Subscription
{
    /// <summary>Revises the publishing parameters (Part 4 §5.13.2, §5.13.3): interval 50 ms .. 1 h, lifetime at least three keep-alives.</summary>
    public void Revise(double interval, uint lifetimeCount, uint maxKeepAliveCount, uint maxNotifications)
    {
        lock (_sync)
        {
            PublishingInterval = Math.Clamp(double.IsFinite(interval) ? interval : 0, 50, 3_600_000);
            MaxKeepAliveCount = Math.Clamp(maxKeepAliveCount, 1u, 10_000u);
            LifetimeCount = Math.Max(lifetimeCount, 3 * MaxKeepAliveCount);
            MaxNotificationsPerPublish = maxNotifications;
            if (_timer is { } timer) timer.Period = TimeSpan.FromMilliseconds(PublishingInterval);
        }
    }

    /// <summary>Part 4 §5.13.4: while disabled, changes stay queued and only keep-alives are sent.</summary>
    public void SetPublishing(bool enabled)
    {
        lock (_sync) PublishingEnabled = enabled;
    }

    /// <summary>Part 4 §5.13.6: a message still in the retransmission queue, or BadMessageNotAvailable.</summary>
    public NotificationMessage Republish(uint sequenceNumber)
    {
        lock (_sync)
            return _retransmit.TryGetValue(sequenceNumber, out var m) ? m : throw new UaException(StatusCodes.BadMessageNotAvailable, $"Message {sequenceNumber} is not available.");
    }

    /// <summary>Part 4 §5.12.4.</summary>
    public uint SetMonitoringMode(uint itemId, MonitoringMode mode)
    {
        if (mode is < MonitoringMode.Disabled or > MonitoringMode.Reporting) return StatusCodes.BadMonitoringModeInvalid;
        lock (_sync)
        {
            if (!_items.TryGetValue(itemId, out var item)) return StatusCodes.BadMonitoredItemIdInvalid;
            item.Mode = mode;
            return StatusCodes.Good;
        }
    }

    /// <summary>Part 4 §5.12.3: new client handle, queue size and discard policy; filters are not supported.</summary>
    public MonitoredItemModifyResult ModifyItem(MonitoredItemModifyRequest request)
    {
        if (!request.RequestedParameters.Filter.IsNull) return new MonitoredItemModifyResult { StatusCode = StatusCodes.BadMonitoredItemFilterUnsupported };
        lock (_sync)
        {
            if (!_items.TryGetValue(request.MonitoredItemId, out var item)) return new MonitoredItemModifyResult { StatusCode = StatusCodes.BadMonitoredItemIdInvalid };
            item.ClientHandle = request.RequestedParameters.ClientHandle;
            item.DiscardOldest = request.RequestedParameters.DiscardOldest;
            item.Resize(request.RequestedParameters.QueueSize);
            var sampling = request.RequestedParameters.SamplingInterval < 0 ? PublishingInterval : request.RequestedParameters.SamplingInterval;
            return new MonitoredItemModifyResult { StatusCode = StatusCodes.Good, RevisedQueueSize = item.QueueSize, RevisedSamplingInterval = sampling };
        }
    }
}
