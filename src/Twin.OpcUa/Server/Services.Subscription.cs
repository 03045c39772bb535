using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Sessions;

namespace Twin.OpcUa.Server;

internal sealed partial class Services
{
    /// <summary>Part 4 §5.13.2.</summary>
    private CreateSubscriptionResponse CreateSubscription(Session session, CreateSubscriptionRequest r)
    {
        if (session.Subscriptions.Count >= _options.MaxSubscriptionsPerSession) throw new UaException(StatusCodes.BadTooManySubscriptions, "Too many subscriptions.");
        var subscription = new Subscription(_sessions.NextSubscriptionId(), session, r);
        subscription.Expired += s =>
        {
            if (session.Subscriptions.TryRemove(s.Id, out _)) s.Dispose();
        };
        session.Subscriptions[subscription.Id] = subscription;
        subscription.Start(_options.Time);
        return new CreateSubscriptionResponse
        {
            ResponseHeader = ResponseHeader.For(r.RequestHeader), SubscriptionId = subscription.Id, RevisedPublishingInterval = subscription.PublishingInterval,
            RevisedLifetimeCount = subscription.LifetimeCount, RevisedMaxKeepAliveCount = subscription.MaxKeepAliveCount,
        };
    }

    /// <summary>
    /// Part 4 §5.12.2: the Value attribute of variables (the current value is the first notification), or the EventNotifier attribute of
    /// an object that is an event notifier, with an EventFilter.
    /// </summary>
    private CreateMonitoredItemsResponse CreateMonitoredItems(Session session, CreateMonitoredItemsRequest r)
    {
        if (!session.Subscriptions.TryGetValue(r.SubscriptionId, out var subscription)) throw new UaException(StatusCodes.BadSubscriptionIdInvalid, $"No subscription {r.SubscriptionId}.");
        if (r.TimestampsToReturn is < TimestampsToReturn.Source or > TimestampsToReturn.Neither) throw new UaException(StatusCodes.BadTimestampsToReturnInvalid, "Unknown TimestampsToReturn.");
        var results = Operations(r.ItemsToCreate).Select(item =>
        {
            if (item.MonitoringMode is < MonitoringMode.Disabled or > MonitoringMode.Reporting) return new MonitoredItemCreateResult { StatusCode = StatusCodes.BadMonitoringModeInvalid };
            if (item.ItemToMonitor.AttributeId == Attributes.EventNotifier) return CreateEventItem(session, subscription, item);
            if (item.RequestedParameters.Filter.Body is Messages.EventFilter) return new MonitoredItemCreateResult { StatusCode = StatusCodes.BadFilterNotAllowed };
            if (!item.RequestedParameters.Filter.IsNull) return new MonitoredItemCreateResult { StatusCode = StatusCodes.BadMonitoredItemFilterUnsupported };
            var initial = ReadOne(session, item.ItemToMonitor, r.TimestampsToReturn);
            if (initial.StatusCode.Code is StatusCodes.BadNodeIdUnknown or StatusCodes.BadAttributeIdInvalid or StatusCodes.BadUserAccessDenied or StatusCodes.BadNotReadable
                or StatusCodes.BadIndexRangeInvalid or StatusCodes.BadDataEncodingUnsupported)
                return new MonitoredItemCreateResult { StatusCode = initial.StatusCode };
            var node = item.ItemToMonitor.AttributeId == Attributes.Value ? _space.Find(item.ItemToMonitor.NodeId) : null;
            return subscription.AddItem(item, node, initial, r.TimestampsToReturn);
        }).ToArray();
        return new CreateMonitoredItemsResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    /// <summary>
    /// Part 4 §5.12.2 / §7.22.3: an event item on an object whose EventNotifier has SubscribeToEvents. A filter that is not valid is refused
    /// with BadEventFilterInvalid and an EventFilterResult naming the failing select clauses and where-clause elements.
    /// </summary>
    private MonitoredItemCreateResult CreateEventItem(Session session, Subscription subscription, MonitoredItemCreateRequest item)
    {
        var target = item.ItemToMonitor;
        var node = _space.Find(target.NodeId);
        if (node is null || !node.Allows(session.Roles, Permissions.Browse)) return new MonitoredItemCreateResult { StatusCode = StatusCodes.BadNodeIdUnknown };
        if (node is not ObjectNode { EventNotifier: var notifier } || (notifier & 1) == 0) return new MonitoredItemCreateResult { StatusCode = StatusCodes.BadAttributeIdInvalid };
        if (!string.IsNullOrEmpty(target.IndexRange)) return new MonitoredItemCreateResult { StatusCode = StatusCodes.BadIndexRangeInvalid };
        if (item.RequestedParameters.Filter.Body is not EventFilter filter)
            return new MonitoredItemCreateResult { StatusCode = Subscription.EventFilterRefusal(item.RequestedParameters.Filter) };
        var verdict = Events.CompiledEventFilter.Compile(filter);
        if (verdict.Filter is null) return new MonitoredItemCreateResult { StatusCode = verdict.Status, FilterResult = new ExtensionObject(verdict.Result) };
        return subscription.AddEventItem(item, verdict.Filter, _events, _options.AuditEventRoles, verdict.Result);
    }

    /// <summary>Part 4 §5.12.6.</summary>
    private static DeleteMonitoredItemsResponse DeleteMonitoredItems(Session session, DeleteMonitoredItemsRequest r)
    {
        if (!session.Subscriptions.TryGetValue(r.SubscriptionId, out var subscription)) throw new UaException(StatusCodes.BadSubscriptionIdInvalid, $"No subscription {r.SubscriptionId}.");
        var results = Operations(r.MonitoredItemIds).Select(id => new StatusCode(subscription.RemoveItem(id))).ToArray();
        return new DeleteMonitoredItemsResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    /// <summary>Part 4 §5.13.5: acknowledges, then waits until a subscription publishes into this request.</summary>
    private static async Task<IServiceResponse> PublishAsync(ChannelContext channel, Session session, PublishRequest r)
    {
        var acks = (r.SubscriptionAcknowledgements ?? []).Select(a =>
            new StatusCode(session.Subscriptions.TryGetValue(a.SubscriptionId, out var s) ? s.Acknowledge(a.SequenceNumber) : StatusCodes.BadSubscriptionIdInvalid)).ToArray();
        if (session.Subscriptions.IsEmpty) throw new UaException(StatusCodes.BadNoSubscription, "The session has no subscriptions.");
        var pending = session.EnqueuePublish(r.RequestHeader, acks, channel.Closed);
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Part 4 §5.13.8; queued Publish requests fail with BadNoSubscription once none are left.</summary>
    private static DeleteSubscriptionsResponse DeleteSubscriptions(Session session, DeleteSubscriptionsRequest r)
    {
        var results = Operations(r.SubscriptionIds).Select(id =>
        {
            if (!session.Subscriptions.TryRemove(id, out var s)) return new StatusCode(StatusCodes.BadSubscriptionIdInvalid);
            s.Dispose();
            return StatusCode.Good;
        }).ToArray();
        if (session.Subscriptions.IsEmpty) session.FailPending(StatusCodes.BadNoSubscription);
        return new DeleteSubscriptionsResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }
}
