using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Transport;

/// <summary>
/// One UA-TCP connection over a duplex pipe (a socket or an in-process pair): reads whole chunks,
/// checking the header against the negotiated receive size, and writes frames one at a time.
/// </summary>
public sealed partial class UaConnection : IAsyncDisposable
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

    /// <summary>Reads the next whole chunk into an array of its own; null at a clean end of stream between chunks.</summary>
    /// <exception cref="UaException">BadTcpMessageTypeInvalid, BadTcpMessageTooLarge or BadDecodingError (stream ended inside a chunk).</exception>
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken ct)
    {
        var pooled = await ReadPooledFrameAsync(ct).ConfigureAwait(false);
        if (pooled.IsEnd) return null;
        try { return pooled.ToFrame(); }
        finally { pooled.Return(); }
    }

    /// <summary>Writes frames atomically with respect to other writers.</summary>
    public async ValueTask WriteAsync(IReadOnlyList<byte[]> frames, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(frames);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfOutputClosed();
            // One flush, so the chunks of a message leave in as few socket writes as the kernel allows.
            foreach (var f in frames) _pipe.Output.Write(f);
            _deferred = false;
            await _pipe.Output.FlushAsync(ct).ConfigureAwait(false);
        }
        finally { _writeLock.Release(); }
    }

    public ValueTask WriteAsync(byte[] frame, CancellationToken ct) => WriteAsync([frame], ct);

    private bool _deferred;

    private async ValueTask FlushDeferredAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!_deferred || Volatile.Read(ref _outputClosed) != 0) return;
            _deferred = false;
            await _pipe.Output.FlushAsync(ct).ConfigureAwait(false);
        }
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
    public ValueTask DisposeOutputAsync() => CloseOutputAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await CloseOutputAsync().ConfigureAwait(false);
        await _pipe.Input.CompleteAsync().ConfigureAwait(false);
        _onDispose?.Invoke();
    }

    private int _outputClosed;

    private void ThrowIfOutputClosed()
    {
        if (Volatile.Read(ref _outputClosed) != 0) throw new ObjectDisposedException(nameof(UaConnection), "The connection's output is closed.");
    }

    /// <summary>
    /// Completes the output under the write lock, so no writer is between its bytes and its flush (a pipe writer completed
    /// under a writer breaks); writers after this fail with ObjectDisposedException. Answers held back for a burst are sent
    /// first (the loop may end on the request after them: CLO, end of stream). Both waits are bounded: a peer that reads
    /// nothing, or a writer stuck on it, must not hold the close.
    /// </summary>
    private async ValueTask CloseOutputAsync()
    {
        var locked = await _writeLock.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _outputClosed, 1) != 0) return;
            if (locked && _deferred)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await _pipe.Output.FlushAsync(cts.Token).ConfigureAwait(false); }
                catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException) { }
            }
            await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            if (locked) _writeLock.Release();
        }
    }
}
