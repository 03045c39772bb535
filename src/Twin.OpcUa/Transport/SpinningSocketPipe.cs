using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Twin.OpcUa.Transport;

/// <summary>
/// The input side of a TCP connection read with asynchronous receives, no thread of its own — a server's accepted connection,
/// or a client session's unless it asked for a receive thread — with a short spin for the next bytes while the peer is busy.
/// <para>
/// A peer that sends one message at a time and waits for each answer leaves this side idle between them. With asynchronous
/// I/O the thread that handled the last bytes then sleeps until the kernel reports the next, and on a virtual machine whose
/// idle CPUs halt at once, waking it costs tens of µs per message — as much as the message's own work. So when bytes came
/// soon after the ones before (within twice the spin bound: the peer is busy), the thread that handled them goes on checking the socket, without blocking, for up to the spin bound
/// before it starts the next receive; bytes that arrive meanwhile are taken by a receive that completes without waiting. On
/// a server, that is a client's next request; on a client, the answer to the request its caller sent from the handling of
/// the previous answer. An idle connection, or one used once a second, never spins; a busy one costs up to the spin bound of
/// CPU per message.
/// </para>
/// <para>
/// One server connection and one client connection of the process spin at a time; the others wait asynchronously as before. The spin runs on the thread that completed the receive: a pool worker with the runtime's
/// default socket engine, or, with inline completions (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>), the I/O
/// thread, whose other sockets' events then wait up to the spin bound. A spin bound of zero never spins.
/// </para>
/// </summary>
internal sealed class SpinningSocketPipe : IDuplexPipe
{
    private const int ReceiveSize = 8192;

    /// <summary>1 while a connection of this process spins for its next bytes: [0] the servers' connections, [1] the clients'.</summary>
    private static readonly int[] s_spinning = new int[2];

    private readonly Socket _socket;
    private readonly Pipe _input;
    private readonly string _remote;
    private readonly int _role;
    private readonly long _spinTicks;
    private readonly long _busyGapTicks;
    /// <summary>When the bytes before the last ones arrived.</summary>
    private long _arrivedAt = long.MinValue / 2;
    private long _spins;
    private long _caught;

    /// <summary>
    /// Reads <paramref name="socket"/>, writing to <paramref name="output"/>; <paramref name="server"/> says which side this is (one
    /// connection of each side of the process spins at a time), <paramref name="maxChunkSize"/> is the largest chunk the reader
    /// takes whole: bytes wait in the pipe up to a little more than that before receiving pauses for the reader.
    /// </summary>
    internal SpinningSocketPipe(Socket socket, Stream output, TimeSpan spin, bool server, int maxChunkSize)
    {
        ReceiveSpin.Checked(spin, nameof(spin), "The receive spin");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunkSize);
        _socket = socket;
        _remote = socket.RemoteEndPoint?.ToString() ?? "tcp";
        _role = server ? 0 : 1;
        _spinTicks = (long)(spin.TotalSeconds * Stopwatch.Frequency);
        _busyGapTicks = 2 * _spinTicks;
        // The reader (the connection's read loop) runs where the bytes arrive, on the thread that completed the receive. It
        // leaves at most a part of one chunk unread, so receiving pauses only beyond the largest chunk (plus a receive or two):
        // a reader stuck behind a pool hop (an OPN) then holds back a flooding peer, and a whole chunk always fits.
        var pause = Math.Max(64 * 1024, (long)maxChunkSize + 2 * ReceiveSize);
        _input = new Pipe(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: pause, resumeWriterThreshold: pause / 2, useSynchronizationContext: false));
        Output = PipeWriter.Create(output);
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output { get; }

    /// <summary>Whether a server connection of this process spins for its next bytes now (for tests and diagnostics).</summary>
    internal static bool ServerSpinning => Volatile.Read(ref s_spinning[0]) != 0;

    /// <summary>Spins this connection has made (for tests and diagnostics).</summary>
    internal long Spins => Volatile.Read(ref _spins);

    /// <summary>Spins that ended with the next bytes there (for tests and diagnostics).</summary>
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
                // Runs the connection's read loop here (inline reader) up to its next wait for input: a server answers what it can, a
                // client resumes the caller of a lone request, whose next request leaves from here.
                var flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted) break;
                // Busy: these bytes came soon after the ones before — measured between arrivals, so a thread pre-empted after it
                // answered cannot make an idle peer look busy.
                var busy = arrived - _arrivedAt <= _busyGapTicks;
                _arrivedAt = arrived;
                if (busy && _spinTicks > 0) SpinForNext();
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
    /// connection of its side (server or client) of the process spins now. Between looks the CPU only pauses (no yield, no sleep): the point is that it stays awake.
    /// </summary>
    private void SpinForNext()
    {
        if (Interlocked.CompareExchange(ref s_spinning[_role], 1, 0) != 0) return;
        try
        {
            _spins++;
            var start = Stopwatch.GetTimestamp();
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
        finally { Volatile.Write(ref s_spinning[_role], 0); }
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
