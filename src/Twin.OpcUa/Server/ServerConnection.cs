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
    private int _sendChunkSize;
    private int _peerMaxMessageSize;
    private int _peerMaxChunkCount;

    public ServerConnection(UaConnection connection, ServerOptions options, Services services)
    {
        _connection = connection;
        _options = options;
        _services = services;
        _limits = options.Limits;
        _channel = new ServerChannelState(options.Time);
        _closedToken = _closed.Token;
    }

    private readonly CancellationToken _closedToken;

    public void Dispose() => _closed.Dispose();

    public async Task RunAsync(CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _closed.Token);
        try
        {
            await HandshakeAsync(linked.Token).ConfigureAwait(false);
            var assembler = new ChunkAssembler(_limits.MaxMessageSize, _limits.MaxChunkCount);
            while (await _connection.ReadFrameAsync(linked.Token).ConfigureAwait(false) is { } frame)
            {
                var chunk = MessageChunk.Parse(frame, _limits);
                _received.Check(chunk.SequenceNumber);
                switch (chunk.Type)
                {
                    case MessageType.OpenChannel:
                        await OpenAsync(chunk, linked.Token).ConfigureAwait(false);
                        break;
                    case MessageType.CloseChannel:
                        _channel.CheckToken(chunk.ChannelId, chunk.TokenId);
                        return;
                    default:
                        _channel.CheckToken(chunk.ChannelId, chunk.TokenId);
                        if (assembler.Add(chunk) is { } body) StartRequest(chunk, body, linked.Token);
                        break;
                }
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

    /// <summary>HEL must come first, within a bounded time; the ACK revises the buffer sizes (Part 6 §7.1.2.3, §7.1.2.4).</summary>
    private async Task HandshakeAsync(CancellationToken ct)
    {
        using var helloTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        helloTimeout.CancelAfter(TimeSpan.FromSeconds(30));
        var frame = await _connection.ReadFrameAsync(helloTimeout.Token).ConfigureAwait(false)
            ?? throw new OperationCanceledException("The client closed before HEL.");
        if (frame.Type != MessageType.Hello) throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"Expected HEL but received {frame.Type}.");
        var hello = TcpMessages.DecodeHello(frame, _limits);
        if (hello.ProtocolVersion != TcpMessages.ProtocolVersion && hello.ProtocolVersion < TcpMessages.ProtocolVersion)
            throw new UaException(StatusCodes.BadProtocolVersionUnsupported, $"Protocol version {hello.ProtocolVersion} is not supported.");
        var receive = (int)Math.Min((uint)_limits.ReceiveBufferSize, hello.SendBufferSize);
        _sendChunkSize = (int)Math.Min((uint)_limits.SendBufferSize, hello.ReceiveBufferSize);
        _peerMaxMessageSize = hello.MaxMessageSize > int.MaxValue ? 0 : (int)hello.MaxMessageSize;
        _peerMaxChunkCount = hello.MaxChunkCount > int.MaxValue ? 0 : (int)hello.MaxChunkCount;
        await _connection.WriteAsync(TcpMessages.EncodeAcknowledge(new Acknowledge(TcpMessages.ProtocolVersion, (uint)receive, (uint)_sendChunkSize,
            (uint)_limits.MaxMessageSize, (uint)_limits.MaxChunkCount)), ct).ConfigureAwait(false);
        _connection.MaxReceiveChunkSize = receive;
    }

    /// <summary>OpenSecureChannel issue or renew (Part 4 §5.5.2, Part 6 §6.7.4); only SecurityPolicy None is implemented.</summary>
    private async Task OpenAsync(MessageChunk chunk, CancellationToken ct)
    {
        if (chunk.ChunkType != 'F') throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, "OPN must fit in one chunk.");
        var policy = chunk.Asymmetric!.SecurityPolicyUri;
        if (policy != SecurityPolicies.None) throw new UaException(StatusCodes.BadSecurityPolicyRejected, $"Security policy {policy} is not offered.");
        if (_channel.IsOpen ? chunk.ChannelId != _channel.ChannelId : chunk.ChannelId != 0)
            throw new UaException(StatusCodes.BadTcpSecureChannelUnknown, $"OPN names channel {chunk.ChannelId}.");
        var request = DecodeRequest(chunk.Body) as OpenSecureChannelRequest
            ?? throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, "OPN does not carry an OpenSecureChannelRequest.");
        var token = _channel.Open(request, policy);
        var response = new OpenSecureChannelResponse
        {
            ResponseHeader = ResponseHeader.For(request.RequestHeader), ServerProtocolVersion = 0, SecurityToken = token, ServerNonce = [],
        };
        await SendAsync(MessageType.OpenChannel, new AsymmetricSecurityHeader(SecurityPolicies.None, null, null), 0, chunk.RequestId, response, ct).ConfigureAwait(false);
    }

    private void StartRequest(MessageChunk chunk, byte[] body, CancellationToken ct)
    {
        var request = DecodeRequest(body);
        _ = HandleAsync(chunk.TokenId, chunk.RequestId, request, ct);
    }

    private async Task HandleAsync(uint tokenId, uint requestId, IEncodeable request, CancellationToken ct)
    {
        try
        {
            var context = new ChannelContext(_channel.ChannelId, _channel.SecurityMode, _channel.SecurityPolicyUri, _closedToken);
            var response = await _services.DispatchAsync(context, request).ConfigureAwait(false);
            try
            {
                await SendAsync(MessageType.Message, null, tokenId, requestId, response, ct).ConfigureAwait(false);
            }
            catch (UaException e) when (e.StatusCode.Code == StatusCodes.BadResponseTooLarge)
            {
                await SendAsync(MessageType.Message, null, tokenId, requestId, ServiceFault.For((request as IServiceRequest)?.RequestHeader, StatusCodes.BadResponseTooLarge), ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException) { }
    }
}
