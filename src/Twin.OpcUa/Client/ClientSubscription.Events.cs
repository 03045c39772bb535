using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Client;

public sealed partial class ClientSubscription
{
    /// <summary>
    /// Monitors the events of <paramref name="notifier"/> (the Server object, i=2253, for all of a server's events) through
    /// <paramref name="filter"/> (Part 4 §5.12.2, AttributeId EventNotifier). A refused filter throws
    /// <see cref="EventFilterRefusedException"/> with the server's per-clause verdict.
    /// </summary>
    public async Task<ClientEventItem> MonitorEventsAsync(NodeId notifier, EventFilter filter, uint queueSize = 0, bool discardOldest = true,
        MonitoringMode mode = MonitoringMode.Reporting, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(notifier);
        ArgumentNullException.ThrowIfNull(filter);
        var handle = (uint)Interlocked.Increment(ref _nextHandle);
        var item = new ClientEventItem(notifier, handle, filter);
        _eventItems[handle] = item;
        MonitoredItemCreateResult result;
        try
        {
            var r = await _session.CallAsync<CreateMonitoredItemsResponse>(new CreateMonitoredItemsRequest
            {
                SubscriptionId = Id, TimestampsToReturn = TimestampsToReturn.Neither,
                ItemsToCreate =
                [
                    new MonitoredItemCreateRequest
                    {
                        ItemToMonitor = new ReadValueId { NodeId = notifier, AttributeId = 12 }, MonitoringMode = mode,
                        RequestedParameters = new MonitoringParameters { ClientHandle = handle, Filter = new ExtensionObject(filter), QueueSize = queueSize, DiscardOldest = discardOldest },
                    },
                ],
            }, ct).ConfigureAwait(false);
            result = r.Results is [var only] ? only : throw new UaException(StatusCodes.BadUnknownResponse, "No monitored item result.");
        }
        catch
        {
            _eventItems.TryRemove(handle, out _);
            throw;
        }
        item.FilterResult = result.FilterResult.Body as EventFilterResult;
        if (result.StatusCode.IsBad)
        {
            _eventItems.TryRemove(handle, out _);
            if (item.FilterResult is not null || result.StatusCode.Code is StatusCodes.BadEventFilterInvalid or StatusCodes.BadFilterNotAllowed)
                throw new EventFilterRefusedException(result.StatusCode, item.FilterResult);
            throw new UaException(result.StatusCode.Code, $"Cannot monitor the events of {notifier}.");
        }
        item.MonitoredItemId = result.MonitoredItemId;
        item.QueueSize = result.RevisedQueueSize;
        return item;
    }

    /// <summary>Replaces an event item's filter and queue size (Part 4 §5.12.3); a refused filter leaves the old one in force.</summary>
    public async Task ModifyEventsAsync(ClientEventItem item, EventFilter filter, uint queueSize = 0, bool discardOldest = true, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(filter);
        var r = await _session.CallAsync<ModifyMonitoredItemsResponse>(new ModifyMonitoredItemsRequest
        {
            SubscriptionId = Id, TimestampsToReturn = TimestampsToReturn.Neither,
            ItemsToModify =
            [
                new MonitoredItemModifyRequest
                {
                    MonitoredItemId = item.MonitoredItemId,
                    RequestedParameters = new MonitoringParameters { ClientHandle = item.ClientHandle, Filter = new ExtensionObject(filter), QueueSize = queueSize, DiscardOldest = discardOldest },
                },
            ],
        }, ct).ConfigureAwait(false);
        var result = r.Results is [var only] ? only : throw new UaException(StatusCodes.BadUnknownResponse, "No monitored item result.");
        if (result.StatusCode.IsBad) throw new EventFilterRefusedException(result.StatusCode, result.FilterResult.Body as EventFilterResult);
        item.Filter = filter;
        item.FilterResult = result.FilterResult.Body as EventFilterResult;
        item.QueueSize = result.RevisedQueueSize;
    }

    /// <summary>Sets the monitoring mode of items (Part 4 §5.12.4): Disabled, Sampling (queue, do not report) or Reporting.</summary>
    public async Task SetMonitoringModeAsync(MonitoringMode mode, IEnumerable<uint> monitoredItemIds, CancellationToken ct = default)
    {
        var r = await _session.CallAsync<SetMonitoringModeResponse>(new SetMonitoringModeRequest { SubscriptionId = Id, MonitoringMode = mode, MonitoredItemIds = [.. monitoredItemIds] }, ct)
            .ConfigureAwait(false);
        if ((r.Results ?? []).FirstOrDefault(s => s.IsBad) is { IsBad: true } bad) throw new UaException(bad.Code, $"SetMonitoringMode {mode} failed.");
    }

    /// <summary>Deletes monitored items (Part 4 §5.12.6); their notifications stop.</summary>
    public async Task DeleteItemsAsync(IEnumerable<uint> monitoredItemIds, CancellationToken ct = default)
    {
        var ids = monitoredItemIds.ToArray();
        var r = await _session.CallAsync<DeleteMonitoredItemsResponse>(new DeleteMonitoredItemsRequest { SubscriptionId = Id, MonitoredItemIds = ids }, ct).ConfigureAwait(false);
        foreach (var e in _eventItems.Where(e => ids.Contains(e.Value.MonitoredItemId)).ToArray()) _eventItems.TryRemove(e.Key, out _);
        if ((r.Results ?? []).FirstOrDefault(s => s.IsBad) is { IsBad: true } bad) throw new UaException(bad.Code, "DeleteMonitoredItems failed.");
    }
}
