using System.Buffers;
using System.Runtime.CompilerServices;

namespace Twin.OpcUa.Transport;

public sealed partial class UaConnection
{
    /// <summary>
    /// Output buffered beyond this is sent before its writer returns, even when the writer asked to defer or another writer is
    /// sending: the buffer of a connection whose peer reads slowly stays bounded.
    /// </summary>
    internal const int MaxBufferedOutput = 256 * 1024;

    /// <summary>Guards <see cref="_back"/>, <see cref="_buffered"/> and <see cref="_outputClosed"/>; held only to append or swap bytes, never across I/O.</summary>
    private readonly Lock _bufferLock = new();

    /// <summary>Held by the one writer that sends (the sender), for as long as it hands buffered bytes to the pipe; others only append.</summary>
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Bytes appended in order and not yet taken by the sender.</summary>
    private OutputBuffer _back = new();

    /// <summary>Bytes the sender is handing to the pipe; only the holder of <see cref="_writeLock"/> touches it.</summary>
    private OutputBuffer _front = new();

    /// <summary>The size of <see cref="_back"/>, readable without the lock (the reader checks it before it waits for input).</summary>
    private int _buffered;

    private int _outputClosed;

    /// <summary>
    /// Whether the reader sends output left by deferred writes before it waits for input (the default: a server that answers on
    /// its read loop defers there). Code that sends its deferred writes itself (<see cref="FlushAsync"/>) may turn it off, so
    /// that a burst it is still writing does not leave in pieces.
    /// </summary>
    public bool SendsBeforeWaiting { get; set; } = true;

    /// <summary>
    /// Runs <paramref name="write"/> with <paramref name="state"/> under the output lock, so a sequence number and its bytes
    /// stay in order, then sends. Writers do not queue behind a send in progress: their bytes are appended behind it and the
    /// writer that is sending sends them as well, in one write, once its own has gone (TCP is a stream: a burst of requests or
    /// answers leaves in as few socket writes as it arrives in, not one per message). A writer that finds nobody sending sends
    /// at once; one that finds a send in progress returns when its bytes are appended, so a write that returned is sent or
    /// will be sent by the sender in progress; a failure to send closes the output and ends the reading side, so everyone
    /// waiting for an answer learns of it. With <paramref name="deferFlush"/> the bytes stay buffered until the reader of this
    /// connection next has to wait for input: a server answering requests on its read loop sends the answers to a burst in
    /// one write. Only code that calls <see cref="ReadPooledFrameAsync"/> or <see cref="FlushAsync"/> next may defer, or the
    /// bytes could wait for the next request. The state travels by value and <paramref name="write"/> should be static: nothing is allocated per
    /// message. If <paramref name="write"/> throws, nothing it wrote is sent.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The output is closed.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask WriteLockedAsync<TState>(TState state, Action<IBufferWriter<byte>, TState> write, bool deferFlush, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        // Checked before anything is appended: a send cancelled half-way ends the connection (see SendBufferedAsync).
        ct.ThrowIfCancellationRequested();
        int buffered;
        lock (_bufferLock)
        {
            ThrowIfOutputClosed();
            var mark = _back.WrittenCount;
            try { write(_back, state); }
            catch
            {
                _back.Truncate(mark);
                throw;
            }
            buffered = _back.WrittenCount;
            Volatile.Write(ref _buffered, buffered);
        }
        // The append must be visible before the lock is tried (here or in FlushAsync), as the sender's release is
        // before its last look at the buffer: otherwise each could miss the other and the bytes would stay behind.
        Interlocked.MemoryBarrier();
        if (buffered < MaxBufferedOutput)
        {
            // Deferred: the reader sends before it waits. Not deferred and somebody sending: it sends these bytes after its own.
            if (deferFlush || !_writeLock.Wait(0, CancellationToken.None)) return;
        }
        else await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        await SendAndReleaseAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends what deferred writes left buffered; when somebody is sending already, that sender will. The reader calls it before
    /// it waits for input; code that deferred its writes elsewhere calls it when it is done.
    /// </summary>
    public ValueTask FlushAsync(CancellationToken ct) =>
        Volatile.Read(ref _buffered) == 0 || !_writeLock.Wait(0, CancellationToken.None) ? ValueTask.CompletedTask : SendAndReleaseAsync(ct);

