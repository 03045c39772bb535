using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Twin.OpcUa.Transport;

/// <summary>
/// A client socket read by a thread of its own with blocking receives, for a session that sends one request at a time and
/// waits for each answer. On Linux every asynchronous socket receive is completed by the runtime's I/O (epoll) thread and
/// then, by default, by a thread-pool worker: two threads woken per answer. Here the one thread that sleeps in
/// <c>recv</c> is the one the kernel wakes, and it runs the connection's reader on the spot (the input pipe resumes its
/// reader inline): it checks and decodes the answer and resumes the one waiting caller, whose next request is sent from
/// there, synchronously. One wake-up per round trip.
/// <para>
/// The socket must stay in blocking mode for that: the runtime makes a socket non-blocking for good at its first
/// asynchronous operation, after which a synchronous receive also waits on the I/O thread. So this socket is connected,
/// written and read only synchronously, and the thread lives as long as the connection: it ends when the peer closes,
/// the socket fails, or the connection is disposed (which shuts the socket down and so wakes a thread waiting in
/// <c>recv</c>). Sends block the writer while the kernel's send buffer is full.
/// </para>
/// <para>
/// With a spin bound, the thread polls the socket without blocking for up to that long before it blocks in <c>recv</c> —
/// but only when something was sent after the bytes it last received, that is while an answer is expected. A thread that
/// blocks leaves its CPU idle, and on a virtual machine whose idle CPUs halt at once, waking it again costs tens of µs;
/// polling keeps the CPU running for an answer that is about to come. With nothing sent since the last receive (the
/// session idles, or only a Publish waits at the server) it blocks at once: the spin costs at most its bound per request sent.
/// </para>
/// </summary>
internal sealed class ReceiveThreadPipe : IDuplexPipe
{
    /// <summary>The name the receive threads carry (also the Linux thread name, within its 15 characters).</summary>
    internal const string ThreadName = "UA receive";

    /// <summary>The longest spin a connection may be given (<see cref="ReceiveSpin.Max"/>).</summary>
    internal static TimeSpan MaxSpin => ReceiveSpin.Max;

    private static int s_running;

    private readonly Socket _socket;
    private readonly long _spinTicks;
    /// <summary>Sends so far (any thread); the receive thread compares it with the count it saw when it last received.</summary>
    private int _sends;
    private long _polls;
    private readonly Pipe _input;
    private readonly Thread _thread;
    private readonly string _remote;
    private int _closed;

