using System.Buffers;
using System.Runtime.CompilerServices;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Client;

/// <summary>
/// The client end of one UA-TCP connection and its secure channel (SecurityPolicy None): HEL/ACK, OPN issue and renew at
/// 75 % of the token lifetime (Part 6 §6.7.4), requests matched to responses by request id, CLO on close.
/// </summary>
internal sealed partial class ClientChannel : IAsyncDisposable
{
    private readonly UaConnection _connection;
    private readonly EncodingLimits _limits;
    /// <summary>Requests sent and not yet answered, by request id; locked on itself (a dictionary, not a concurrent one: no node allocated per request).</summary>
    private readonly Dictionary<uint, PendingRequest> _pending = [];
    private readonly SequenceCounter _sent = new();
    private readonly SequenceChecker _received = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly uint _requestedLifetime;
    private Task? _receiveLoop;
    private Task? _renewLoop;
    private int _nextRequestId;
    private int _nextHandle;
    private int _sendChunkSize = 8192;
    private int _peerMaxMessageSize;
    private int _peerMaxChunkCount;
    private uint _channelId;
    private ChannelSecurityToken _token = new();
    private readonly ChannelSecurity _security;

    private ClientChannel(UaConnection connection, EncodingLimits limits, uint requestedLifetime, ChannelSecurity security)
    {
        _connection = connection;
        _limits = limits;
        _requestedLifetime = requestedLifetime;
        _security = security;
    }

    public ChannelSecurity Security => _security;

    public uint ChannelId => _channelId;
    public ChannelSecurityToken Token => _token;
    public bool IsOpen => !_closed.IsCancellationRequested && _receiveLoop is { IsCompleted: false };

    /// <summary>Why the channel ended, when it did.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Completes once the channel has ended for any reason (see <see cref="Fault"/>) and its pending requests have failed.</summary>
    public Task Completion => _receiveLoop ?? Task.CompletedTask;

