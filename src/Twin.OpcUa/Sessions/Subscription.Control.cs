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
            if (_eventItems.TryGetValue(itemId, out var events))
            {
                events.Mode = mode;
                return StatusCodes.Good;
            }
            if (!_items.TryGetValue(itemId, out var item)) return StatusCodes.BadMonitoredItemIdInvalid;
            item.Mode = mode;
            return StatusCodes.Good;
        }
    }

    /// <summary>
    /// Part 4 §5.12.3: new client handle, queue size and discard policy; an event item also takes a new EventFilter (checked as on
    /// creation; a refused one leaves the old filter in force). Data items take no filter.
    /// </summary>
    public MonitoredItemModifyResult ModifyItem(MonitoredItemModifyRequest request)
    {
        lock (_sync)
            if (_eventItems.TryGetValue(request.MonitoredItemId, out var events)) return ModifyEventItem(events, request.RequestedParameters);
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

    private static MonitoredItemModifyResult ModifyEventItem(EventMonitoredItem item, MonitoringParameters parameters)
    {
        if (parameters.Filter.Body is not EventFilter filter) return new MonitoredItemModifyResult { StatusCode = EventFilterRefusal(parameters.Filter) };
        var verdict = Events.CompiledEventFilter.Compile(filter);
        if (verdict.Filter is null) return new MonitoredItemModifyResult { StatusCode = verdict.Status, FilterResult = new ExtensionObject(verdict.Result) };
        item.Filter = verdict.Filter;
        item.ClientHandle = parameters.ClientHandle;
        item.DiscardOldest = parameters.DiscardOldest;
        item.Resize(parameters.QueueSize);
        return new MonitoredItemModifyResult { StatusCode = StatusCodes.Good, RevisedQueueSize = item.QueueSize, RevisedSamplingInterval = 0, FilterResult = new ExtensionObject(verdict.Result) };
    }

    /// <summary>Why a filter that is no EventFilter is refused on an event item: none at all, or one of another kind.</summary>
    internal static uint EventFilterRefusal(ExtensionObject filter) => filter.IsNull ? StatusCodes.BadEventFilterInvalid : StatusCodes.BadFilterNotAllowed;
}
