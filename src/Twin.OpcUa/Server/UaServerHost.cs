using System.Collections.Concurrent;
using System.Net;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Server;

/// <summary>
/// Serves an <see cref="AddressSpace"/> over OPC UA Binary: UA-TCP on 127.0.0.1 (or any listener, such as the in-process one).
/// Connections run as async tasks; no thread is held per connection.
/// </summary>
public sealed class UaServerHost : IAsyncDisposable
{
    private ServerOptions _options;
    private readonly Services _services;
    private readonly List<IConnectionListener> _listeners = [];
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private readonly ConcurrentDictionary<ServerConnection, byte> _live = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _acceptLoops = [];
    private long _accepted;
    private readonly Events.EventHub _events = new();

    public UaServerHost(AddressSpace addressSpace, ServerOptions? options = null)
    {
        AddressSpace = addressSpace ?? throw new ArgumentNullException(nameof(addressSpace));
        var given = options ?? new ServerOptions();
        // Every audit record still reaches the caller's sink and also becomes an event in this host's address space (Part 5 §6.4).
        _options = given with { Audit = new AuditEventSink(given.Audit, _events, given.ApplicationUri) };
        _options.Limits.Validated();
        _services = new Services(_options, addressSpace, () => EndpointUrl, _events);
        ServerConfiguration = new Gds.ServerConfiguration(addressSpace, () => _options, UseCertificate, CloseAllChannels);
    }

    /// <summary>The Part 12 push management of this server (ServerConfiguration, i=12637): its staged and applied changes.</summary>
    public Gds.ServerConfiguration ServerConfiguration { get; }

    /// <summary>The options in force (the certificate changes with ApplyChanges).</summary>
    internal ServerOptions Options => _options;

    /// <summary>The application instance certificate every endpoint advertises now.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate => _options.Certificate;

    // ApplyChanges: new connections and every endpoint description use the new certificate at once.
    private void UseCertificate(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        _options = _options with { Certificate = certificate };
        _services.Options = _options;
    }

    // Part 12 §7.10.6: after ApplyChanges the server closes its secure channels; clients reconnect under the new certificate.
    private void CloseAllChannels()
    {
        foreach (var connection in _live.Keys) connection.Abort();
    }

    public AddressSpace AddressSpace { get; }

    /// <summary>Reports an event to every event monitored item of this server whose notifier and filter it matches (Part 3 §6.4).</summary>
    public void ReportEvent(Events.UaEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _events.Report(e);
    }

    /// <summary>The URL of the first listener (opc.tcp://127.0.0.1:port for TCP).</summary>
    public string EndpointUrl => _listeners.Count > 0 ? _listeners[0].EndpointUrl : "opc.tcp://127.0.0.1:4840";

    /// <summary>How many connections were accepted since start.</summary>
    public long AcceptedConnections => Interlocked.Read(ref _accepted);

    /// <summary>Connections currently open.</summary>
    public int OpenConnections => _connections.Count;

    /// <summary>Sessions currently open.</summary>
    public int SessionCount => _services.Sessions.Count;

    /// <summary>Starts a host listening on TCP; port 0 picks a free port.</summary>
    public static UaServerHost StartTcp(AddressSpace addressSpace, ServerOptions? options = null, int port = 0, IPAddress? address = null)
    {
        var host = new UaServerHost(addressSpace, options);
        var o = options ?? new ServerOptions();
        host.Listen(new TcpConnectionListener(address ?? IPAddress.Loopback, port, null, o.ReceiveSpin, o.Limits.ReceiveBufferSize));
        return host;
    }

    /// <summary>Starts accepting connections from <paramref name="listener"/>; the host owns it from now on.</summary>
    public void Listen(IConnectionListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listeners.Add(listener);
        _acceptLoops.Add(AcceptLoopAsync(listener));
    }

    /// <summary>Adds an in-process listener and returns it, so clients in this process can connect without sockets.</summary>
    public InProcessListener ListenInProcess(string name = "twin")
    {
        var listener = new InProcessListener(name);
        Listen(listener);
        return listener;
    }

    private async Task AcceptLoopAsync(IConnectionListener listener)
    {
        while (!_stopping.IsCancellationRequested && await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false) is { } connection)
        {
            Interlocked.Increment(ref _accepted);
            if (_connections.Count >= _options.MaxConnections)
            {
                _ = connection.FailAsync(Encoding.StatusCodes.BadTcpServerTooBusy, $"The server has {_options.MaxConnections} connections.").AsTask();
                continue;
            }
            var task = RunConnectionAsync(connection);
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task RunConnectionAsync(UaConnection connection)
    {
        await Task.Yield();
        using var server = new ServerConnection(connection, _options, _services);
        _live.TryAdd(server, 0);
        try { await server.RunAsync(_stopping.Token).ConfigureAwait(false); }
        finally { _live.TryRemove(server, out _); }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var l in _listeners) await l.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _services.Sessions.CloseAll();
        _stopping.Dispose();
    }
}
