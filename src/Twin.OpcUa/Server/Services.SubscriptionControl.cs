using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Sessions;

namespace Twin.OpcUa.Server;

internal sealed partial class Services
{
    private static Subscription Find(Session session, uint id) =>
        session.Subscriptions.TryGetValue(id, out var s) ? s : throw new UaException(StatusCodes.BadSubscriptionIdInvalid, $"No subscription {id}.");

    /// <summary>Part 4 §5.13.3.</summary>
    private static ModifySubscriptionResponse ModifySubscription(Session session, ModifySubscriptionRequest r)
    {
        var s = Find(session, r.SubscriptionId);
        s.Revise(r.RequestedPublishingInterval, r.RequestedLifetimeCount, r.RequestedMaxKeepAliveCount, r.MaxNotificationsPerPublish);
        return new ModifySubscriptionResponse
        {
            ResponseHeader = ResponseHeader.For(r.RequestHeader), RevisedPublishingInterval = s.PublishingInterval, RevisedLifetimeCount = s.LifetimeCount,
            RevisedMaxKeepAliveCount = s.MaxKeepAliveCount,
        };
    }

    /// <summary>Part 4 §5.13.4.</summary>
    private static SetPublishingModeResponse SetPublishingMode(Session session, SetPublishingModeRequest r)
    {
        var results = Operations(r.SubscriptionIds).Select(id =>
        {
            if (!session.Subscriptions.TryGetValue(id, out var s)) return new StatusCode(StatusCodes.BadSubscriptionIdInvalid);
            s.SetPublishing(r.PublishingEnabled);
            return StatusCode.Good;
        }).ToArray();
        return new SetPublishingModeResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    /// <summary>Part 4 §5.13.6.</summary>
    private static RepublishResponse Republish(Session session, RepublishRequest r) =>
        new() { ResponseHeader = ResponseHeader.For(r.RequestHeader), NotificationMessage = Find(session, r.SubscriptionId).Republish(r.RetransmitSequenceNumber) };

    /// <summary>Part 4 §5.12.4.</summary>
    private static SetMonitoringModeResponse SetMonitoringMode(Session session, SetMonitoringModeRequest r)
    {
        var s = Find(session, r.SubscriptionId);
        var results = Operations(r.MonitoredItemIds).Select(id => new StatusCode(s.SetMonitoringMode(id, r.MonitoringMode))).ToArray();
        return new SetMonitoringModeResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }

    /// <summary>Part 4 §5.12.3.</summary>
    private static ModifyMonitoredItemsResponse ModifyMonitoredItems(Session session, ModifyMonitoredItemsRequest r)
    {
        if (r.TimestampsToReturn is < TimestampsToReturn.Source or > TimestampsToReturn.Neither) throw new UaException(StatusCodes.BadTimestampsToReturnInvalid, "Unknown TimestampsToReturn.");
        var s = Find(session, r.SubscriptionId);
        var results = Operations(r.ItemsToModify).Select(s.ModifyItem).ToArray();
        return new ModifyMonitoredItemsResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Results = results, DiagnosticInfos = [] };
    }
}
