using System.Buffers.Binary;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.SecureChannel;

/// <summary>The asymmetric security header of an OPN chunk (Part 6 §6.7.2.3).</summary>
public sealed record AsymmetricSecurityHeader(string? SecurityPolicyUri, byte[]? SenderCertificate, byte[]? ReceiverCertificateThumbprint);

/// <summary>
/// A parsed OPN, MSG or CLO chunk under SecurityPolicy None: message header, security header, sequence header, body (Part 6 §6.7.2).
/// </summary>
public sealed record MessageChunk(MessageType Type, byte ChunkType, uint ChannelId, AsymmetricSecurityHeader? Asymmetric, uint TokenId, uint SequenceNumber, uint RequestId, ReadOnlyMemory<byte> Body)
{
    /// <summary>Parses a chunk; structure errors are BadDecodingError (or BadTcpMessageTypeInvalid for non-channel types).</summary>
    public static MessageChunk Parse(Frame frame, EncodingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Type is not (MessageType.Message or MessageType.OpenChannel or MessageType.CloseChannel))
            throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"{frame.Type} is not a secure channel message.");
        var d = new BinaryDecoder(frame.Body, limits);
        var channelId = d.ReadUInt32();
        AsymmetricSecurityHeader? asym = null;
        uint tokenId = 0;
        if (frame.Type == MessageType.OpenChannel)
            asym = new AsymmetricSecurityHeader(d.ReadString(), d.ReadByteString(), d.ReadByteString());
        else
            tokenId = d.ReadUInt32();
        var sequence = d.ReadUInt32();
        var requestId = d.ReadUInt32();
        var start = TcpMessages.HeaderSize + d.Position;
        return new MessageChunk(frame.Type, frame.ChunkType, channelId, asym, tokenId, sequence, requestId, frame.Bytes.AsMemory(start));
    }

    /// <summary>
    /// Splits <paramref name="body"/> into chunks of at most <paramref name="maxChunkSize"/> bytes, numbering each with
    /// <paramref name="nextSequence"/> (Part 6 §6.7.2.4); fails with <paramref name="tooLargeStatus"/> past the size or chunk limits.
    /// </summary>
    public static List<byte[]> Encode(MessageType type, uint channelId, AsymmetricSecurityHeader? asym, uint tokenId, Func<uint> nextSequence, uint requestId,
        ReadOnlySpan<byte> body, int maxChunkSize, int maxMessageSize, int maxChunkCount, uint tooLargeStatus, ChannelSecurity? protection = null)
    {
        ArgumentNullException.ThrowIfNull(nextSequence);
        var security = new BinaryEncoder(64);
        if (asym is not null)
        {
            security.WriteString(asym.SecurityPolicyUri); security.WriteByteString(asym.SenderCertificate); security.WriteByteString(asym.ReceiverCertificateThumbprint);
        }
        else security.WriteUInt32(tokenId);
        var overhead = TcpMessages.HeaderSize + 4 + security.Position + 8;
        var perChunk = protection is null ? maxChunkSize - overhead : protection.MaxBodySize(maxChunkSize, overhead - 8, asym is not null);
        if (perChunk <= 0) throw new UaException(StatusCodes.BadTcpInternalError, "The chunk size leaves no room for a body.");
        if (maxMessageSize > 0 && body.Length > maxMessageSize) throw new UaException(tooLargeStatus, $"Message of {body.Length} bytes exceeds the peer's limit of {maxMessageSize}.");
        var count = Math.Max(1, (body.Length + perChunk - 1) / perChunk);
        if (maxChunkCount > 0 && count > maxChunkCount) throw new UaException(tooLargeStatus, $"Message needs {count} chunks but the peer accepts {maxChunkCount}.");
        var chunks = new List<byte[]>(count);
        for (var i = 0; i < count; i++)
        {
            var part = body.Slice(i * perChunk, Math.Min(perChunk, body.Length - i * perChunk));
            var chunk = new byte[overhead + part.Length];
            TcpMessages.WriteHeader(chunk, type, i == count - 1 ? (byte)'F' : (byte)'C', chunk.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(8), channelId);
            security.Written.CopyTo(chunk.AsSpan(12));
            var at = 12 + security.Position;
            BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(at), nextSequence());
            BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(at + 4), requestId);
            part.CopyTo(chunk.AsSpan(overhead));
            chunks.Add(protection is null ? chunk : protection.Protect(chunk, type));
        }
        return chunks;
    }
}

/// <summary>Joins the chunks of each request id into whole messages, enforcing the chunk count and message size limits (Part 6 §6.7.2.4).</summary>
public sealed class ChunkAssembler
{
    private readonly Dictionary<uint, (List<ReadOnlyMemory<byte>> Parts, int Size)> _pending = [];
    private readonly int _maxMessageSize;
    private readonly int _maxChunkCount;

    public ChunkAssembler(int maxMessageSize, int maxChunkCount)
    {
        _maxMessageSize = maxMessageSize;
        _maxChunkCount = maxChunkCount;
    }

    /// <summary>Adds a chunk; returns the whole body on the final chunk, null while more are expected or after an abort.</summary>
    public byte[]? Add(MessageChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (chunk.ChunkType == 'A')
        {
            _pending.Remove(chunk.RequestId);
            return null;
        }
        if (!_pending.TryGetValue(chunk.RequestId, out var entry))
        {
            if (_pending.Count >= 16) throw new UaException(StatusCodes.BadTcpNotEnoughResources, "Too many partially received messages.");
            entry = ([], 0);
        }
        entry.Parts.Add(chunk.Body);
        entry.Size += chunk.Body.Length;
        if (_maxChunkCount > 0 && entry.Parts.Count > _maxChunkCount)
            throw new UaException(StatusCodes.BadTcpMessageTooLarge, $"Message has more than {_maxChunkCount} chunks.");
        if (_maxMessageSize > 0 && entry.Size > _maxMessageSize)
            throw new UaException(StatusCodes.BadTcpMessageTooLarge, $"Message is larger than {_maxMessageSize} bytes.");
        if (chunk.ChunkType == 'C')
        {
            _pending[chunk.RequestId] = entry;
            return null;
        }
        _pending.Remove(chunk.RequestId);
        var body = new byte[entry.Size];
        var at = 0;
        foreach (var p in entry.Parts)
        {
            p.Span.CopyTo(body.AsSpan(at));
            at += p.Length;
        }
        return body;
    }
}
