using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Transport;

/// <summary>
/// One UA-TCP connection over a duplex pipe (a socket or an in-process pair): reads whole chunks,
/// checking the header against the negotiated receive size, and writes whole messages in order, a burst of them in one send.
/// </summary>
public sealed partial class UaConnection : IAsyncDisposable
{
    private readonly IDuplexPipe _pipe;
    private readonly Action? _onDispose;
    private int _disposed;

    public UaConnection(IDuplexPipe pipe, string remote, Action? onDispose = null)
    {
        _pipe = pipe ?? throw new ArgumentNullException(nameof(pipe));
        Remote = remote;
        _onDispose = onDispose;
    }

    /// <summary>The pipe this connection reads and writes (for tests and diagnostics).</summary>
    internal IDuplexPipe Transport => _pipe;

    /// <summary>Who is on the other end, for logs and errors.</summary>
    public string Remote { get; }

    /// <summary>The largest chunk accepted from the peer; 8192 until HEL/ACK negotiates more (Part 6 §7.1.2.3).</summary>
    public int MaxReceiveChunkSize { get; set; } = 8192;

    /// <summary>Reads the next whole chunk into an array of its own; null at a clean end of stream between chunks.</summary>
    /// <exception cref="UaException">BadTcpMessageTypeInvalid, BadTcpMessageTooLarge or BadDecodingError (stream ended inside a chunk).</exception>
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken ct)
    {
        var pooled = await ReadPooledFrameAsync(ct).ConfigureAwait(false);
        if (pooled.IsEnd) return null;
        try { return pooled.ToFrame(); }
        finally { pooled.Return(); }
    }

    /// <summary>Writes frames atomically with respect to other writers (see <see cref="WriteLockedAsync{TState}"/>).</summary>
    public ValueTask WriteAsync(IReadOnlyList<byte[]> frames, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(frames);
        return WriteLockedAsync(frames, static (output, fs) =>
        {
            foreach (var f in fs) output.Write(f);
        }, deferFlush: false, ct);
    }

    public ValueTask WriteAsync(byte[] frame, CancellationToken ct) => WriteAsync([frame], ct);

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
    public ValueTask DisposeOutputAsync() => CloseOutputAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await CloseOutputAsync().ConfigureAwait(false);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
        _onDispose?.Invoke();
    }
}
