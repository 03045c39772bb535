using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// A session that reads its socket with a thread of its own (<see cref="ClientOptions.ReceiveThread"/>): the one waiting
/// caller resumes on that thread, and the thread ends with its connection — closed by the client, or gone under it — so
/// sessions opened and closed leave no threads behind. Threads are counted by their Linux name in /proc/self/task, which
/// the runtime sets from the managed name; the class runs alone (its collection is not run in parallel with others), since
/// other classes open sessions with a receive thread too. A receive thread may spin for an expected answer before it blocks
/// (<see cref="ClientOptions.ReceiveSpin"/>); its poll count shows when it did.
/// </summary>
[Collection(ReceiveThreadTests.Alone)]
public sealed class ReceiveThreadTests
{
    public const string Alone = "receive threads counted";

    private static readonly NodeId Temperature = new("Plant.Temperature", 2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static ClientOptions WithThread => new() { ReceiveThread = true, AutoReconnect = false };

    /// <summary>Threads of this process named as the receive threads are, as the kernel lists them.</summary>
    private static int ReceiveThreads() =>
        Directory.EnumerateDirectories("/proc/self/task").Count(task =>
        {
            try { return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ReceiveThreadPipe.ThreadName; }
            catch (IOException) { return false; } // the thread ended while listed
        });

    /// <summary>Polls, bounded, until <paramref name="expected"/> receive threads are left; returns the last count seen.</summary>
    private static async Task<int> SettleAsync(int expected)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        using var bound = new CancellationTokenSource(Bound);
        var count = ReceiveThreads();
        while (count != expected && !bound.IsCancellationRequested)
        {
            try { await timer.WaitForNextTickAsync(bound.Token); }
            catch (OperationCanceledException) { break; }
            count = ReceiveThreads();
        }
        return count;
    }

    [Fact]
    public async Task Receive_threads_end_when_their_sessions_close_and_when_the_server_goes_away()
    {
        var before = await SettleAsync(0);
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        var other = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        var closed = new List<ClientSession>();
        var orphaned = new List<ClientSession>();
        for (var i = 0; i < 12; i++) closed.Add(await ClientSession.ConnectAsync(host.EndpointUrl, WithThread));
        for (var i = 0; i < 12; i++) orphaned.Add(await ClientSession.ConnectAsync(other.EndpointUrl, WithThread));
        var values = new List<object?>();
        foreach (var s in closed.Concat(orphaned)) values.Add((await s.ReadValueAsync(Temperature)).Value.Value);
        // The GetEndpoints channel each connect opened first has closed by now, and its thread with it.
        var open = await SettleAsync(before + 24);

        foreach (var s in closed) await s.DisposeAsync();
        var afterClose = await SettleAsync(before + 12);
        await other.DisposeAsync();
        var afterServerGone = await SettleAsync(before);
        var causes = new List<UaException>();
        foreach (var s in orphaned) causes.Add(await s.ChannelClosed.WaitAsync(Bound));
        foreach (var s in orphaned) await s.DisposeAsync();

        Assert.Equal(0, before);
        Assert.All(values, v => Assert.Equal(21.5, v));
        Assert.Equal(24, open);
        Assert.Equal(12, afterClose);
        Assert.Equal(0, afterServerGone);
        Assert.All(causes, c => Assert.Equal(StatusCodes.BadConnectionClosed, c.StatusCode.Code));
        Assert.Equal(0, ReceiveThreadPipe.Running);
    }