    private ReceiveThreadPipe(Socket socket, TimeSpan spin)
    {
        _socket = socket;
        _spinTicks = (long)(spin.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        // The reader runs where the bytes arrive (inline); no pause threshold: a chunk larger than the threshold, half
        // received, would otherwise stop the only thread that can receive its other half. The reader takes every whole
        // chunk as soon as it is there, so what waits in the pipe is at most one chunk and one receive.
        _input = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false));
        Output = new SocketWriter(this);
        _remote = socket.RemoteEndPoint?.ToString() ?? "tcp";
        _thread = new Thread(static s => ((ReceiveThreadPipe)s!).Receive()) { IsBackground = true, Name = ThreadName };
    }

    /// <summary>Receive threads alive in this process (for tests and diagnostics).</summary>
    internal static int Running => Volatile.Read(ref s_running);

    /// <summary>Non-blocking polls of the socket this connection's thread has made while it spun (for tests and diagnostics).</summary>
    internal long Polls => Volatile.Read(ref _polls);

    public PipeReader Input => _input.Reader;

    public PipeWriter Output { get; }

    /// <summary>
    /// Connects a blocking socket to <paramref name="host"/>:<paramref name="port"/> and starts its receive thread, which spins
    /// up to <paramref name="spin"/> for an expected answer before it blocks (zero: never).
    /// </summary>
    public static Task<UaConnection> ConnectAsync(string host, int port, TimeSpan spin, CancellationToken ct) =>
        ConnectAsync(host, port, spin, null, ct);

    /// <summary>As <see cref="ConnectAsync(string, int, TimeSpan, CancellationToken)"/>; <paramref name="created"/> sees the pipe (tests).</summary>
    internal static async Task<UaConnection> ConnectAsync(string host, int port, TimeSpan spin, Action<ReceiveThreadPipe>? created, CancellationToken ct)
    {
        ReceiveSpin.Checked(spin, nameof(spin), "The receive thread's spin");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // A synchronous connect, off the caller's thread: an asynchronous one would make the socket non-blocking for good.
            // A cancellation closes the socket, which ends the connect.
            using (ct.UnsafeRegister(static s => ((Socket)s!).Dispose(), socket))
                await Task.Run(() => socket.Connect(host, port), ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
        }
        catch (Exception e) when (ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            socket.Dispose();
            throw new OperationCanceledException("The connect was cancelled.", e, ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var pipe = new ReceiveThreadPipe(socket, spin);
        created?.Invoke(pipe);
        var connection = new UaConnection(pipe, pipe._remote, pipe.Close);
        pipe._thread.Start(pipe);
        return connection;
    }

    private void Receive()
    {
        Interlocked.Increment(ref s_running);
        Exception? error = null;
        try
        {
            var writer = _input.Writer;
            var seen = 0;
            while (true)
            {
                var memory = writer.GetMemory(8192);
                int received;
                try
                {
                    // Something went out since the last bytes came in: its answer is on its way.
                    if (_spinTicks > 0 && Volatile.Read(ref _sends) != seen) SpinForAnswer();
                    received = _socket.Receive(memory.Span);
                    // Read at once: what is sent from here on (by the reader run below, or by any other thread) awaits an
                    // answer the bytes just received cannot hold. A send that slipped in before this read costs one spin less.
                    seen = Volatile.Read(ref _sends);
                }
                catch (SocketException e) when (Volatile.Read(ref _closed) == 0)
                {
                    error = new IOException($"Receiving from {_remote} failed: {e.Message}", e);
                    break;
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { break; }
                if (received == 0) break;
                writer.Advance(received);
                // Runs the connection's reader on this thread (inline scheduler), up to its next wait for input.
                var flushed = writer.FlushAsync();
                // Without a pause threshold a flush does not wait; a completed reader means nobody reads any more.
                var result = flushed.IsCompleted ? flushed.Result : flushed.AsTask().GetAwaiter().GetResult();
                if (result.IsCompleted) break;
            }
        }
        catch (Exception e)
        {
            // A continuation run here threw past its own handling: the connection cannot be trusted to go on.
            error = e;
        }
        finally
        {
            _input.Writer.Complete(error);
            Interlocked.Decrement(ref s_running);
        }
    }

    /// <summary>
    /// Polls the socket without blocking until it is readable (bytes, the peer's end, an error) or the spin bound has passed.
    /// Between polls the CPU only pauses (no yield, no sleep): the point is that it never goes idle.
    /// </summary>
    private void SpinForAnswer()
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        while (true)
        {
            _polls++;
            if (_socket.Poll(0, SelectMode.SelectRead)) return;
            if (System.Diagnostics.Stopwatch.GetTimestamp() - start >= _spinTicks) return;
            Thread.SpinWait(30);
        }
    }

    /// <summary>Shuts the socket down, which wakes the receive thread if it waits in <c>recv</c>, and closes it.</summary>
    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0) return;
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        _socket.Dispose();
    }

    /// <summary>Writes straight to the socket, synchronously, on the writer's thread; nothing is buffered here.</summary>
    private sealed class SocketWriter(ReceiveThreadPipe owner) : PipeWriter
    {
        private readonly ArrayBufferWriter<byte> _staged = new();
        private bool _completed;

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<FlushResult>(cancellationToken);
            try
            {
                Send(source.Span);
                return new(new FlushResult(isCanceled: false, isCompleted: false));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                return ValueTask.FromException<FlushResult>(e);
            }
        }

        public override void Advance(int bytes) => _staged.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => _staged.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => _staged.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (_staged.WrittenCount == 0) return new(new FlushResult(isCanceled: false, isCompleted: false));
            var result = WriteAsync(_staged.WrittenMemory, cancellationToken);
            _staged.ResetWrittenCount();
            return result;
        }

        public override void CancelPendingFlush() { }

        public override void Complete(Exception? exception = null)
        {
            if (_completed) return;
            _completed = true;
            // The peer reads the end of the stream; this side goes on receiving until the connection is disposed.
            try { owner._socket.Shutdown(SocketShutdown.Send); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
        }

        private void Send(ReadOnlySpan<byte> bytes)
        {
            if (_completed) throw new InvalidOperationException("Writing is not allowed after the writer was completed.");
            try
            {
                while (!bytes.IsEmpty) bytes = bytes[owner._socket.Send(bytes)..];
                Interlocked.Increment(ref owner._sends);
            }
            catch (SocketException e)
            {
                throw new IOException($"Sending to {owner._remote} failed: {e.Message}", e);
            }
        }
    }
}
