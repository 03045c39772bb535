using System.Collections.Concurrent;
using System.Net;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// The spin of a busy connection for its next bytes (<see cref="SpinningSocketPipe"/>). On the server
/// (<see cref="ServerOptions.ReceiveSpin"/>) a client that sends each read as soon as the previous answer is in finds the server
/// still checking its socket, and the request is taken without a wait; a client whose requests come no sooner than the busy gap
/// never makes the server spin. On a client's asynchronous path (<see cref="ClientOptions.ReceiveSpin"/>) a caller reading back to
/// back has its answers caught the same way. Either way every answer is the same. The server's side of each connection is seen
/// through a listener that keeps what it accepted, the client's through the connect function it is given.
/// </summary>
public sealed class SocketSpinTests
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
            // At most about one spin per request (a request split over two receives could add one; one server connection of the
            // process spins at a time, and other test classes' servers share that).
            Assert.InRange(spins, 1, 2 * 302);
            Assert.InRange(caught, 1, spins);
        }
    }

    [Fact]
    public async Task Requests_that_come_later_than_the_busy_gap_never_make_the_server_spin()
    {
        // A spin of 1 µs makes a client busy only if its request arrives within 2 µs of the one before: with one request outstanding
        // the next one leaves only after the answer to the last, and no secure round trip is that quick.
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
    public async Task A_caller_reading_back_to_back_on_the_asynchronous_path_has_its_answers_caught_by_the_client_spin()
    {
        // The server does not spin here: what is counted is the client's side alone.
        var (host, _) = Start(TimeSpan.Zero);
        await using (host)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var pipes = new ConcurrentQueue<SpinningSocketPipe>();
            var spin = TimeSpan.FromMilliseconds(1);
            await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, async ct =>
            {
                var connection = await SocketPipes.ConnectAsync(host.EndpointUrl, receiveThread: false, spin, ct);
                if (connection.Transport is SpinningSocketPipe pipe) pipes.Enqueue(pipe);
                return connection;
            }, new ClientOptions { AutoReconnect = false, ReceiveSpin = spin }, cts.Token);
            // The session's own connection is the last one this function opened.
            var pipe = pipes.Last();
            var spinsBefore = pipe.Spins;
            var caughtBefore = pipe.Caught;
            var values = new List<object?>();
            for (var i = 0; i < 300; i++) values.Add((await session.ReadValueAsync(Temperature, cts.Token)).Value.Value);
            var spins = pipe.Spins - spinsBefore;
            var caught = pipe.Caught - caughtBefore;

            Assert.NotEmpty(pipes);
            Assert.All(values, v => Assert.Equal(21.5, v));
            Assert.InRange(spins, 1, 300);
            Assert.InRange(caught, 1, spins);
        }
    }

    // Chunks larger than the input pipe's default pause threshold (64 KiB), both ways: received bytes wait in the pipe until the
    // reader has the whole chunk, and a chunk arrives over many receives.
    [Fact]
    public async Task Chunks_larger_than_64_KiB_pass_both_ways_when_the_buffers_allow_them()
    {
        var big = EncodingLimits.Default with { ReceiveBufferSize = 512 * 1024, SendBufferSize = 512 * 1024 };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options with { Limits = big });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { AutoReconnect = false, Limits = big }, cts.Token);
        // About 230 KB of request in one chunk, and over 64 KiB of answer in one chunk.
        var nodes = Enumerable.Range(0, 6000).Select(_ => new ReadValueId { NodeId = Temperature, AttributeId = Attributes.Value }).ToArray();
        var values = await session.ReadAsync(nodes, cts.Token);

        Assert.Equal(6000, values.Length);
        Assert.All(values, v => Assert.Equal(21.5, v.Value.Value));
    }

    [Fact]
    public void A_spin_outside_zero_to_one_millisecond_is_refused_with_its_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ServerOptions { ReceiveSpin = TimeSpan.FromMilliseconds(2) });
        Assert.Contains("ServerOptions.ReceiveSpin", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TcpConnectionListener(IPAddress.Loopback, 0, null, TimeSpan.FromTicks(-1), 65535));
    }

    private static (UaServerHost Host, ConcurrentQueue<SpinningSocketPipe> Accepted) Start(TimeSpan spin)
    {
        var accepted = new ConcurrentQueue<SpinningSocketPipe>();
        var host = new UaServerHost(TestPlant.Create(), TestPlant.Options with { ReceiveSpin = spin });
        host.Listen(new KeepingListener(new TcpConnectionListener(IPAddress.Loopback, 0, null, spin, EncodingLimits.Default.ReceiveBufferSize), accepted));
        return (host, accepted);
    }

    /// <summary>The connection of the session: connecting first asks for the endpoints on a connection of its own, closed since.</summary>
    private static SpinningSocketPipe SessionPipe(ConcurrentQueue<SpinningSocketPipe> accepted) => accepted.Last();

    private sealed class KeepingListener(TcpConnectionListener inner, ConcurrentQueue<SpinningSocketPipe> accepted) : IConnectionListener
    {
        public string EndpointUrl => inner.EndpointUrl;

        public async ValueTask<UaConnection?> AcceptAsync(CancellationToken ct)
        {
            var connection = await inner.AcceptAsync(ct);
            if (connection?.Transport is SpinningSocketPipe pipe) accepted.Enqueue(pipe);
            return connection;
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