    // The answer to the one request outstanding is decoded on the receive thread and the caller resumes there: its next request
    // leaves from the thread that received the answer, no pool thread in between.
    [Fact]
    public async Task A_lone_caller_resumes_on_the_receive_thread_and_reads_go_on_in_order()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, WithThread);
        var (values, threads) = await ReadsAsync(session);

        Assert.All(values, v => Assert.Equal(21.5, v));
        Assert.All(threads, name => Assert.Equal(ReceiveThreadPipe.ThreadName, name));
    }

    // A spinning receive thread (ClientOptions.ReceiveSpin) is the same session as a blocking one: answers in order, writes,
    // a data-change subscription (Part 4 §5.13) whose Publish waits at the server, and a thread that ends with the session.
    // The lone caller sends each next read from the receive thread, so every wait for an answer starts with a spin.
    [Fact]
    public async Task A_spinning_receive_thread_reads_writes_and_subscribes_and_its_thread_ends_on_close()
    {
        var before = await SettleAsync(0);
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        using var cts = new CancellationTokenSource(Bound);
        var pipes = new List<ReceiveThreadPipe>();
        var session = await ClientSession.ConnectAsync(host.EndpointUrl, Spinning(host.EndpointUrl, TimeSpan.FromMicroseconds(200), pipes),
            WithThread with { ReceiveSpin = TimeSpan.FromMicroseconds(200) }, cts.Token);
        var setpoint = new NodeId("Plant.Setpoint", 2);

        var pollsBefore = pipes[^1].Polls;
        var (values, threads) = await ReadsAsync(session);
        var polled = pipes[^1].Polls - pollsBefore;
        var subscription = await session.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorAsync(setpoint, ct: cts.Token);
        var initial = await item.Values.ReadAsync(cts.Token);
        var written = await session.WriteValueAsync(setpoint, 30.0, cts.Token);
        var changed = await item.Values.ReadAsync(cts.Token);
        var open = await SettleAsync(before + 1);
        await session.DisposeAsync();
        var afterClose = await SettleAsync(before);

        Assert.Equal(0, before);
        Assert.All(values, v => Assert.Equal(21.5, v));
        Assert.All(threads, name => Assert.Equal(ReceiveThreadPipe.ThreadName, name));
        Assert.True(polled >= 200, $"{polled} polls for 200 reads sent from the receive thread: each wait for their answers should have spun");
        Assert.Equal(20.0, initial.Value.Value);
        Assert.Equal(StatusCode.Good, written);
        Assert.Equal(30.0, changed.Value.Value);
        Assert.Equal(1, open);
        Assert.Equal(0, afterClose);
        Assert.Equal(0, ReceiveThreadPipe.Running);
    }

    // The spin is for an answer on its way, never for an idle connection: a read sent from another thread while the receive
    // thread sleeps in recv is answered, nothing is sent after it, and the thread goes back to recv without a single poll —
    // even with the longest spin allowed. Seen from the kernel: the thread sleeps (state S) and its poll count has not moved.
    [Fact]
    public async Task A_receive_thread_with_nothing_outstanding_blocks_without_spinning()
    {
        await SettleAsync(0);
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        var pipes = new List<ReceiveThreadPipe>();
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, Spinning(host.EndpointUrl, ReceiveThreadPipe.MaxSpin, pipes),
            WithThread with { ReceiveSpin = ReceiveThreadPipe.MaxSpin });
        var pipe = pipes[^1];
        Assert.Equal(1, await SettleAsync(1));
        var thread = ReceiveThreadIds().Single();

        var sleptBefore = await SleepsAsync(thread);
        var pollsBefore = pipe.Polls;
        var values = new List<object?>();
        var slept = new List<bool>();
        for (var i = 0; i < 20; i++)
        {
            // Sent from a pool thread while the receive thread waits in recv; the continuation on the receive thread sends nothing.
            values.Add((await Task.Run(() => session.ReadValueAsync(Temperature)).WaitAsync(Bound)).Value.Value);
            slept.Add(await SleepsAsync(thread));
        }
        var pollsAfter = pipe.Polls;

        Assert.True(sleptBefore);
        Assert.All(slept, Assert.True);
        Assert.All(values, v => Assert.Equal(21.5, v));
        Assert.Equal(pollsBefore, pollsAfter);
    }

    // Bad input names what is wrong: a negative spin, or one past the bound, is refused where the option is set.
    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public void A_receive_spin_outside_0_to_1_ms_is_refused(int microseconds)
    {
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => new ClientOptions { ReceiveSpin = TimeSpan.FromMicroseconds(microseconds) });

        Assert.Equal(nameof(ClientOptions.ReceiveSpin), refused.ParamName);
        Assert.Contains("1000 µs", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Connects as a session with a receive thread does, and keeps each connection's pipe for its poll count.</summary>
    private static Func<CancellationToken, Task<UaConnection>> Spinning(string endpointUrl, TimeSpan spin, List<ReceiveThreadPipe> pipes)
    {
        var uri = new Uri(endpointUrl);
        return ct => ReceiveThreadPipe.ConnectAsync(uri.Host, uri.Port, spin, p => { lock (pipes) pipes.Add(p); }, ct);
    }

    /// <summary>Kernel thread ids of this process's receive threads.</summary>
    private static List<string> ReceiveThreadIds() =>
        Directory.EnumerateDirectories("/proc/self/task").Where(task =>
        {
            try { return File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n') == ReceiveThreadPipe.ThreadName; }
            catch (IOException) { return false; }
        }).Select(Path.GetFileName).OfType<string>().ToList();

    /// <summary>
    /// Polls, bounded, until the thread sleeps (state S in /proc: blocked in a system call such as recv). A spinning thread runs
    /// or waits to run (state R) and never sleeps; false when the bound passed first.
    /// </summary>
    private static async Task<bool> SleepsAsync(string thread)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            var stat = File.ReadAllText($"/proc/self/task/{thread}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('S')) return true;
            try { await timer.WaitForNextTickAsync(bound.Token); }
            catch (OperationCanceledException) { return false; }
        }
    }

    // Part 4 §5.5 / Part 6 §7.1: nobody listening is BadNotConnected, naming the endpoint, and no thread is left waiting.
    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_fails_with_BadNotConnected_and_leaves_no_thread()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var url = $"opc.tcp://127.0.0.1:{port}";

        var refused = await Assert.ThrowsAsync<UaException>(() => SocketPipes.ConnectAsync(url, receiveThread: true, CancellationToken.None));

        Assert.Equal(StatusCodes.BadNotConnected, refused.StatusCode.Code);
        Assert.Contains(url, refused.Message, StringComparison.Ordinal);
    }

    // A lone caller's 200 reads after a first one, each value and the name of the thread it resumed on. The first answer may
    // come before this pool thread has started to wait, and then that read completes here: it is not counted.
    private static async Task<(List<object?> Values, List<string?> Threads)> ReadsAsync(ClientSession session)
    {
        var values = new List<object?>();
        var threads = new List<string?>();
        await Task.Run(async () =>
        {
            await session.ReadValueAsync(Temperature).ConfigureAwait(false);
            for (var i = 0; i < 200; i++)
            {
                values.Add((await session.ReadValueAsync(Temperature).ConfigureAwait(false)).Value.Value);
                threads.Add(Thread.CurrentThread.Name);
            }
        }).WaitAsync(Bound);
        return (values, threads);
    }
}
