using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;

namespace Twin.OpcUa.Transport;

/// <summary>A source of connections for a server: TCP sockets or in-process pipe pairs.</summary>
public interface IConnectionListener : IAsyncDisposable
{
    /// <summary>The URL clients use to reach this listener.</summary>
    string EndpointUrl { get; }

    /// <summary>Waits for the next connection; null once the listener is stopped.</summary>
    ValueTask<UaConnection?> AcceptAsync(CancellationToken ct);
}

/// <summary>
/// Listens for UA-TCP on a socket; 127.0.0.1 and a free port unless told otherwise. Sockets are read with async I/O, no thread
/// per connection; a busy connection spins up to <c>receiveSpin</c> for its next request (see <see cref="SpinningSocketPipe"/>).
/// </summary>
public sealed class TcpConnectionListener : IConnectionListener
{
    private readonly TcpListener _listener;
    private readonly TimeSpan _receiveSpin;
    private readonly int _maxChunkSize;

    public TcpConnectionListener(IPAddress? address = null, int port = 0, string? host = null)
        : this(address, port, host, TimeSpan.Zero, Encoding.EncodingLimits.Default.ReceiveBufferSize)
    {
    }

    /// <summary>
    /// As the other constructor; each busy connection spins up to <paramref name="receiveSpin"/> for its next request (0 to 1 ms;
    /// zero never spins), and up to a little more than <paramref name="maxChunkSize"/> (the server's receive buffer size, the
    /// largest chunk it accepts) waits received before receiving pauses for the server.
    /// </summary>
    public TcpConnectionListener(IPAddress? address, int port, string? host, TimeSpan receiveSpin, int maxChunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunkSize);
        _receiveSpin = ReceiveSpin.Checked(receiveSpin, nameof(receiveSpin), "The receive spin");
        _maxChunkSize = maxChunkSize;
        _listener = new TcpListener(address ?? IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        EndpointUrl = $"opc.tcp://{host ?? (address ?? IPAddress.Loopback).ToString()}:{Port}";
    }

    /// <summary>The port bound (useful when 0 was asked for).</summary>
    public int Port { get; }

    public string EndpointUrl { get; }

    /// <summary>
    /// The next connection; null once the listener is stopped or <paramref name="ct"/> is cancelled. A failed accept (the process
    /// out of file descriptors, a connection reset before it was taken) does not stop the listener: it tries again shortly.
    /// </summary>
    public async ValueTask<UaConnection?> AcceptAsync(CancellationToken ct)
    {
        while (true)
        {
            Socket? socket = null;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct).ConfigureAwait(false);
                return SocketPipes.Wrap(socket, _receiveSpin, server: true, _maxChunkSize);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || Volatile.Read(ref _stopped) != 0 || ct.IsCancellationRequested)
            {
                socket?.Dispose();
                return null;
            }
            catch (SocketException)
            {
                socket?.Dispose();
                try { await Task.Delay(AcceptRetry, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { return null; }
            }
        }
    }

    /// <summary>How long a failed accept waits before the next: no busy loop while the process is out of file descriptors.</summary>
    private static readonly TimeSpan AcceptRetry = TimeSpan.FromMilliseconds(50);

    private int _stopped;

    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _stopped, 1);
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>Connects UA-TCP client sockets.</summary>
public static class SocketPipes
{
    /// <summary>Opens a socket to an <c>opc.tcp://host:port</c> URL.</summary>
    public static Task<UaConnection> ConnectAsync(string endpointUrl, CancellationToken ct) => ConnectAsync(endpointUrl, receiveThread: false, ct);

    /// <summary>
    /// Opens a socket to an <c>opc.tcp://host:port</c> URL; with <paramref name="receiveThread"/> the socket is read by a thread
    /// of its own with blocking receives, for as long as the connection lives (see <see cref="ReceiveThreadPipe"/>): one thread
    /// wake-up per answer instead of two, at the price of a thread per connection.
    /// </summary>
    public static Task<UaConnection> ConnectAsync(string endpointUrl, bool receiveThread, CancellationToken ct) =>
        ConnectAsync(endpointUrl, receiveThread, TimeSpan.Zero, ct);

