using System.Buffers.Binary;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Transport;

/// <summary>The UA-TCP and UA-SC message types of Part 6 §7.1.2.2 and §6.7.2.2.</summary>
public enum MessageType
{
    Hello,
    Acknowledge,
    Error,
    ReverseHello,
    Message,
    OpenChannel,
    CloseChannel,
}

/// <summary>One UA-TCP chunk as it arrived: the 8-byte header and everything after it.</summary>
public sealed record Frame(MessageType Type, byte ChunkType, byte[] Bytes)
{
    /// <summary>The bytes after the 8-byte header.</summary>
    public ReadOnlyMemory<byte> Body => Bytes.AsMemory(TcpMessages.HeaderSize);
}

/// <summary>Encodes and decodes the UA-TCP connection messages HEL, ACK and ERR (Part 6 §7.1.2).</summary>
public static class TcpMessages
{
    public const int HeaderSize = 8;
    public const uint ProtocolVersion = 0;

    /// <summary>Part 6 §7.1.2.3: an EndpointUrl is at most 4096 bytes.</summary>
    public const int MaxEndpointUrlLength = 4096;

    /// <summary>Reads the message type from the first three bytes; null when they name no known type.</summary>
    public static MessageType? ParseType(ReadOnlySpan<byte> header) => (header[0], header[1], header[2]) switch
    {
        ((byte)'M', (byte)'S', (byte)'G') => MessageType.Message,
        ((byte)'O', (byte)'P', (byte)'N') => MessageType.OpenChannel,
        ((byte)'C', (byte)'L', (byte)'O') => MessageType.CloseChannel,
        ((byte)'H', (byte)'E', (byte)'L') => MessageType.Hello,
        ((byte)'A', (byte)'C', (byte)'K') => MessageType.Acknowledge,
        ((byte)'E', (byte)'R', (byte)'R') => MessageType.Error,
        ((byte)'R', (byte)'H', (byte)'E') => MessageType.ReverseHello,
        _ => null,
    };

    private static ReadOnlySpan<byte> Code(MessageType type) => type switch
    {
        MessageType.Message => "MSG"u8,
        MessageType.OpenChannel => "OPN"u8,
        MessageType.CloseChannel => "CLO"u8,
        MessageType.Hello => "HEL"u8,
        MessageType.Acknowledge => "ACK"u8,
        MessageType.Error => "ERR"u8,
        MessageType.ReverseHello => "RHE"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a UA-TCP message type."),
    };

    private static string Name(MessageType type) => System.Text.Encoding.ASCII.GetString(Code(type));

    /// <summary>Writes the 8-byte header (type, chunk type, size) at the start of a frame.</summary>
    public static void WriteHeader(Span<byte> frame, MessageType type, byte chunkType, int size)
    {
        Code(type).CopyTo(frame);
        frame[3] = chunkType;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], (uint)size);
    }

    private static byte[] Frame(MessageType type, Action<BinaryEncoder> body)
    {
        var e = new BinaryEncoder(64);
        e.WriteRaw(new byte[HeaderSize]);
        body(e);
        var bytes = e.ToArray();
        WriteHeader(bytes, type, (byte)'F', bytes.Length);
        return bytes;
    }

    public static byte[] EncodeHello(Hello m) => Frame(MessageType.Hello, e =>
    {
        e.WriteUInt32(m.ProtocolVersion); e.WriteUInt32(m.ReceiveBufferSize); e.WriteUInt32(m.SendBufferSize);
        e.WriteUInt32(m.MaxMessageSize); e.WriteUInt32(m.MaxChunkCount); e.WriteString(m.EndpointUrl);
    });

    public static byte[] EncodeAcknowledge(Acknowledge m) => Frame(MessageType.Acknowledge, e =>
    {
        e.WriteUInt32(m.ProtocolVersion); e.WriteUInt32(m.ReceiveBufferSize); e.WriteUInt32(m.SendBufferSize); e.WriteUInt32(m.MaxMessageSize); e.WriteUInt32(m.MaxChunkCount);
    });

    public static byte[] EncodeError(uint status, string? reason) => Frame(MessageType.Error, e =>
    {
        e.WriteUInt32(status);
        e.WriteString(reason is { Length: > 1024 } ? reason[..1024] : reason);
    });

    /// <summary>Part 6 §7.1.2.3; the buffer sizes must be at least 8192 bytes.</summary>
    public static Hello DecodeHello(Frame frame, EncodingLimits limits)
    {
        var d = Decoder(frame, limits, MessageType.Hello);
        var m = new Hello(d.ReadUInt32(), d.ReadUInt32(), d.ReadUInt32(), d.ReadUInt32(), d.ReadUInt32(), d.ReadString());
        d.EnsureEnd();
        if (m.ReceiveBufferSize < 8192 || m.SendBufferSize < 8192)
            throw new UaException(StatusCodes.BadTcpInternalError, $"HEL buffer sizes {m.ReceiveBufferSize}/{m.SendBufferSize} are below the minimum of 8192.");
        if (m.EndpointUrl is { } url && System.Text.Encoding.UTF8.GetByteCount(url) > MaxEndpointUrlLength)
            throw new UaException(StatusCodes.BadTcpEndpointUrlInvalid, "HEL endpoint URL is longer than 4096 bytes.");
        return m;
    }

    public static Acknowledge DecodeAcknowledge(Frame frame, EncodingLimits limits)
    {
        var d = Decoder(frame, limits, MessageType.Acknowledge);
        var m = new Acknowledge(d.ReadUInt32(), d.ReadUInt32(), d.ReadUInt32(), d.ReadUInt32(), d.ReadUInt32());
        d.EnsureEnd();
        if (m.ReceiveBufferSize < 8192 || m.SendBufferSize < 8192)
            throw new UaException(StatusCodes.BadTcpInternalError, $"ACK buffer sizes {m.ReceiveBufferSize}/{m.SendBufferSize} are below the minimum of 8192.");
        return m;
    }

    /// <summary>Decodes an ERR message (or an abort chunk's body): status code and reason.</summary>
    public static (StatusCode Status, string? Reason) DecodeError(ReadOnlyMemory<byte> body, EncodingLimits limits)
    {
        var d = new BinaryDecoder(body, limits);
        return (d.ReadStatusCode(), d.ReadString());
    }

    private static BinaryDecoder Decoder(Frame frame, EncodingLimits limits, MessageType expected)
    {
        if (frame.Type != expected) throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"Expected {Name(expected)} but received {Name(frame.Type)}.");
        if (frame.ChunkType != 'F') throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"{Name(expected)} must be a final chunk ('F').");
        return new BinaryDecoder(frame.Body, limits);
    }
}

/// <summary>HEL: what the client can receive and send (Part 6 §7.1.2.3).</summary>
public sealed record Hello(uint ProtocolVersion, uint ReceiveBufferSize, uint SendBufferSize, uint MaxMessageSize, uint MaxChunkCount, string? EndpointUrl);

/// <summary>ACK: the sizes the server accepted (Part 6 §7.1.2.4).</summary>
public sealed record Acknowledge(uint ProtocolVersion, uint ReceiveBufferSize, uint SendBufferSize, uint MaxMessageSize, uint MaxChunkCount);