    public static async Task<ClientChannel> OpenAsync(UaConnection connection, string endpointUrl, EncodingLimits limits, uint requestedLifetime, ChannelSecurity security, CancellationToken ct)
    {
        var channel = new ClientChannel(connection, limits, requestedLifetime, security);
        try
        {
            // Requests deferred while answers are handed out are sent by the batch that deferred them (CompletionBatch).
            connection.SendsBeforeWaiting = false;
            await channel.HandshakeAsync(endpointUrl, ct).ConfigureAwait(false);
            channel._receiveLoop = channel.ReceiveLoopAsync();
            await channel.OpenSecureChannelAsync(SecurityTokenRequestType.Issue, ct).ConfigureAwait(false);
            channel._renewLoop = channel.RenewLoopAsync();
            return channel;
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task HandshakeAsync(string endpointUrl, CancellationToken ct)
    {
        await _connection.WriteAsync(TcpMessages.EncodeHello(new Hello(0, (uint)_limits.ReceiveBufferSize, (uint)_limits.SendBufferSize,
            (uint)_limits.MaxMessageSize, (uint)_limits.MaxChunkCount, endpointUrl)), ct).ConfigureAwait(false);
        _connection.MaxReceiveChunkSize = _limits.ReceiveBufferSize;
        var frame = await _connection.ReadFrameAsync(ct).ConfigureAwait(false) ?? throw new UaException(StatusCodes.BadConnectionClosed, "The server closed the connection during HEL.");
        if (frame.Type == MessageType.Error)
        {
            var (status, reason) = TcpMessages.DecodeError(frame.Body, _limits);
            throw new UaException(status.Code, $"The server refused HEL: {reason}");
        }
        var ack = TcpMessages.DecodeAcknowledge(frame, _limits);
        _sendChunkSize = (int)Math.Min((uint)_limits.SendBufferSize, ack.ReceiveBufferSize);
        _connection.MaxReceiveChunkSize = (int)Math.Min((uint)_limits.ReceiveBufferSize, ack.SendBufferSize);
        _peerMaxMessageSize = ack.MaxMessageSize > int.MaxValue ? 0 : (int)ack.MaxMessageSize;
        _peerMaxChunkCount = ack.MaxChunkCount > int.MaxValue ? 0 : (int)ack.MaxChunkCount;
    }

    private async Task OpenSecureChannelAsync(SecurityTokenRequestType type, CancellationToken ct)
    {
        var clientNonce = _security.Policy is null ? [] : System.Security.Cryptography.RandomNumberGenerator.GetBytes(_security.Policy.NonceLength);
        var request = new OpenSecureChannelRequest
        {
            RequestType = type, SecurityMode = _security.Mode, ClientNonce = clientNonce, RequestedLifetime = _requestedLifetime,
        };
        var response = await SendAsync(MessageType.OpenChannel, request, TimeSpan.FromSeconds(15), ct).ConfigureAwait(false);
        if (response is ServiceFault fault) throw new UaException(fault.ResponseHeader.ServiceResult.Code, "OpenSecureChannel failed.");
        var opened = (OpenSecureChannelResponse)response;
        _security.AddToken(opened.SecurityToken.TokenId, clientNonce, opened.ServerNonce ?? []);
        _channelId = opened.SecurityToken.ChannelId;
        _token = opened.SecurityToken;
    }

    private async Task RenewLoopAsync()
    {
        try
        {
            while (!_closed.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(_token.RevisedLifetime * 0.75), _closed.Token).ConfigureAwait(false);
                await OpenSecureChannelAsync(SecurityTokenRequestType.Renew, _closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or UaException or IOException or InvalidOperationException) { }
    }

    /// <summary>Renews the security token now (Part 4 §5.5.2 RequestType Renew).</summary>
    public Task RenewAsync(CancellationToken ct) => OpenSecureChannelAsync(SecurityTokenRequestType.Renew, ct);

    /// <summary>Sends a service request and waits for its response; a ServiceFault becomes a <see cref="UaException"/>.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResponse> CallAsync<TResponse>(IServiceRequest request, NodeId authenticationToken, TimeSpan timeout, CancellationToken ct) where TResponse : IServiceResponse
    {
        request.RequestHeader.AuthenticationToken = authenticationToken;
        var response = await SendAsync(MessageType.Message, request, timeout, ct).ConfigureAwait(false);
        if (response is ServiceFault fault) throw new UaException(fault.ResponseHeader.ServiceResult.Code, $"{request.GetType().Name} failed.");
        if (response is not TResponse typed) throw new UaException(StatusCodes.BadUnknownResponse, $"Expected {typeof(TResponse).Name} but received {response.GetType().Name}.");
        if (typed.ResponseHeader.ServiceResult.IsBad) throw new UaException(typed.ResponseHeader.ServiceResult.Code, $"{request.GetType().Name} failed.");
        return typed;
    }

    /// <summary>
    /// Encodes the request into a reused buffer, registers it, writes its chunks straight into the connection's output and
    /// waits for the answer. The state machine comes from a pool and the write passes its state by value: a round trip
    /// allocates the request and response objects and little else.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<IEncodeable> SendAsync(MessageType type, IServiceRequest request, TimeSpan timeout, CancellationToken ct)
    {
        if (_closed.IsCancellationRequested) throw new UaException(StatusCodes.BadSecureChannelClosed, "The channel is closed.", Fault ?? new InvalidOperationException("closed"));
        var requestId = (uint)Interlocked.Increment(ref _nextRequestId);
        request.RequestHeader.RequestHandle = (uint)Interlocked.Increment(ref _nextHandle);
        request.RequestHeader.Timestamp = DateTime.UtcNow;
        request.RequestHeader.TimeoutHint = (uint)Math.Min(timeout.TotalMilliseconds, uint.MaxValue);
        BinaryEncoder? body = BinaryEncoder.Rent();
        try
        {
            body.WriteNodeId(request.BinaryEncodingId);
            request.Encode(body);
        }
        catch
        {
            body.Return();
            throw;
        }
        var pending = new PendingRequest(timeout == Timeout.InfiniteTimeSpan || timeout.TotalMilliseconds >= long.MaxValue / 2 ? long.MaxValue
            : Environment.TickCount64 + (long)timeout.TotalMilliseconds);
        lock (_pending) _pending[requestId] = pending;
        Interlocked.Increment(ref _outstanding);
        Timer? timer = null;
        CancellationTokenRegistration registration = default;
        try
        {
            var asym = type == MessageType.OpenChannel ? _security.SendHeader() : null;
            await _connection.WriteLockedAsync((Channel: this, Type: type, Asymmetric: asym, RequestId: requestId, Body: body), static (output, s) =>
                // Channel id and token are read under the write lock, as the sequence numbers are: a renewal between encoding
                // and writing must not send this message under a token older than one already used.
                MessageChunk.Write(output, new OutgoingMessage(s.Type, s.Channel._channelId, s.Asymmetric, s.Channel._token.TokenId, s.Channel._sent, s.RequestId, s.Body,
                    s.Channel._sendChunkSize, s.Channel._peerMaxMessageSize, s.Channel._peerMaxChunkCount, StatusCodes.BadRequestTooLarge, s.Channel._security)),
                deferFlush: t_completing == this, ct).ConfigureAwait(false);
            body.Return();
            body = null;
            (timer, registration) = Watch(pending, timeout, ct);
            return await pending.Task.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new UaException(StatusCodes.BadTimeout, $"No response to {request.GetType().Name} within {timeout}.");
        }
        catch (Exception gone) when (gone is ObjectDisposedException or IOException or InvalidOperationException)
        {
            throw new UaException(StatusCodes.BadConnectionClosed, $"The connection is gone: {gone.Message}", gone);
        }
        finally
        {
            body?.Return();
            // Not awaited disposal: a cancellation callback only queues the failure, it never waits for this method.
            registration.Dispose();
            timer?.Dispose();
            lock (_pending) _pending.Remove(requestId);
            Interlocked.Decrement(ref _outstanding);
        }
    }

    /// <summary>
    /// Reads chunks until the connection ends. Each is received into a pooled buffer, decrypted and checked there, and a
    /// message that came in one chunk is decoded where it lies: one copy of the bytes (out of the pipe) instead of four.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        var assembler = new ChunkAssembler(_limits.MaxMessageSize, _limits.MaxChunkCount);
        try
        {
            while (true)
            {
                var frame = await _connection.ReadPooledFrameAsync(_closed.Token).ConfigureAwait(false);
                if (frame.IsEnd) break;
                // This chunk and the ones received with it: their answers are handed on together (see CompletionBatch).
                // The first answer waits in `single`: the one answer to the one request outstanding needs no batch object.
                PendingRequest? single = null;
                CompletionBatch? batch = null;
                try
                {
                    do
                    {
                        (uint RequestId, IEncodeable Response)? answer;
                        try { answer = Receive(frame, assembler); }
                        finally { frame.Return(); }
                        if (answer is not { } a) continue;
                        PendingRequest? pending;
                        lock (_pending) _pending.TryGetValue(a.RequestId, out pending);
                        if (pending is null || !pending.Claim(a.Response)) continue;
                        if (single is null && batch is null) single = pending;
                        else
                        {
                            batch ??= new CompletionBatch(this);
                            if (single is not null) batch.Add(single);
                            single = null;
                            batch.Add(pending);
                        }
                    }
                    while (_connection.TryReadPooledFrame(out frame));
                }
                catch
                {
                    // The answers already claimed are good ones: their callers get them; the rest fail with the channel.
                    if (single is not null) (batch = new CompletionBatch(this)).Add(single);
                    if (batch is not null) ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
                    throw;
                }
                if (single is not null && Volatile.Read(ref _outstanding) == 1) single.Run();
                else if (single is not null) (batch = new CompletionBatch(this)).Add(single);
                if (batch is not null) ThreadPool.UnsafeQueueUserWorkItem(batch, preferLocal: false);
            }
            Fault = new UaException(StatusCodes.BadConnectionClosed, "The server closed the connection.");
        }
        catch (Exception e) when (e is UaException or IOException or OperationCanceledException or InvalidOperationException)
        {
            Fault = e;
        }
        finally
        {
            await _closed.CancelAsync().ConfigureAwait(false);
            _sweep?.Dispose();
            var error = Fault as UaException ?? new UaException(StatusCodes.BadConnectionClosed, "The connection closed.", Fault ?? new IOException("closed"));
            PendingRequest[] left;
            lock (_pending) left = [.. _pending.Values];
            foreach (var p in left) p.Fail(error);
        }
    }

    /// <summary>One received chunk: the response it completes, if it completes one. Nothing returned refers to the frame's buffer.</summary>
    private (uint RequestId, IEncodeable Response)? Receive(PooledFrame frame, ChunkAssembler assembler)
    {
        if (frame.Type == MessageType.Error)
        {
            var (status, reason) = TcpMessages.DecodeError(frame.Buffer.AsMemory(TcpMessages.HeaderSize, frame.Length - TcpMessages.HeaderSize), _limits);
            throw new UaException(status.Code, $"The server closed the channel: {reason}");
        }
        uint requestId;
        ReadOnlyMemory<byte> body;
        byte[]? assembled;
        if (frame.Type == MessageType.OpenChannel)
        {
            // Asymmetric and rare (issue, renew): the chunk gets an array of its own.
            var chunk = MessageChunk.Parse(_security.Unprotect(frame.ToFrame()), _limits);
            _received.Check(chunk.SequenceNumber);
            (requestId, body) = (chunk.RequestId, chunk.Body);
            if (!assembler.TryComplete(chunk.ChunkType, requestId, body.Span, out assembled)) return null;
        }
        else
        {
            if (frame.Type is not (MessageType.Message or MessageType.CloseChannel)) throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"{frame.Type} is not a secure channel message.");
            var length = _security.UnprotectInPlace(frame.Buffer!, frame.Length);
            var header = SymmetricChunkHeader.Read(frame.Buffer.AsSpan(0, length));
            _received.Check(header.SequenceNumber);
            (requestId, body) = (header.RequestId, frame.Buffer.AsMemory(SymmetricChunkHeader.Size, length - SymmetricChunkHeader.Size));
            if (!assembler.TryComplete(frame.ChunkType, requestId, body.Span, out assembled)) return null;
        }
        var d = new BinaryDecoder(assembled ?? body, _limits);
        var typeId = d.ReadNodeId();
        if (!d.Registry.TryCreate(typeId, out var response)) throw new UaException(StatusCodes.BadUnknownResponse, $"Unknown response type {typeId}.");
        response.Decode(d);
        d.EnsureEnd();
        return (requestId, response);
    }

    /// <summary>Sends CloseSecureChannel (Part 4 §5.5.3) and closes the connection.</summary>
    public async Task CloseAsync()
    {
        if (!_closed.IsCancellationRequested)
        {
            try
            {
                var request = new CloseSecureChannelRequest();
                request.RequestHeader.Timestamp = DateTime.UtcNow;
                request.RequestHeader.RequestHandle = (uint)Interlocked.Increment(ref _nextHandle);
                var body = new BinaryEncoder(64);
                body.WriteNodeId(request.BinaryEncodingId);
                request.Encode(body);
                await _connection.WriteLockedAsync((Channel: this, RequestId: (uint)Interlocked.Increment(ref _nextRequestId), Body: body), static (output, s) =>
                    MessageChunk.Write(output, new OutgoingMessage(MessageType.CloseChannel, s.Channel._channelId, null, s.Channel._token.TokenId, s.Channel._sent, s.RequestId, s.Body,
                        s.Channel._sendChunkSize, 0, 0, StatusCodes.BadRequestTooLarge, s.Channel._security)),
                    deferFlush: false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or UaException) { }
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Drops the connection without CLO, as a network failure would.</summary>
    internal ValueTask AbortAsync() => _connection.DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_sweep is { } sweep) await sweep.DisposeAsync().ConfigureAwait(false);
        await _closed.CancelAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        if (_receiveLoop is not null) await _receiveLoop.ConfigureAwait(false);
        if (_renewLoop is not null) await _renewLoop.ConfigureAwait(false);
    }
}
