using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// A client request ends exactly once — answered, timed out, cancelled — whether its answer resumes the caller on the receive
/// loop (the one request outstanding) or on the thread pool (others outstanding), and the channel keeps serving after it.
/// The server holds a method call open until the test releases it, so the client sees a request that is not answered. Each
/// test runs with asynchronous socket I/O and with a receive thread of the session's own (ClientOptions.ReceiveThread).
/// </summary>
public sealed class PendingRequestTests
{
    private static readonly NodeId Plant = new("Plant", 2);
    private static readonly NodeId Hold = new("Plant.Hold", 2);
    private static readonly NodeId Temperature = new("Plant.Temperature", 2);

    // Bounds every wait on the test's side, so a broken timeout or cancellation fails the test instead of hanging it.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static (AddressSpace Space, TaskCompletionSource Release) HeldPlant()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var space = TestPlant.Create();
        var method = space.Add(new MethodNode(Hold, new QualifiedName(2, "Hold"), async (_, _) =>
        {
            await release.Task.ConfigureAwait(false);
            return [];
        }));
        space.AddReference(Plant, WellKnownIds.HasComponent, method.NodeId);
        return (space, release);
    }

    // Part 4 §7.32 (timeoutHint) / the client's RequestTimeout: a request left unanswered fails with BadTimeout, a short timeout on a
    // timer of its own, a long one by the channel's once-a-second sweep; the answer that comes after is dropped and reads go on.
    [Theory]
    [InlineData(500, false)]
    [InlineData(4000, false)]
    [InlineData(500, true)]
    [InlineData(4000, true)]
    public async Task An_unanswered_request_times_out_with_BadTimeout_and_the_session_keeps_reading(int timeoutMs, bool receiveThread)
    {
        var (space, release) = HeldPlant();
        await using var host = UaServerHost.StartTcp(space, TestPlant.Options);
        // The short RequestTimeout is meant for the held call, but it bounds the session's set-up too: a first session made cold
        // (JIT, key loading) on a loaded machine can take longer than 500 ms to activate, so one session is made and closed first.
        await using (await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { ReceiveThread = receiveThread }))
        {
        }
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { ReceiveThread = receiveThread, RequestTimeout = TimeSpan.FromMilliseconds(timeoutMs) });

        var held = await Assert.ThrowsAsync<UaException>(() => session.CallMethodAsync(Plant, Hold, []).WaitAsync(Bound));
        release.SetResult();
        var reads = new List<object?>();
        for (var i = 0; i < 20; i++) reads.Add((await session.ReadValueAsync(Temperature)).Value.Value);

        Assert.Equal(StatusCodes.BadTimeout, held.StatusCode.Code);
        Assert.All(reads, v => Assert.Equal(21.5, v));
        Assert.True(session.IsConnected);
    }

    // The caller's token ends the wait with OperationCanceledException (the request stays with the server); later requests work.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_cancelled_wait_ends_with_OperationCanceledException_and_later_requests_are_answered(bool receiveThread)
    {
        var (space, release) = HeldPlant();
        await using var host = UaServerHost.StartTcp(space, TestPlant.Options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { ReceiveThread = receiveThread, RequestTimeout = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource();

        var call = session.CallMethodAsync(Plant, Hold, [], cancel.Token);
        var before = await session.ReadValueAsync(Temperature);
        await cancel.CancelAsync();
        var cancelled = await Record.ExceptionAsync(() => call.WaitAsync(Bound));
        release.SetResult();
        var after = await session.ReadValueAsync(Temperature);

        Assert.IsAssignableFrom<OperationCanceledException>(cancelled);
        Assert.Equal(21.5, before.Value.Value);
        Assert.Equal(21.5, after.Value.Value);
    }

    // Reads one at a time while a held call is outstanding are completed through the pool (two requests outstanding); then the
    // call's answer arrives with nothing else outstanding and is completed on the receive loop, and the reader behind it goes on.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Answers_complete_through_the_pool_beside_a_held_call_and_on_the_receive_loop_alone(bool receiveThread)
    {
        var (space, release) = HeldPlant();
        await using var host = UaServerHost.StartTcp(space, TestPlant.Options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { ReceiveThread = receiveThread, RequestTimeout = TimeSpan.FromSeconds(30) });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var call = session.CallMethodAsync(Plant, Hold, [], cts.Token);
        var beside = new List<object?>();
        for (var i = 0; i < 50; i++) beside.Add((await session.ReadValueAsync(Temperature, cts.Token)).Value.Value);
        release.SetResult();
        var outputs = await call.WaitAsync(Bound);
        var alone = new List<object?>();
        for (var i = 0; i < 50; i++) alone.Add((await session.ReadValueAsync(Temperature, cts.Token)).Value.Value);

        Assert.Empty(outputs);
        Assert.All(beside, v => Assert.Equal(21.5, v));
        Assert.All(alone, v => Assert.Equal(21.5, v));
    }

    // A connection that drops fails every request outstanding with BadConnectionClosed, on the pool, not on the dying loop.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Requests_outstanding_when_the_server_goes_away_fail_with_BadConnectionClosed(bool receiveThread)
    {
        var (space, release) = HeldPlant();
        var host = UaServerHost.StartTcp(space, TestPlant.Options);
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { ReceiveThread = receiveThread, RequestTimeout = TimeSpan.FromSeconds(30), AutoReconnect = false });

        var calls = Enumerable.Range(0, 3).Select(_ => session.CallMethodAsync(Plant, Hold, [])).ToList();
        await session.ReadValueAsync(Temperature);
        await host.DisposeAsync();
        release.SetResult();
        var failures = new List<Exception?>();
        foreach (var c in calls) failures.Add(await Record.ExceptionAsync(() => c.WaitAsync(Bound)));

        Assert.All(failures, f => Assert.Equal(StatusCodes.BadConnectionClosed, Assert.IsType<UaException>(f).StatusCode.Code));
    }
}