    /// <summary>
    /// As <see cref="ConnectAsync(string, bool, CancellationToken)"/>, with a spin of up to <paramref name="receiveSpin"/> (0 to 1 ms):
    /// a receive thread spins for an expected answer before it blocks (see <see cref="ReceiveThreadPipe"/>); without one, the
    /// connection spins for the next answer after handling one that came soon after the one before (see <see cref="SpinningSocketPipe"/>).
    /// </summary>
    public static Task<UaConnection> ConnectAsync(string endpointUrl, bool receiveThread, TimeSpan receiveSpin, CancellationToken ct) =>
        ConnectAsync(endpointUrl, receiveThread, receiveSpin, Encoding.EncodingLimits.Default.ReceiveBufferSize, ct);

    /// <summary>
    /// As <see cref="ConnectAsync(string, bool, TimeSpan, CancellationToken)"/>; <paramref name="maxChunkSize"/> is the largest chunk
    /// the client accepts (its receive buffer size): received bytes wait up to a little more than that for the client to read them.
    /// </summary>
    public static async Task<UaConnection> ConnectAsync(string endpointUrl, bool receiveThread, TimeSpan receiveSpin, int maxChunkSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(endpointUrl);
        if (!Uri.TryCreate(endpointUrl, UriKind.Absolute, out var uri) || uri.Scheme != "opc.tcp")
            throw new Encoding.UaException(Encoding.StatusCodes.BadTcpEndpointUrlInvalid, $"'{endpointUrl}' is not an opc.tcp URL.");
        if (receiveThread)
        {
            try { return await ReceiveThreadPipe.ConnectAsync(uri.Host, uri.Port < 0 ? 4840 : uri.Port, receiveSpin, ct).ConfigureAwait(false); }
            catch (SocketException e)
            {
                throw new Encoding.UaException(Encoding.StatusCodes.BadNotConnected, $"Cannot connect to {endpointUrl}: {e.Message}", e);
            }
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(uri.Host, uri.Port < 0 ? 4840 : uri.Port, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new Encoding.UaException(Encoding.StatusCodes.BadNotConnected, $"Cannot connect to {endpointUrl}: {e.Message}", e);
        }
        return Wrap(socket, receiveSpin, server: false, maxChunkSize);
    }

    /// <summary>
    /// Either side of a connected socket, read with asynchronous receives and a short spin for the next bytes while the peer is
    /// busy (see <see cref="SpinningSocketPipe"/>; zero never spins).
    /// </summary>
    internal static UaConnection Wrap(Socket socket, TimeSpan receiveSpin, bool server, int maxChunkSize)
    {
        socket.NoDelay = true;
        var stream = new NetworkStream(socket, ownsSocket: true);
        var pipe = new SpinningSocketPipe(socket, stream, receiveSpin, server, maxChunkSize);
        var connection = new UaConnection(pipe, socket.RemoteEndPoint?.ToString() ?? "tcp", stream.Dispose);
        pipe.Start();
        return connection;
    }

}

/// <summary>An in-process server endpoint: clients connect through pipe pairs that carry the same bytes as TCP.</summary>
public sealed class InProcessListener : IConnectionListener
{
    private readonly System.Threading.Channels.Channel<UaConnection> _pending = System.Threading.Channels.Channel.CreateUnbounded<UaConnection>();

    public InProcessListener(string name = "twin") => EndpointUrl = $"opc.tcp://inproc.{name}:4840";

    public string EndpointUrl { get; }

    /// <summary>Creates a connection pair and queues the server side; returns the client side.</summary>
    public UaConnection Connect()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var server = new UaConnection(new Duplex(toServer.Reader, toClient.Writer), "inproc-client");
        var client = new UaConnection(new Duplex(toClient.Reader, toServer.Writer), "inproc-server");
        if (!_pending.Writer.TryWrite(server)) throw new Encoding.UaException(Encoding.StatusCodes.BadServerHalted, "The in-process listener is stopped.");
        return client;
    }

    public async ValueTask<UaConnection?> AcceptAsync(CancellationToken ct)
    {
        try { return await _pending.Reader.ReadAsync(ct).ConfigureAwait(false); }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException) { return null; }
    }

    public ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
