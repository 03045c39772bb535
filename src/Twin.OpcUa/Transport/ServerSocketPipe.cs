using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Twin.OpcUa.Transport;

/// <summary>
/// The input side of a server's TCP connection: asynchronous receives, no thread of its own — and, while the client is busy,
/// a short spin for its next request before the next receive.
/// <para>
/// A client that sends one request at a time and waits for each answer leaves the server idle between them. With asynchronous
/// I/O the thread that handled a request then sleeps until the kernel reports the next one, and on a virtual machine whose
/// idle CPUs halt at once, waking it costs tens of µs per request — as much as the request's own work. So when a request came
/// soon after the previous answer (within twice the spin bound: the client is busy; the gap seen includes this side's own wake-up), the thread that handled it goes on
/// checking the socket, without blocking, for up to the spin bound before it starts the next receive; a request that arrives
/// meanwhile is received at once, by a receive that completes without waiting. An idle connection, or one asked once a
/// second, never spins; a busy one costs up to the spin bound of CPU per request.
/// </para>
/// <para>
/// One connection of the process spins at a time (<see cref="Spinning"/>); the others wait asynchronously as before. The
/// spin runs on the thread that completed the receive: a pool worker with the runtime's default socket engine, or, with
/// inline completions (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>), the I/O thread, whose other sockets' events then
/// wait up to the spin bound. A spin bound of zero never spins.
/// </para>
/// </summary>
internal sealed class ServerSocketPipe : IDuplexPipe
{
    /// <summary>The longest spin a server may be given: a spin buys back a wake-up of tens of µs, more only burns CPU.</summary>
    internal static readonly TimeSpan MaxSpin = TimeSpan.FromMilliseconds(1);

    private const int ReceiveSize = 8192;

    /// <summary>1 while a connection of this process spins for its next request.</summary>
    private static int s_spinning;

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly string _remote;
    private readonly long _spinTicks;
    private readonly long _busyGapTicks;
    /// <summary>When the last bytes received had been handled (the reader waits for more): the start of the wait for the next request.</summary>
    private long _handledAt = long.MinValue / 2;
    private long _spins;
    private long _caught;

    internal ServerSocketPipe(Socket socket, Stream output, TimeSpan spin)
    {
        if (spin < TimeSpan.Zero || spin > MaxSpin)
            throw new ArgumentOutOfRangeException(nameof(spin), spin, $"The server's receive spin must lie between 0 and {MaxSpin.TotalMicroseconds:0} µs.");
        _socket = socket;
        _remote = socket.RemoteEndPoint?.ToString() ?? "tcp";
        _spinTicks = (long)(spin.TotalSeconds * Stopwatch.Frequency);
        _busyGapTicks = 2 * _spinTicks;
        // The reader (the server's read loop) runs where the bytes arrive, on the thread that completed the receive.
        _input = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        Output = PipeWriter.Create(output);
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output { get; }

    /// <summary>Whether a connection of this process spins for its next request now (for tests and diagnostics).</summary>
    internal static bool Spinning => Volatile.Read(ref s_spinning) != 0;

    /// <summary>Spins this connection has made (for tests and diagnostics).</summary>
    internal long Spins => Volatile.Read(ref _spins);

    /// <summary>Spins that ended with the next request there (for tests and diagnostics).</summary>
    internal long Caught => Volatile.Read(ref _caught);

    /// <summary>Starts receiving.</summary>
    internal void Start() => _ = ReceiveAsync();

    private async Task ReceiveAsync()
    {
        var writer = _input.Writer;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(writer.GetMemory(ReceiveSize), SocketFlags.None).ConfigureAwait(false);
                var arrived = Stopwatch.GetTimestamp();
                if (received == 0) break;
                writer.Advance(received);
                // Runs the server's read loop here (inline reader) up to its next wait for input, answering what it can.
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted) break;
                var busy = arrived - _handledAt <= _busyGapTicks;
                _handledAt = Stopwatch.GetTimestamp();
                if (busy && _spinTicks > 0) SpinForRequest();
            }
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // A socket that failed or was closed ends the input; anything else fails the reader with it, so nothing waits for ever.
            await writer.CompleteAsync(Failure(e)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Checks the socket without blocking until something can be read (or it fails) or the spin bound has passed, if no other
    /// connection of the process spins now. Between looks the CPU only pauses (no yield, no sleep): the point is that it stays awake.
    /// </summary>
    private void SpinForRequest()
    {
        if (Interlocked.CompareExchange(ref s_spinning, 1, 0) != 0) return;
        try
        {
            _spins++;
            var start = _handledAt;
            while (true)
            {
                if (_socket.Available > 0)
                {
                    _caught++;
                    return;
                }
                if (Stopwatch.GetTimestamp() - start >= _spinTicks) return;
                Thread.SpinWait(20);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Closed or failed under the spin: the receive that follows reports it.
        }
        finally { Volatile.Write(ref s_spinning, 0); }
    }

    /// <summary>A socket failure as the reader sees it: an I/O error naming the peer; a closed socket is a plain end.</summary>
    private Exception? Failure(Exception e) => e switch
    {
        ObjectDisposedException => null,
        SocketException { SocketErrorCode: SocketError.OperationAborted } => null,
        SocketException s => new IOException($"Receiving from {_remote} failed: {s.Message}", s),
        _ => e,
    };
}