    /// <summary>
    /// Returns once everything written before the call has been handed to the pipe, waiting for a send in progress if need
    /// be: a write that returned may still be waiting for the sender (see <see cref="WriteLockedAsync{TState}"/>), which is
    /// not enough before the connection is closed on purpose after an answer.
    /// </summary>
    public async ValueTask DrainAsync(CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        await SendAndReleaseAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// With <see cref="_writeLock"/> held: sends until nothing is buffered, then lets go. Bytes appended after the last look
    /// and before the release were left by writers that saw the lock held, so they are looked for once more after it.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAndReleaseAsync(CancellationToken ct)
    {
        while (true)
        {
            try { await SendBufferedAsync(ct).ConfigureAwait(false); }
            finally { _writeLock.Release(); }
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _buffered) == 0 || Volatile.Read(ref _outputClosed) != 0 || !_writeLock.Wait(0, CancellationToken.None)) return;
        }
    }

    /// <summary>With <see cref="_writeLock"/> held: hands the buffered bytes to the pipe, batch by batch, until none are left.</summary>
    private async ValueTask SendBufferedAsync(CancellationToken ct)
    {
        while (true)
        {
            lock (_bufferLock)
            {
                if (_back.WrittenCount == 0 || _outputClosed != 0) return;
                (_front, _back) = (_back, _front);
                Volatile.Write(ref _buffered, 0);
            }
            try
            {
                await _pipe.Output.WriteAsync(_front.WrittenMemory, ct).ConfigureAwait(false);
            }
            catch
            {
                // Part of a batch may have left, and the batch holds other writers' messages: the stream cannot go on.
                BreakOutput();
                throw;
            }
            finally { _front.Clear(); }
        }
    }

    /// <summary>After a failed send: no more writes, buffered bytes dropped, and the reader ends as at the end of the stream.</summary>
    private void BreakOutput()
    {
        lock (_bufferLock)
        {
            _outputClosed = 1;
            _back.Clear();
            Volatile.Write(ref _buffered, 0);
        }
        try { _pipe.Input.CancelPendingRead(); }
        catch (InvalidOperationException) { }
    }

    private void ThrowIfOutputClosed()
    {
        if (Volatile.Read(ref _outputClosed) != 0) throw new ObjectDisposedException(nameof(UaConnection), "The connection's output is closed.");
    }

    /// <summary>
    /// Sends what is buffered (answers held back for a burst: the loop may end on the request after them, CLO or end of
    /// stream), then completes the output once no sender is between its bytes and the pipe (a pipe writer completed under a
    /// writer breaks); writers after this fail with ObjectDisposedException. Both waits are bounded: a peer that reads
    /// nothing, or a sender stuck on it, must not hold the close.
    /// </summary>
    private async ValueTask CloseOutputAsync()
    {
        var locked = await _writeLock.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
        try
        {
            OutputBuffer? last = null;
            lock (_bufferLock)
            {
                if (_outputClosed != 0) return;
                _outputClosed = 1;
                if (locked && _back.WrittenCount > 0)
                {
                    (_front, _back) = (_back, _front);
                    last = _front;
                }
                Volatile.Write(ref _buffered, 0);
            }
            if (last is not null)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try { await _pipe.Output.WriteAsync(last.WrittenMemory, cts.Token).ConfigureAwait(false); }
                catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or OperationCanceledException) { }
                finally { last.Clear(); }
            }
            await _pipe.Output.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            if (locked) _writeLock.Release();
        }
    }

    /// <summary>
    /// A growing byte buffer rented from <see cref="ArrayPool{T}.Shared"/> while it holds bytes and handed back once they are
    /// sent, so an idle connection keeps no output buffer.
    /// </summary>
    private sealed class OutputBuffer : IBufferWriter<byte>
    {
        private byte[]? _buffer;

        public int WrittenCount { get; private set; }

        public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

        public void Advance(int count)
        {
            if (count < 0 || WrittenCount + count > (_buffer?.Length ?? 0)) throw new ArgumentOutOfRangeException(nameof(count), "Advanced past the memory handed out.");
            WrittenCount += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint).AsMemory(WrittenCount);

        public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint).AsSpan(WrittenCount);

        private byte[] Reserve(int sizeHint)
        {
            var needed = WrittenCount + Math.Max(sizeHint, 1);
            if (_buffer is { } b && b.Length >= needed) return b;
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_buffer?.Length ?? 0) * 2)));
            if (_buffer is not null)
            {
                _buffer.AsSpan(0, WrittenCount).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_buffer);
            }
            return _buffer = grown;
        }

        /// <summary>Drops what was written after <paramref name="count"/> bytes.</summary>
        public void Truncate(int count) => WrittenCount = Math.Min(count, WrittenCount);

        public void Clear()
        {
            WrittenCount = 0;
            if (_buffer is null) return;
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }
    }
}
