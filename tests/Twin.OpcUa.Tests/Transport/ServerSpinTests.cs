using System.Collections.Concurrent;
using System.Net;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// The server's spin for a busy client's next request (<see cref="ServerOptions.ReceiveSpin"/>): a client that sends each read
/// as soon as the previous answer is in finds the server still checking its socket, and the request is taken without a wait;
/// a client whose requests come no sooner than the busy gap never makes the server spin. Either way every answer is the same.
/// The server's side of each connection is seen through a listener that keeps what it accepted.
/// </summary>
public sealed class ServerSpinTests
{
    private static readonly NodeId Temperature = new("Plant.Temperature", 2);
    private static readonly NodeId Setpoint = new("Plant.Setpoint", 2);

    [Fact]
    public async Task A_client_reading_back_to_back_has_its_requests_caught_by_the_spin_and_every_answer_is_right()
    {
        // The longest spin allowed (1 ms; busy within 2 ms of an answer), so that even a loaded machine turns reads around within it.
        var (host, accepted) = Start(TimeSpan.FromMilliseconds(1));
        await using (host)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { AutoReconnect = false }, cts.Token);
            var pipe = SessionPipe(accepted);
            var spinsBefore = pipe.Spins;
            var caughtBefore = pipe.Caught;
            var values = new List<object?>();
            for (var i = 0; i < 300; i++) values.Add((await session.ReadValueAsync(Temperature, cts.Token)).Value.Value);
            var written = await session.WriteValueAsync(Setpoint, 31.0, cts.Token);
            var readBack = (await session.ReadValueAsync(Setpoint, cts.Token)).Value.Value;
            var spins = pipe.Spins - spinsBefore;
            var caught = pipe.Caught - caughtBefore;

            Assert.All(values, v => Assert.Equal(21.5, v));
            Assert.Equal(StatusCode.Good, written);
            Assert.Equal(31.0, readBack);
            // One spin per request at most (one connection of the process spins at a time; other test classes' servers share it).
            Assert.InRange(spins, 1, 302);
            Assert.InRange(caught, 1, spins);
        }
    }

    [Fact]
    public async Task Requests_that_come_later_than_the_busy_gap_never_make_the_server_spin()
    {
        // A spin of 1 µs makes a client busy only if its request follows the answer within 2 µs: no secure round trip is that quick.
        var (host, accepted) = Start(TimeSpan.FromMicroseconds(1));
        await using (host)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { AutoReconnect = false }, cts.Token);
            var pipe = SessionPipe(accepted);
            var values = new List<object?>();
            for (var i = 0; i < 100; i++) values.Add((await session.ReadValueAsync(Temperature, cts.Token)).Value.Value);

            Assert.All(values, v => Assert.Equal(21.5, v));
            Assert.Equal(0, pipe.Spins);
        }
    }

    [Fact]
    public async Task Without_a_spin_the_server_never_spins_and_a_subscription_still_reports_changes()
    {
        var (host, accepted) = Start(TimeSpan.Zero);
        await using (host)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { AutoReconnect = false }, cts.Token);
            var pipe = SessionPipe(accepted);
            for (var i = 0; i < 100; i++) await session.ReadValueAsync(Temperature, cts.Token);
            var subscription = await session.SubscribeAsync(50, cts.Token);
            var item = await subscription.MonitorAsync(Setpoint, ct: cts.Token);
            var initial = await item.Values.ReadAsync(cts.Token);
            await session.WriteValueAsync(Setpoint, 33.0, cts.Token);
            var changed = await item.Values.ReadAsync(cts.Token);

            Assert.Equal(0, pipe.Spins);
            Assert.Equal(20.0, initial.Value.Value);
            Assert.Equal(33.0, changed.Value.Value);
        }
    }

    [Fact]
    public void A_spin_outside_zero_to_one_millisecond_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ServerOptions { ReceiveSpin = TimeSpan.FromMilliseconds(2) });
        Assert.Contains("ServerOptions.ReceiveSpin", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TcpConnectionListener(IPAddress.Loopback, 0, null, TimeSpan.FromTicks(-1)));
    }

    private static (UaServerHost Host, ConcurrentQueue<ServerSocketPipe> Accepted) Start(TimeSpan spin)
    {
        var accepted = new ConcurrentQueue<ServerSocketPipe>();
        var host = new UaServerHost(TestPlant.Create(), TestPlant.Options with { ReceiveSpin = spin });
        host.Listen(new KeepingListener(new TcpConnectionListener(IPAddress.Loopback, 0, null, spin), accepted));
        return (host, accepted);
    }

    /// <summary>The connection of the session: connecting first asks for the endpoints on a connection of its own, closed since.</summary>
    private static ServerSocketPipe SessionPipe(ConcurrentQueue<ServerSocketPipe> accepted) => accepted.Last();

    private sealed class KeepingListener(TcpConnectionListener inner, ConcurrentQueue<ServerSocketPipe> accepted) : IConnectionListener
    {
        public string EndpointUrl => inner.EndpointUrl;

        public async ValueTask<UaConnection?> AcceptAsync(CancellationToken ct)
        {
            var connection = await inner.AcceptAsync(ct);
            if (connection?.Transport is ServerSocketPipe pipe) accepted.Enqueue(pipe);
            return connection;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
