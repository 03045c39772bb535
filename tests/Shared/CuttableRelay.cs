using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Twin.Tests.Support;

/// <summary>
/// A loopback TCP relay in front of a server that a test can break the way a network does, under whatever protocol runs on it:
/// <see cref="Cut"/> resets every relayed connection at once (both ends get an RST, no goodbye message of the protocol), and
/// <see cref="Freeze"/> stops carrying bytes while the sockets stay open (a cable pulled: nobody is told). The server behind it keeps
/// serving; connections made after a cut are relayed as before. Binds 127.0.0.1 on an ephemeral port.
/// </summary>
public sealed class CuttableRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _host;
    private readonly int _port;
    private readonly ConcurrentDictionary<int, Pair> _live = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _next;
    private volatile bool _frozen;

    public CuttableRelay(string host, int port)
    {
        _host = host;
        _port = port;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The relay's own port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Connections relayed so far (cut or not).</summary>
    public int Accepted => Volatile.Read(ref _next);

    /// <summary>Resets every live relayed connection; returns how many there were.</summary>
    public int Cut()
    {
        var cut = 0;
        foreach (var key in _live.Keys.ToList())
            if (_live.TryRemove(key, out var pair))
            {
                Reset(pair.Near);
                Reset(pair.Far);
                cut++;
            }
        return cut;
    }

    /// <summary>From now on no byte is carried either way and no socket is closed: the ends only notice by their own timeouts.</summary>
    public void Freeze() => _frozen = true;

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0); // close with RST, not FIN
            socket.Close();
        }
        catch (ObjectDisposedException) { }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket near;
            try { near = await _listener.AcceptSocketAsync(_stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            var far = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try { await far.ConnectAsync(_host, _port, _stop.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                Reset(near);
                far.Dispose();
                continue;
            }
            near.NoDelay = true;
            var id = Interlocked.Increment(ref _next);
            var pair = new Pair(near, far);
            _live[id] = pair;
            _ = PumpAsync(id, pair, near, far);
            _ = PumpAsync(id, pair, far, near);
        }
    }

    // A connection both ends have closed is no longer live: a later cut does not count it.
    private async Task PumpAsync(int id, Pair pair, Socket from, Socket to)
    {
        await CarryAsync(from, to).ConfigureAwait(false);
        if (Interlocked.Increment(ref pair.Ended) == 2 && _live.TryRemove(id, out _))
        {
            pair.Near.Dispose();
            pair.Far.Dispose();
        }
    }

    private async Task CarryAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    if (!_frozen) to.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (_frozen) continue; // swallowed: the other end waits for ever
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private sealed class Pair(Socket near, Socket far)
    {
        public Socket Near { get; } = near;
        public Socket Far { get; } = far;
        public int Ended;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        Cut();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
