using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Server;

/// <summary>
/// One client connection on the server: HEL/ACK (Part 6 §7.1.2), then one secure channel with SecurityPolicy None (§6.7),
/// then service requests. Any protocol violation ends the connection with ERR and its status code.
/// </summary>
internal sealed partial class ServerConnection : IDisposable
{
    private readonly UaConnection _connection;
    private readonly ServerOptions _options;
    private readonly Services _services;
    private readonly EncodingLimits _limits;
    private readonly ServerChannelState _channel;
    private readonly SequenceChecker _received = new();
    private readonly SequenceCounter _sent = new();
    private readonly CancellationTokenSource _closed = new();
    private ChannelSecurity _security = ChannelSecurity.None(isServer: true);
    private int _sendChunkSize;
    private int _peerMaxMessageSize;
    private int _peerMaxChunkCount;

    public ServerConnection(UaConnection connection, ServerOptions options, Services services)
    {
        _connection = connection;
        _options = options;
        _services = services;
        _limits = options.Limits;
        _channel = new ServerChannelState(options.Time, options.MinChannelLifetime, options.MaxChannelLifetime);
        _closedToken = _closed.Token;
    }

    private readonly CancellationToken _closedToken;

    /// <summary>Closes the connection (ApplyChanges of a new certificate): the client reconnects and meets the new certificate.</summary>
    public void Abort() =>
        // On the pool: the read loop resumes where its pending read is cancelled (its input pipe runs the reader inline), and the
        // caller (ApplyChanges, closing every connection in turn) should not run each connection's teardown itself.
        _ = Task.Run(() =>
        {
            try { _closed.Cancel(); }
            catch (ObjectDisposedException) { }
        });

