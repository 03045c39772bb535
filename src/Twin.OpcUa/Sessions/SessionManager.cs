using System.Collections.Concurrent;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Sessions;

/// <summary>The server's sessions by authentication token; sessions idle beyond their timeout are closed (Part 4 §5.6.2).</summary>
internal sealed class SessionManager
{
    private readonly ConcurrentDictionary<NodeId, Session> _byToken = new();
    private readonly ServerOptions _options;
    private int _nextSubscriptionId;

    public SessionManager(ServerOptions options) => _options = options;

    public int Count => _byToken.Count;

    public Session Create(string name, uint channelId, double requestedTimeout)
    {
        Sweep();
        if (_byToken.Count >= _options.MaxSessions) throw new UaException(StatusCodes.BadTooManySessions, $"The server allows {_options.MaxSessions} sessions.");
        var timeout = Math.Clamp(double.IsFinite(requestedTimeout) && requestedTimeout > 0 ? requestedTimeout : _options.MaxSessionTimeout, 10_000, _options.MaxSessionTimeout);
        var session = new Session(name, channelId, timeout, _options.Time.GetUtcNow().UtcDateTime);
        _byToken[session.AuthenticationToken] = session;
        return session;
    }

    public Session? Find(NodeId token)
    {
        if (token is null || !_byToken.TryGetValue(token, out var session)) return null;
        if (IsExpired(session))
        {
            Close(session);
            return null;
        }
        return session;
    }

    public uint NextSubscriptionId() => (uint)Interlocked.Increment(ref _nextSubscriptionId);

    public void Close(Session session)
    {
        _byToken.TryRemove(session.AuthenticationToken, out _);
        session.Closed = true;
        foreach (var sub in session.Subscriptions.Values) sub.Dispose();
        session.Subscriptions.Clear();
        session.FailPending(StatusCodes.BadSessionClosed);
    }

    /// <summary>Closes every session (server shutdown).</summary>
    public void CloseAll()
    {
        foreach (var s in _byToken.Values) Close(s);
    }

    private bool IsExpired(Session s) => _options.Time.GetUtcNow().UtcDateTime > s.LastContact.AddMilliseconds(s.Timeout) && !s.HasPendingPublish;

    private void Sweep()
    {
        foreach (var s in _byToken.Values)
            if (IsExpired(s)) Close(s);
    }
}
