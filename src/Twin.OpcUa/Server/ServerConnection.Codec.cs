using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Server;

internal sealed partial class ServerConnection
{
    /// <summary>
    /// Decodes a message body: the encoding NodeId, then the request (Part 6 §6.7.2.1). An unknown request type still yields its
    /// RequestHeader so the reply can be a ServiceFault with BadServiceUnsupported.
    /// </summary>
    private IEncodeable DecodeRequest(ReadOnlyMemory<byte> body)
    {
        var d = new BinaryDecoder(body, _limits);
        var typeId = d.ReadNodeId();
        if (d.Registry.TryCreate(typeId, out var value) && value is IServiceRequest)
        {
            value.Decode(d);
            d.EnsureEnd();
            return value;
        }
        return new UnsupportedRequest(typeId) { RequestHeader = d.ReadEncodeable<RequestHeader>() };
    }

    private async ValueTask SendAsync(MessageType type, AsymmetricSecurityHeader? asym, uint tokenId, uint requestId, IEncodeable response, CancellationToken ct)
    {
        var body = BinaryEncoder.Rent();
        try
        {
            body.WriteNodeId(response.BinaryEncodingId);
            response.Encode(body);
            // On the read loop, inside StartRequest, the answer may wait in the output buffer: the loop sends it, with the answers to
            // any further requests already received, before it waits for input again (one socket write per burst, not per request).
            var deferFlush = _answeringInline && Environment.CurrentManagedThreadId == _readLoopThread;
            await _connection.WriteLockedAsync((Connection: this, Type: type, Asymmetric: asym, TokenId: tokenId, RequestId: requestId, Body: body), static (output, s) =>
                MessageChunk.Write(output, new OutgoingMessage(s.Type, s.Connection._channel.ChannelId, s.Asymmetric, s.TokenId, s.Connection._sent, s.RequestId, s.Body,
                    s.Connection._sendChunkSize, s.Connection._peerMaxMessageSize, s.Connection._peerMaxChunkCount, StatusCodes.BadResponseTooLarge, s.Connection._security)),
                deferFlush, ct).ConfigureAwait(false);
        }
        finally { body.Return(); }
    }

    private bool _answeringInline;
    private int _readLoopThread;

    /// <summary>A request of a type this server does not know: only its header was decoded.</summary>
    private sealed class UnsupportedRequest(NodeId typeId) : IServiceRequest
    {
        public RequestHeader RequestHeader { get; set; } = new();
        public NodeId BinaryEncodingId => typeId;
        public void Encode(BinaryEncoder e) => throw new NotSupportedException();
        public void Decode(BinaryDecoder d) => throw new NotSupportedException();
    }
}
