using System.Collections.Concurrent;
using System.Security.Cryptography;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Sessions;

/// <summary>A session on the server (Part 4 §5.6): created on one channel, bound to it on activation, with its subscriptions and queued Publish requests.</summary>
public sealed class Session
{
    private readonly ConcurrentDictionary<string, BrowseContinuation> _continuations = new();
    private readonly ConcurrentQueue<PendingPublish> _publishQueue = new();

    internal Session(string name, uint channelId, double timeoutMs, DateTime now)
    {
        Name = name;
        ChannelId = channelId;
        Timeout = timeoutMs;
        LastContact = now;
        SessionId = new NodeId(Guid.NewGuid(), 1);
        AuthenticationToken = new NodeId(RandomNumberGenerator.GetBytes(32), 0);
        ServerNonce = RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>Most Publish requests a session may park on the server (Part 4 §5.13.5: BadTooManyPublishRequests beyond).</summary>
    public const int MaxQueuedPublishRequests = 100;

    public string Name { get; }
    public NodeId SessionId { get; }

    /// <summary>The secret the client puts in every request header; never shown in logs.</summary>
    public NodeId AuthenticationToken { get; }

    public uint ChannelId { get; internal set; }
    public double Timeout { get; }
    public DateTime LastContact { get; internal set; }
    public bool Activated { get; internal set; }
    public string UserName { get; internal set; } = "";
    public IReadOnlySet<string> Roles { get; internal set; } = new HashSet<string>();
    public byte[] ServerNonce { get; internal set; }
    public bool Closed { get; internal set; }

    /// <summary>The client application certificate the session was created with (null on SecurityPolicy None).</summary>
    public byte[]? ClientCertificate { get; internal set; }

    internal ConcurrentDictionary<uint, Subscription> Subscriptions { get; } = new();

    internal string AddContinuation(BrowseContinuation c)
    {
        if (_continuations.Count >= Server.ServerLimits.MaxBrowseContinuationPoints)
            throw new UaException(StatusCodes.BadNoContinuationPoints, "No browse continuation points left.");
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        _continuations[key] = c;
        return key;
    }

    internal BrowseContinuation? TakeContinuation(byte[]? point) =>
        point is not null && _continuations.TryRemove(Convert.ToBase64String(point), out var c) ? c : null;

    /// <summary>Queues a Publish request until a subscription has something to send (Part 4 §5.13.5).</summary>
    internal PendingPublish EnqueuePublish(RequestHeader header, StatusCode[] ackResults, CancellationToken channelClosed)
    {
        if (_publishQueue.Count >= MaxQueuedPublishRequests)
            throw new UaException(StatusCodes.BadTooManyPublishRequests, $"More than {MaxQueuedPublishRequests} Publish requests are queued.");
        var pending = new PendingPublish(header, ackResults, channelClosed);
        _publishQueue.Enqueue(pending);
        return pending;
    }

    /// <summary>Takes the oldest Publish request still waiting, or null.</summary>
    internal PendingPublish? TakePublish()
    {
        while (_publishQueue.TryDequeue(out var p))
            if (!p.Completion.Task.IsCompleted && !p.ChannelClosed.IsCancellationRequested) return p;
        return null;
    }

    internal bool HasPendingPublish => !_publishQueue.IsEmpty;

    /// <summary>Fails every queued Publish with <paramref name="status"/> (session closed, no subscriptions left).</summary>
    internal void FailPending(uint status)
    {
        while (_publishQueue.TryDequeue(out var p))
            p.Completion.TrySetResult(ServiceFault.For(p.Header, status));
    }
}

/// <summary>A queued Publish request with the results of its acknowledgements.</summary>
internal sealed record PendingPublish(RequestHeader Header, StatusCode[] AckResults, CancellationToken ChannelClosed)
{
    public TaskCompletionSource<IServiceResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What is left of a Browse that returned a continuation point.</summary>
internal sealed record BrowseContinuation(IReadOnlyList<ReferenceDescription> Remaining, uint MaxReferences);