    public void Dispose()
    {
        _expiryLinked?.Dispose();
        _expiry?.Dispose();
        _closed.Dispose();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closed.Token);
        try
        {
            await HandshakeAsync(linked.Token).ConfigureAwait(false);
            var assembler = new ChunkAssembler(_limits.MaxMessageSize, _limits.MaxChunkCount);
            while (await ReadUntilTokenExpiryAsync(linked.Token).ConfigureAwait(false) is { IsEnd: false } frame)
            {
                if (frame.Type == MessageType.OpenChannel)
                {
                    // Asymmetric cryptography takes a millisecond or more: off the I/O thread, which may be running this loop
                    // inline (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS) and serves other connections too. Rare: the chunk
                    // gets an array of its own.
                    var opn = frame.ToFrame();
                    frame.Return();
                    await Task.Run(() => OpenAsync(opn, linked.Token), linked.Token).ConfigureAwait(false);
                    continue;
                }
                try
                {
                    if (!Receive(frame, assembler, linked.Token)) return;
                }
                finally { frame.Return(); }
            }
        }
        catch (UaException e)
        {
            await _connection.FailAsync(e.StatusCode.Code, e.Message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException or NullReferenceException or IndexOutOfRangeException or OverflowException or FormatException)
        {
            await _connection.FailAsync(StatusCodes.BadInternalError, "Unexpected failure: " + e.GetType().Name).ConfigureAwait(false);
        }
        finally
        {
            await _closed.CancelAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the next frame, but no longer than the current token lives: a client that lets its token expire without renewing
    /// loses the channel (Part 6 §6.7.4). One expiry timer per token, not per frame: a timer made and dropped for every
    /// request was measurable CPU on a busy session.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<PooledFrame> ReadUntilTokenExpiryAsync(CancellationToken ct)
    {
        if (_channel.Current is not { } current || _channel.TimeLeft is not { } left) return await _connection.ReadPooledFrameAsync(ct).ConfigureAwait(false);
        if (_expiry is null || _expiryTokenId != current.TokenId)
        {
            _expiryLinked?.Dispose();
            _expiry?.Dispose();
            _expiry = new CancellationTokenSource(left <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : left, _options.Time);
            _expiryLinked = CancellationTokenSource.CreateLinkedTokenSource(ct, _expiry.Token);
            _expiryTokenId = current.TokenId;
        }
        try
        {
            return await _connection.ReadPooledFrameAsync(_expiryLinked!.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_expiry.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new UaException(StatusCodes.BadSecureChannelClosed, "The security token expired without renewal.");
        }
    }

    private CancellationTokenSource? _expiry;
    private CancellationTokenSource? _expiryLinked;
    private uint _expiryTokenId;

    /// <summary>HEL must come first, within a bounded time; the ACK revises the buffer sizes (Part 6 §7.1.2.3, §7.1.2.4).</summary>
    private async Task HandshakeAsync(CancellationToken ct)
    {
        using var helloTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        helloTimeout.CancelAfter(TimeSpan.FromSeconds(30));
        var frame = await _connection.ReadFrameAsync(helloTimeout.Token).ConfigureAwait(false)
            ?? throw new OperationCanceledException("The client closed before HEL.");
        if (frame.Type != MessageType.Hello) throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"Expected HEL but received {frame.Type}.");
        var hello = TcpMessages.DecodeHello(frame, _limits);
        // Part 6 §7.1.2.3: a client may offer a newer protocol version; the ACK answers with ours (0), the only one there is.
        var receive = (int)Math.Min((uint)_limits.ReceiveBufferSize, hello.SendBufferSize);
        _sendChunkSize = (int)Math.Min((uint)_limits.SendBufferSize, hello.ReceiveBufferSize);
        _peerMaxMessageSize = hello.MaxMessageSize > int.MaxValue ? 0 : (int)hello.MaxMessageSize;
        _peerMaxChunkCount = hello.MaxChunkCount > int.MaxValue ? 0 : (int)hello.MaxChunkCount;
        await _connection.WriteAsync(TcpMessages.EncodeAcknowledge(new Acknowledge(TcpMessages.ProtocolVersion, (uint)receive, (uint)_sendChunkSize,
            (uint)_limits.MaxMessageSize, (uint)_limits.MaxChunkCount)), ct).ConfigureAwait(false);
        _connection.MaxReceiveChunkSize = receive;
    }

    /// <summary>OpenSecureChannel issue or renew (Part 4 §5.5.2, Part 6 §6.7.4), with SecurityPolicy None or a secure policy.</summary>
    private async Task OpenAsync(Frame frame, CancellationToken ct)
    {
        if (frame.ChunkType != 'F') throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, "OPN must fit in one chunk.");
        var clear = MessageChunk.Parse(frame, _limits);
        var header = clear.Asymmetric!;
        try
        {
            await OpenCheckedAsync(clear, header, frame, ct).ConfigureAwait(false);
            AuditOpen(header, StatusCodes.Good, "secure channel opened");
        }
        catch (UaException e) when (!_openAudited)
        {
            AuditOpen(header, e.StatusCode.Code, e.Message);
            throw;
        }
    }

    private bool _openAudited;
    private OpenSecureChannelRequest? _openRequest;

    /// <summary>Part 5 §6.4.6 AuditOpenSecureChannelEventType, with the status the server decided on.</summary>
    private void AuditOpen(AsymmetricSecurityHeader header, uint status, string message)
    {
        if (!_options.Audit.IsWatched) return;
        _openAudited = status != StatusCodes.Good;
        _options.Audit.Raise(new AuditEvent(AuditEventTypes.AuditOpenSecureChannelEventType, _options.Time.GetUtcNow(), status == StatusCodes.Good, status, "SecureChannel/OpenSecureChannel", message)
        {
            SecureChannelId = _channel.IsOpen ? _channel.ChannelId : 0, Certificate = header.SenderCertificate, SecurityPolicyUri = header.SecurityPolicyUri,
            RequestType = _openRequest?.RequestType, SecurityMode = _openRequest?.SecurityMode, RequestedLifetime = _openRequest?.RequestedLifetime,
            ClientAuditEntryId = _openRequest?.RequestHeader.AuditEntryId,
        });
        _openRequest = null;
    }

    private async Task OpenCheckedAsync(MessageChunk clear, AsymmetricSecurityHeader header, Frame frame, CancellationToken ct)
    {
        if (_channel.IsOpen ? clear.ChannelId != _channel.ChannelId : clear.ChannelId != 0)
            throw new UaException(StatusCodes.BadTcpSecureChannelUnknown, $"OPN names channel {clear.ChannelId}.");
        if (_channel.IsOpen && header.SecurityPolicyUri != _security.PolicyUri)
            throw new UaException(StatusCodes.BadSecurityPolicyRejected, "A renewal must keep the channel's security policy.");
        if (!_channel.IsOpen) _security = SecurityFor(header);
        var chunk = MessageChunk.Parse(_security.Unprotect(frame), _limits);
        _received.Check(chunk.SequenceNumber);
        var request = DecodeRequest(chunk.Body) as OpenSecureChannelRequest
            ?? throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, "OPN does not carry an OpenSecureChannelRequest.");
        _openRequest = request;
        if (_security.Policy is not null && request.SecurityMode is not (MessageSecurityMode.Sign or MessageSecurityMode.SignAndEncrypt))
            throw new UaException(StatusCodes.BadSecurityModeRejected, $"Security mode {request.SecurityMode} does not fit policy {_security.PolicyUri}.");
        var token = _channel.Open(request, _security.PolicyUri);
        _security.Mode = request.SecurityMode;
        var serverNonce = _security.Policy is null ? [] : System.Security.Cryptography.RandomNumberGenerator.GetBytes(_security.Policy.NonceLength);
        _security.AddToken(token.TokenId, request.ClientNonce ?? [], serverNonce);
        var response = new OpenSecureChannelResponse
        {
            ResponseHeader = ResponseHeader.For(request.RequestHeader), ServerProtocolVersion = 0, SecurityToken = token, ServerNonce = serverNonce,
        };
        await SendAsync(MessageType.OpenChannel, _security.SendHeader(), 0, chunk.RequestId, response, ct).ConfigureAwait(false);
    }

