using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Client;

// Part 4 §5.5 / §5.6.3: a session lives on one secure channel at a time, and the channel can end without a word from the server — the
// connection reset or silently gone (found by a missing publish keep-alive, Part 4 §5.13.1.1). Whoever holds the session learns of it
// here, with a status code, instead of finding out on the next request; monitored items complete with the same cause.
public sealed partial class ClientSession
{
    private TaskCompletionSource<UaException> _channelClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClientChannel? _retiring;
    private (ClientChannel Channel, UaException Cause)? _aborted;
    private volatile bool _disposed;

    /// <summary>
    /// Completes when the session's current channel closes, for any reason, with why: the server's ERR status, BadConnectionClosed when
    /// the connection was closed or reset under it, BadTimeout when no publish response or keep-alive came within
    /// <see cref="ClientOptions.KeepAliveTimeout"/>, BadSecureChannelClosed when this client closed or replaced it, BadSessionClosed when
    /// the session was disposed. After <see cref="ReconnectAsync"/> it is the new channel's. Without
    /// <see cref="ClientOptions.AutoReconnect"/> (or once disposed) a closed channel also ends every monitored item: its channel of values
    /// or events completes with the same exception.
    /// </summary>
    public Task<UaException> ChannelClosed => Volatile.Read(ref _channelClosed).Task;

    // Called with each channel the session takes up, before anyone can see it close.
    private void Watch(ClientChannel channel)
    {
        var closed = new TaskCompletionSource<UaException>(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _channelClosed, closed);
        channel.Completion.ContinueWith(_ => OnChannelClosed(channel, closed), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnChannelClosed(ClientChannel channel, TaskCompletionSource<UaException> closed)
    {
        var replaced = ReferenceEquals(channel, _retiring);
        var cause = CauseOf(channel, replaced);
        closed.TrySetResult(cause);
        if (_disposed || (!_options.AutoReconnect && !replaced))
            foreach (var subscription in _subscriptions.Values) subscription.End(cause);
    }

    private UaException CauseOf(ClientChannel channel, bool replaced)
    {
        if (_disposed) return new UaException(StatusCodes.BadSessionClosed, "The client closed the session.");
        if (replaced) return new UaException(StatusCodes.BadSecureChannelClosed, "The client replaced the channel with a new one.");
        if (_aborted is { } aborted && ReferenceEquals(aborted.Channel, channel)) return aborted.Cause;
        return channel.Fault switch
        {
            UaException ua => ua,
            OperationCanceledException => new UaException(StatusCodes.BadSecureChannelClosed, "The client closed the channel."),
            { } other => new UaException(StatusCodes.BadConnectionClosed, $"The connection failed: {other.Message}", other),
            null => new UaException(StatusCodes.BadConnectionClosed, "The connection closed."),
        };
    }

    /// <summary>Drops the channel's connection as dead (no CLO: nothing would reach the server), remembering why.</summary>
    private async Task AbortAsync(ClientChannel channel, UaException cause)
    {
        _aborted = (channel, cause);
        await channel.AbortAsync().ConfigureAwait(false);
    }

    // How long a Publish may wait: the option, but never less than three keep-alive periods of the slowest subscription.
    private TimeSpan PublishTimeout()
    {
        var keepAlive = _subscriptions.Values.Select(s => TimeSpan.FromMilliseconds(s.PublishingInterval * Math.Max(1u, s.KeepAliveCount))).DefaultIfEmpty(TimeSpan.Zero).Max();
        return keepAlive * 3 > _options.KeepAliveTimeout ? keepAlive * 3 : _options.KeepAliveTimeout;
    }
}
