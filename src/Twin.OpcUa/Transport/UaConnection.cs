using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Transport;

/// <summary>
/// One UA-TCP connection over a duplex pipe (a socket or an in-process pair): reads whole chunks,
/// checking the header against the negotiated receive size, and writes frames one at a time.
/// </summary>
public sealed class UaConnection : IAsyncDisposable
{
    private readonly IDuplexPipe _pipe;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Action? _onDispose;
    private int _disposed;

    public UaConnection(IDuplexPipe pipe, string remote, Action? onDispose = null)
    {
        _pipe = pipe ?? throw new ArgumentNullException(nameof(pipe));
        Remote = remote;
        _onDispose = onDispose;
    }

    /// <summary>Who is on the other end, for logs and errors.</summary>
    public string Remote { get; }

    /// <summary>The largest chunk accepted from the peer; 8192 until HEL/ACK negotiates more (Part 6 §7.1.2.3).</summary>
    public int MaxReceiveChunkSize { get; set; } = 8192;

    /// <summary>Reads the next whole chunk; null at a clean end of stream between chunks.</summary>
    /// <exception cref="UaException">BadTcpMessageTypeInvalid, BadTcpMessageTooLarge or BadDecodingError (stream ended inside a chunk).</exception>
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken ct)
    {
        var reader = _pipe.Input;
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
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
                if (leftover == 0) return null;
                throw new UaException(StatusCodes.BadDecodingError, $"The connection ended inside a chunk ({leftover} bytes pending).");
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryTakeFrame(ref ReadOnlySequence<byte> buffer, out Frame? frame)
    {
        frame = null;
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
        var bytes = buffer.Slice(0, size).ToArray();
        buffer = buffer.Slice(size);
        frame = new Frame(type, chunkType, bytes);
        return true;
    }

    /// <summary>Writes frames atomically with respect to other writers.</summary>
    public async ValueTask WriteAsync(IReadOnlyList<byte[]> frames, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(frames);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            foreach (var f in frames) await _pipe.Output.WriteAsync(f, ct).ConfigureAwait(false);
        }
        finally { _writeLock.Release(); }
    }

    public ValueTask WriteAsync(byte[] frame, CancellationToken ct) => WriteAsync([frame], ct);

    /// <summary>Runs <paramref name="action"/> under the write lock, so a sequence number and its write stay in order.</summary>
    public async ValueTask WriteLockedAsync(Func<PipeWriter, ValueTask> action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(action);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try { await action(_pipe.Output).ConfigureAwait(false); }
        finally { _writeLock.Release(); }
    }

    /// <summary>Sends ERR with a status code and reason, then closes (Part 6 §7.1.2.5); failures to send are ignored.</summary>
    public async ValueTask FailAsync(uint status, string reason)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await WriteAsync(TcpMessages.EncodeError(status, reason), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException or ObjectDisposedException) { }
        await DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Ends this side's sending (the peer reads end of stream) while still reading what the peer sends.</summary>
    public ValueTask DisposeOutputAsync() => _pipe.Output.CompleteAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
        _onDispose?.Invoke();
    }
}