    /// <summary>Checks the policy is offered, the OPN is meant for our certificate, and the client's certificate passes validation (Part 4 §6.1.3).</summary>
    private ChannelSecurity SecurityFor(AsymmetricSecurityHeader header)
    {
        // Part 4 §5.4.2 / Part 12 §4.3: discovery (GetEndpoints, FindServers) is always reachable over
        // SecurityPolicy None; when None is not offered, Services refuses everything else on such a channel.
        if (header.SecurityPolicyUri == SecurityPolicies.None)
            return ChannelSecurity.None(isServer: true);
        var policy = SecurityPolicy.Find(header.SecurityPolicyUri);
        if (policy is null || _options.Certificate is null || !_options.SecurityPolicyUris.Contains(policy.Uri))
            throw new UaException(StatusCodes.BadSecurityPolicyRejected, $"Security policy {header.SecurityPolicyUri} is not offered.");
        if (header.SenderCertificate is not { Length: > 0 } clientCertificate) throw new UaException(StatusCodes.BadCertificateInvalid, "OPN carries no client certificate.");
        if (header.ReceiverCertificateThumbprint is null || !header.ReceiverCertificateThumbprint.AsSpan().SequenceEqual(ChannelSecurity.Thumbprint(_options.Certificate.RawData)))
            throw new UaException(StatusCodes.BadCertificateInvalid, "OPN is encrypted for another certificate.");
        var verdict = _options.CertificateValidator.Validate(new Security.CertificateCheck(clientCertificate, [], Security.CertificateUse.ApplicationInstance, null, _options.Time.GetUtcNow()));
        // Part 4 §5.5.2: the client learns only that security checks failed; the precise reason stays on the server (rejected list, audit).
        if (!verdict.IsGood)
        {
            AuditCertificate(header, verdict);
            AuditOpen(header, verdict.Status.Code, verdict.Reason);
            throw new UaException(StatusCodes.BadSecurityChecksFailed, $"Client certificate refused: {verdict.Status} {verdict.Reason}");
        }
        return ChannelSecurity.Create(isServer: true, policy, MessageSecurityMode.SignAndEncrypt, _options.Certificate, clientCertificate);
    }

    /// <summary>Part 5 §6.4.18 – §6.4.23: the AuditCertificate subtype for the fault.</summary>
    private void AuditCertificate(AsymmetricSecurityHeader header, Security.CertificateVerdict verdict)
    {
        if (!_options.Audit.IsWatched) return;
        _options.Audit.Raise(new AuditEvent(AuditEventTypes.ForCertificateFault(verdict.Status.Code), _options.Time.GetUtcNow(), false, verdict.Status, "Security/Certificate", verdict.Reason)
        {
            Certificate = header.SenderCertificate, SecurityPolicyUri = header.SecurityPolicyUri,
        });
    }

