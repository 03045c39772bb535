using System.Buffers.Binary;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.SecureChannel;

/// <summary>The asymmetric security header of an OPN chunk (Part 6 §6.7.2.3).</summary>
public sealed record AsymmetricSecurityHeader(string? SecurityPolicyUri, byte[]? SenderCertificate, byte[]? ReceiverCertificateThumbprint);

/// <summary>
/// A parsed OPN, MSG or CLO chunk under SecurityPolicy None: message header, security header, sequence header, body (Part 6 §6.7.2).
/// </summary>
public sealed partial record MessageChunk(MessageType Type, byte ChunkType, uint ChannelId, AsymmetricSecurityHeader? Asymmetric, uint TokenId, uint SequenceNumber, uint RequestId, ReadOnlyMemory<byte> Body)
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
    private readonly Dictionary<uint, (List<byte[]> Parts, int Size)> _pending = [];
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
        return TryComplete(chunk.ChunkType, chunk.RequestId, chunk.Body.Span, out var assembled) ? assembled ?? chunk.Body.ToArray() : null;
    }

    /// <summary>
    /// Adds a chunk whose body is only lent (a receive buffer used again after this call): true when a message is complete.
    /// The final chunk of a message that came in one chunk is not copied: <paramref name="assembled"/> is then null and the
    /// message is <paramref name="body"/> itself, to be decoded where it lies. Otherwise <paramref name="assembled"/> holds
    /// the joined bodies. Chunks before the final one are copied; an abort chunk ('A') drops what came before.
    /// </summary>
    /// <exception cref="UaException">BadTcpMessageTooLarge past the chunk count or size limits; BadTcpNotEnoughResources past 16 partial messages.</exception>
    public bool TryComplete(byte chunkType, uint requestId, ReadOnlySpan<byte> body, out byte[]? assembled)
    {
        assembled = null;
        if (chunkType == 'A')
        {
            _pending.Remove(requestId);
            return false;
        }
        if (!_pending.TryGetValue(requestId, out var entry))
        {
            if (chunkType == 'F')
            {
                CheckLimits(1, body.Length);
                return true;
            }
            if (_pending.Count >= 16) throw new UaException(StatusCodes.BadTcpNotEnoughResources, "Too many partially received messages.");
            entry = ([], 0);
        }
        CheckLimits(entry.Parts.Count + 1, entry.Size + body.Length);
        entry.Parts.Add(body.ToArray());
        entry.Size += body.Length;
        if (chunkType == 'C')
        {
            _pending[requestId] = entry;
            return false;
        }
        _pending.Remove(requestId);
        var whole = new byte[entry.Size];
        var at = 0;
        foreach (var p in entry.Parts)
        {
            p.CopyTo(whole, at);
            at += p.Length;
        }
        assembled = whole;
        return true;
    }

    private void CheckLimits(int chunks, int size)
    {
        if (_maxChunkCount > 0 && chunks > _maxChunkCount)
            throw new UaException(StatusCodes.BadTcpMessageTooLarge, $"Message has more than {_maxChunkCount} chunks.");
        if (_maxMessageSize > 0 && size > _maxMessageSize)
            throw new UaException(StatusCodes.BadTcpMessageTooLarge, $"Message is larger than {_maxMessageSize} bytes.");
    }
}
