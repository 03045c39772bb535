using System.Buffers;
using System.Buffers.Binary;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.SecureChannel;

/// <summary>
/// The clear headers of a received MSG or CLO chunk (Part 6 §6.7.2.2 – §6.7.2.4), read where the chunk lies: message header
/// (8 bytes), SecureChannelId, TokenId, SequenceNumber and RequestId. The body starts at <see cref="Size"/>.
/// </summary>
public readonly record struct SymmetricChunkHeader(uint ChannelId, uint TokenId, uint SequenceNumber, uint RequestId)
{
    public const int Size = TcpMessages.HeaderSize + 16;

    /// <exception cref="UaException">BadDecodingError when the chunk is shorter than its headers.</exception>
    public static SymmetricChunkHeader Read(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < Size) throw new UaException(StatusCodes.BadDecodingError, $"A chunk of {chunk.Length} bytes is shorter than its {Size} bytes of headers.");
        return new(BinaryPrimitives.ReadUInt32LittleEndian(chunk[8..]), BinaryPrimitives.ReadUInt32LittleEndian(chunk[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(chunk[16..]), BinaryPrimitives.ReadUInt32LittleEndian(chunk[20..]));
    }
}

/// <summary>One message to send as chunks: what <see cref="MessageChunk.Write"/> needs, passed by value so nothing is allocated per message.</summary>
internal readonly record struct OutgoingMessage(MessageType Type, uint ChannelId, AsymmetricSecurityHeader? Asymmetric, uint TokenId, SequenceCounter Sequence, uint RequestId,
    BinaryEncoder Body, int MaxChunkSize, int MaxMessageSize, int MaxChunkCount, uint TooLargeStatus, ChannelSecurity Security);

public sealed partial record MessageChunk
{
    /// <summary>
    /// Writes a message as chunks into <paramref name="output"/> (to be called under the connection's write lock, which keeps
    /// sequence numbers in sending order). Each MSG or CLO chunk is built, padded, signed and encrypted in one pooled buffer
    /// and copied into the output once; OPN chunks, rare and asymmetric, go through <see cref="Encode"/>.
    /// </summary>
    internal static void Write(IBufferWriter<byte> output, OutgoingMessage m)
    {
        var body = m.Body.Written;
        if (m.Asymmetric is not null)
        {
            foreach (var c in Encode(m.Type, m.ChannelId, m.Asymmetric, m.TokenId, m.Sequence.Next, m.RequestId, body, m.MaxChunkSize, m.MaxMessageSize, m.MaxChunkCount, m.TooLargeStatus, m.Security))
                output.Write(c);
            return;
        }
        var perChunk = m.Security.MaxBodySize(m.MaxChunkSize, SymmetricChunkHeader.Size - 8, asymmetric: false);
        if (perChunk <= 0) throw new UaException(StatusCodes.BadTcpInternalError, "The chunk size leaves no room for a body.");
        if (m.MaxMessageSize > 0 && body.Length > m.MaxMessageSize) throw new UaException(m.TooLargeStatus, $"Message of {body.Length} bytes exceeds the peer's limit of {m.MaxMessageSize}.");
        var count = Math.Max(1, (body.Length + perChunk - 1) / perChunk);
        if (m.MaxChunkCount > 0 && count > m.MaxChunkCount) throw new UaException(m.TooLargeStatus, $"Message needs {count} chunks but the peer accepts {m.MaxChunkCount}.");
        for (var i = 0; i < count; i++)
        {
            var part = body.Slice(i * perChunk, Math.Min(perChunk, body.Length - i * perChunk));
            var plainLength = SymmetricChunkHeader.Size + part.Length;
            var chunk = ArrayPool<byte>.Shared.Rent(m.Security.ProtectedLength(plainLength));
            try
            {
                TcpMessages.WriteHeader(chunk, m.Type, i == count - 1 ? (byte)'F' : (byte)'C', plainLength);
                BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(8), m.ChannelId);
                BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(12), m.TokenId);
                BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(16), m.Sequence.Next());
                BinaryPrimitives.WriteUInt32LittleEndian(chunk.AsSpan(20), m.RequestId);
                part.CopyTo(chunk.AsSpan(SymmetricChunkHeader.Size));
                output.Write(chunk.AsSpan(0, m.Security.ProtectInPlace(chunk, plainLength)));
            }
            finally { ArrayPool<byte>.Shared.Return(chunk); }
        }
    }
}
