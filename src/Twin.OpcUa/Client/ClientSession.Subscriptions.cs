using System.Collections.Concurrent;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Client;

public sealed partial class ClientSession
{
    private readonly ConcurrentDictionary<uint, ClientSubscription> _subscriptions = new();
    private readonly ConcurrentQueue<SubscriptionAcknowledgement> _acks = new();
    private CancellationTokenSource? _publishing;
    private Task? _publishLoop;

    /// <summary>Creates a subscription (Part 4 §5.13.2) and starts publishing for it.</summary>
    public async Task<ClientSubscription> SubscribeAsync(double publishingInterval = 100, CancellationToken ct = default)
    {
        var created = await CallAsync<CreateSubscriptionResponse>(new CreateSubscriptionRequest
        {
            RequestedPublishingInterval = publishingInterval, RequestedLifetimeCount = 300, RequestedMaxKeepAliveCount = 10,
            MaxNotificationsPerPublish = 1000, PublishingEnabled = true,
        }, ct).ConfigureAwait(false);
        var subscription = new ClientSubscription(this, created);
        _subscriptions[subscription.Id] = subscription;
        if (_publishLoop is null)
        {
            _publishing = new CancellationTokenSource();
            _publishLoop = PublishLoopAsync(_publishing.Token);
        }
        return subscription;
    }

    /// <summary>Deletes a subscription (Part 4 §5.13.8).</summary>
    public async Task DeleteSubscriptionAsync(ClientSubscription subscription, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        _subscriptions.TryRemove(subscription.Id, out _);
        var r = await CallAsync<DeleteSubscriptionsResponse>(new DeleteSubscriptionsRequest { SubscriptionIds = [subscription.Id] }, ct).ConfigureAwait(false);
        if (r.Results is [{ IsBad: true } bad]) throw new UaException(bad.Code, $"Cannot delete subscription {subscription.Id}.");
    }

    /// <summary>Keeps one Publish request outstanding while subscriptions exist, acknowledging what arrived (Part 4 §5.13.5).</summary>
    private async Task PublishLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (_subscriptions.IsEmpty)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
                continue;
            }
            if (!_channel.IsOpen)
            {
                // Without reconnecting the session publishes no more: ChannelClosed has told its holder, and its items have ended.
                if (!_options.AutoReconnect) return;
                try { await ReconnectOnceAsync(_channel, ct).ConfigureAwait(false); }
                catch (UaException) { await Task.Delay(500, ct).ConfigureAwait(false); }
                continue;
            }
            var acks = new List<SubscriptionAcknowledgement>();
            while (_acks.TryDequeue(out var a)) acks.Add(a);
            var channel = _channel;
            try
            {
                var timeout = PublishTimeout();
                PublishResponse r;
                try
                {
                    r = await channel.CallAsync<PublishResponse>(new PublishRequest { SubscriptionAcknowledgements = [.. acks] }, _authenticationToken, timeout, ct).ConfigureAwait(false);
                }
                catch (UaException e) when (e.StatusCode.Code == StatusCodes.BadTimeout && channel.IsOpen)
                {
                    // Part 4 §5.13.1.1: a server sends at least a keep-alive every keep-alive period; none at all means the connection is gone.
                    await AbortAsync(channel, new UaException(StatusCodes.BadTimeout, $"No publish response or keep-alive within {timeout}: the connection is taken for dead.", e)).ConfigureAwait(false);
                    continue;
                }
                if (!_subscriptions.TryGetValue(r.SubscriptionId, out var subscription)) continue;
                if (r.NotificationMessage.NotificationData is { Length: > 0 })
                    _acks.Enqueue(new SubscriptionAcknowledgement { SubscriptionId = r.SubscriptionId, SequenceNumber = r.NotificationMessage.SequenceNumber });
                subscription.Deliver(r.NotificationMessage);
            }
            catch (UaException)
            {
                // A lost channel, a reconnect in progress or a server without subscriptions: try again shortly; the loop must not die.
                await Task.Delay(50, ct).ConfigureAwait(false);
            }
        }
    }

    // A manual reconnect after the loop ended (no AutoReconnect) publishes again for the subscriptions the server kept.
    private void RestartPublishing()
    {
        if (_publishLoop is not { IsCompleted: true } || _publishing is null) return;
        _publishLoop = PublishLoopAsync(_publishing.Token);
    }

    private async Task StopSubscriptionsAsync()
    {
        if (_publishing is null || _publishLoop is null) return;
        await _publishing.CancelAsync().ConfigureAwait(false);
        try { await _publishLoop.ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or UaException) { }
        _publishing.Dispose();
        _publishing = null;
        _publishLoop = null;
    }
}
