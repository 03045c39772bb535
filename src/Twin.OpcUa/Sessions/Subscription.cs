using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Sessions;

/// <summary>
/// A subscription (Part 4 §5.13.1): each publishing interval it sends queued data changes to a waiting Publish request,
/// a keep-alive after MaxKeepAliveCount empty intervals, and expires after LifetimeCount intervals without a Publish request.
/// </summary>
internal sealed partial class Subscription : IDisposable
{
    private readonly Lock _sync = new();
    private readonly Session _session;
    private readonly Dictionary<uint, MonitoredItem> _items = [];
    private readonly SortedDictionary<uint, NotificationMessage> _retransmit = [];
    private readonly CancellationTokenSource _stop = new();
    private uint _nextSequence = 1;
    private uint _nextItemId = 1;
    private uint _keepAliveCounter;
    private uint _lifetimeCounter;
    private bool _firstPublishDone;
    private PeriodicTimer? _timer;

    public Subscription(uint id, Session session, CreateSubscriptionRequest request)
    {
        Id = id;
        _session = session;
        Revise(request.RequestedPublishingInterval, request.RequestedLifetimeCount, request.RequestedMaxKeepAliveCount, request.MaxNotificationsPerPublish);
        PublishingEnabled = request.PublishingEnabled;
    }

    public uint Id { get; }
    public double PublishingInterval { get; private set; }
    public uint MaxKeepAliveCount { get; private set; }
    public uint LifetimeCount { get; private set; }
    public uint MaxNotificationsPerPublish { get; private set; }
    public bool PublishingEnabled { get; private set; }

    /// <summary>Raised once when the subscription expires for lack of Publish requests.</summary>
    public event Action<Subscription>? Expired;

    public void Start(TimeProvider time) => _ = RunAsync(time);

    private async Task RunAsync(TimeProvider time)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(PublishingInterval), time);
        _timer = timer;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                if (!Tick()) break;
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One publishing cycle; false once the subscription has expired.</summary>
    internal bool Tick()
    {
        PendingPublish? publish;
        NotificationMessage? message;
        lock (_sync)
        {
            var notifications = PublishingEnabled ? Collect() : ([], []);
            var count = notifications.Changes.Count + notifications.Events.Count;
            var keepAliveDue = !_firstPublishDone || ++_keepAliveCounter >= MaxKeepAliveCount;
            if (count == 0 && !keepAliveDue)
            {
                return true;
            }
            publish = _session.TakePublish();
            if (publish is null)
            {
                Requeue(notifications);
                if (++_lifetimeCounter > LifetimeCount)
                {
                    Expired?.Invoke(this);
                    return false;
                }
                return true;
            }
            _lifetimeCounter = 0;
            _keepAliveCounter = 0;
            _firstPublishDone = true;
            message = count == 0
                ? new NotificationMessage { SequenceNumber = _nextSequence, PublishTime = DateTime.UtcNow, NotificationData = [] }
                : new NotificationMessage { SequenceNumber = _nextSequence++, PublishTime = DateTime.UtcNow, NotificationData = NotificationData(notifications) };
            if (count > 0)
            {
                _retransmit[message.SequenceNumber] = message;
                while (_retransmit.Count > 64) _retransmit.Remove(_retransmit.Keys.First());
            }
        }
        publish.Completion.TrySetResult(new PublishResponse
        {
            ResponseHeader = ResponseHeader.For(publish.Header),
            SubscriptionId = Id,
            AvailableSequenceNumbers = AvailableSequenceNumbers(),
            MoreNotifications = false,
            NotificationMessage = message,
            Results = publish.AckResults,
            DiagnosticInfos = [],
        });
        return true;
    }

    /// <summary>Removes an acknowledged message from the retransmission queue (Part 4 §5.13.1.4).</summary>
    public uint Acknowledge(uint sequenceNumber)
    {
        lock (_sync) return _retransmit.Remove(sequenceNumber) ? StatusCodes.Good : StatusCodes.BadSequenceNumberUnknown;
    }

    public uint[] AvailableSequenceNumbers()
    {
        lock (_sync) return [.. _retransmit.Keys];
    }

    public void Dispose()
    {
        _stop.Cancel();
        lock (_sync)
        {
            foreach (var item in _items.Values) item.Dispose();
            _items.Clear();
            foreach (var item in _eventItems.Values) item.Dispose();
            _eventItems.Clear();
        }
        _stop.Dispose();
    }
}