    /// <summary>
    /// One MSG or CLO chunk, decrypted and checked in its pooled buffer; a request that came in one chunk is decoded where it
    /// lies, then started. False once the client closed the channel.
    /// </summary>
    private bool Receive(PooledFrame frame, ChunkAssembler assembler, CancellationToken ct)
    {
        if (frame.Type is not (MessageType.Message or MessageType.CloseChannel))
            throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"{frame.Type} is not a secure channel message.");
        var buffer = frame.Buffer!;
        // The channel and token ids travel in clear (Part 6 §6.7.2.2): check them before any key is used.
        if (frame.Length >= 16)
            _channel.CheckToken(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(8)), System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(12)));
        var length = _security.UnprotectInPlace(buffer, frame.Length);
        var header = SymmetricChunkHeader.Read(buffer.AsSpan(0, length));
        _received.Check(header.SequenceNumber);
        if (frame.Type == MessageType.CloseChannel) return false;
        var body = buffer.AsMemory(SymmetricChunkHeader.Size, length - SymmetricChunkHeader.Size);
        if (assembler.TryComplete(frame.ChunkType, header.RequestId, body.Span, out var assembled))
            StartRequest(header.TokenId, header.RequestId, DecodeRequest(assembled ?? body), ct);
        return true;
    }

    private void StartRequest(uint tokenId, uint requestId, IEncodeable request, CancellationToken ct)
    {
        if (Interlocked.Increment(ref _inFlight) > _options.MaxRequestsInFlight)
            throw new UaException(StatusCodes.BadTcpNotEnoughResources, $"More than {_options.MaxRequestsInFlight} requests in progress.");
        // Cheap services run where the request was read (no thread-pool hop per request); the rest, which may sign, verify or run
        // a method the address space was given, go to the thread pool so one request cannot hold up the I/O thread.
        if (IsCheap(request))
        {
            _readLoopThread = Environment.CurrentManagedThreadId;
            _answeringInline = true;
            try
            {
                var handled = HandleAsync(tokenId, requestId, request, ct);
                if (!handled.IsCompletedSuccessfully) _ = handled.AsTask();
            }
            finally { _answeringInline = false; }
        }
        else _ = Task.Run(() => HandleAsync(tokenId, requestId, request, ct).AsTask(), CancellationToken.None);
    }

    private static bool IsCheap(IEncodeable request) => request is ReadRequest or WriteRequest or BrowseRequest or BrowseNextRequest
        or TranslateBrowsePathsToNodeIdsRequest or PublishRequest or RepublishRequest or RegisterNodesRequest or UnregisterNodesRequest;

    private int _inFlight;

    // ValueTasks all the way (this, DispatchAsync, SendAsync): a cheap service answered on the read loop completes
    // synchronously and allocates no Task for any of them.
    private async ValueTask HandleAsync(uint tokenId, uint requestId, IEncodeable request, CancellationToken ct)
    {
        try
        {
            var context = new ChannelContext(_channel.ChannelId, _channel.SecurityMode, _channel.SecurityPolicyUri, _security, _closedToken);
            var response = await _services.DispatchAsync(context, request).ConfigureAwait(false);
            // Part 6 §6.7.4: once the client has used a renewed token, every response goes out under it, even for older requests;
            // so does a response whose request token has been retired meanwhile (two renewals during a long Publish).
            if ((_channel.Previous is null || !_security.HasKeys(tokenId)) && _channel.Current is { } current) tokenId = current.TokenId;
            try
            {
                await SendAsync(MessageType.Message, null, tokenId, requestId, response, ct).ConfigureAwait(false);
            }
            catch (UaException e) when (e.StatusCode.Code == StatusCodes.BadResponseTooLarge)
            {
                await SendAsync(MessageType.Message, null, tokenId, requestId, ServiceFault.For((request as IServiceRequest)?.RequestHeader, StatusCodes.BadResponseTooLarge), ct).ConfigureAwait(false);
            }
            finally
            {
                // "Once the response is on the wire": the write may have been left to a send in progress; wait for it.
                if (context.HasAfterResponse)
                {
                    try { await _connection.DrainAsync(ct).ConfigureAwait(false); }
                    catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException) { }
                }
                context.RunAfterResponse();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException or UaException) { }
        finally { Interlocked.Decrement(ref _inFlight); }
    }
}
