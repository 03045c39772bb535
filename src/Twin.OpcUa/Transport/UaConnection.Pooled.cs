using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Transport;

/// <summary>
/// One UA-TCP chunk received into a buffer rented from <see cref="ArrayPool{T}.Shared"/>: the 8-byte header and everything
/// after it in the first <see cref="Length"/> bytes. The buffer is the reader's to change (a secure channel decrypts in place)
/// and must be handed back with <see cref="Return"/> once nothing refers to it; <see cref="IsEnd"/> marks the end of the stream.
/// </summary>
public readonly struct PooledFrame
{
    internal PooledFrame(MessageType type, byte chunkType, byte[] buffer, int length)
    {
        Type = type;
        ChunkType = chunkType;
        Buffer = buffer;
        Length = length;
    }

    public MessageType Type { get; }
    public byte ChunkType { get; }

    /// <summary>The rented buffer (longer than the chunk); null at the end of the stream.</summary>
    public byte[]? Buffer { get; }

    /// <summary>The chunk's size in bytes, header included.</summary>
    public int Length { get; }

    public bool IsEnd => Buffer is null;

    /// <summary>The chunk, header included.</summary>
    public Span<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>A copy that outlives the buffer.</summary>
    public Frame ToFrame() => new(Type, ChunkType, Span.ToArray());

    public void Return()
    {
        if (Buffer is not null) ArrayPool<byte>.Shared.Return(Buffer);
    }
}

public sealed partial class UaConnection
{
    /// <summary>
    /// Reads the next whole chunk into a pooled buffer (one copy out of the pipe; see <see cref="PooledFrame"/>); an end frame at
    /// a clean end of stream between chunks. A chunk already received is taken without waiting; before waiting for more bytes,
    /// output left buffered by <see cref="WriteLockedAsync{TState}"/> is sent (unless <see cref="SendsBeforeWaiting"/> is off). The state machine comes from a pool: a connection reads for as long as it lives, one await per chunk.
    /// </summary>
    /// <exception cref="UaException">BadTcpMessageTypeInvalid, BadTcpMessageTooLarge or BadDecodingError (stream ended inside a chunk).</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<PooledFrame> ReadPooledFrameAsync(CancellationToken ct)
    {
        var reader = _pipe.Input;
        var mayTake = true;
        while (true)
        {
            // TryRead hands back what is buffered even when it was examined already, so it is tried once per call only.
            if (!mayTake || !reader.TryRead(out var result))
            {
                if (SendsBeforeWaiting && Volatile.Read(ref _buffered) != 0) await FlushAsync(ct).ConfigureAwait(false);
                result = await reader.ReadAsync(ct).ConfigureAwait(false);
            }
            mayTake = false;
            var buffer = result.Buffer;
            if (TryTakeFrame(ref buffer, out var frame))
            {
                reader.AdvanceTo(buffer.Start);
                return frame;
            }
            if (result.IsCompleted || result.IsCanceled)
            {
                var leftover = buffer.Length;
                reader.AdvanceTo(buffer.End);
                if (leftover == 0) return default;
                throw new UaException(StatusCodes.BadDecodingError, $"The connection ended inside a chunk ({leftover} bytes pending).");
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Takes the next whole chunk if it has been received already, without waiting (see <see cref="ReadPooledFrameAsync"/>);
    /// false when none is complete yet or the stream has ended, which <see cref="ReadPooledFrameAsync"/> then reports.
    /// </summary>
    /// <exception cref="UaException">As <see cref="ReadPooledFrameAsync"/>, for a chunk header that is not acceptable.</exception>
    public bool TryReadPooledFrame(out PooledFrame frame)
    {
        frame = default;
        var reader = _pipe.Input;
        if (!reader.TryRead(out var result)) return false;
        var buffer = result.Buffer;
        if (TryTakeFrame(ref buffer, out frame))
        {
            reader.AdvanceTo(buffer.Start);
            return true;
        }
        // Nothing consumed: the next read sees the same bytes (and the end of the stream, if that is what came).
        reader.AdvanceTo(buffer.Start);
        return false;
    }

    private bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, out PooledFrame frame)
    {
        frame = default;
        if (buffer.Length < TcpMessages.HeaderSize) return false;
        Span<byte> header = stackalloc byte[TcpMessages.HeaderSize];
        buffer.Slice(0, TcpMessages.HeaderSize).CopyTo(header);
        var type = TcpMessages.ParseType(header) ?? throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"Unknown message type 0x{Convert.ToHexString(header[..3])}.");
        var chunkType = header[3];
        if (chunkType is not ((byte)'F' or (byte)'C' or (byte)'A'))
            throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"Unknown chunk type 0x{chunkType:X2}.");
        var size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (size < TcpMessages.HeaderSize) throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"Message size {size} is smaller than the header.");
        if (size > (uint)MaxReceiveChunkSize) throw new UaException(StatusCodes.BadTcpMessageTooLarge, $"Chunk of {size} bytes exceeds the receive buffer of {MaxReceiveChunkSize}.");
        if (buffer.Length < size) return false;
        var rented = ArrayPool<byte>.Shared.Rent((int)size);
        buffer.Slice(0, size).CopyTo(rented);
        buffer = buffer.Slice(size);
        frame = new PooledFrame(type, chunkType, rented, (int)size);
        return true;
    }
}
