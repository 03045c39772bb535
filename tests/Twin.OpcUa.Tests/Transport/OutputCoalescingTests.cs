using System.Buffers;
using System.IO.Pipelines;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// A connection's output: messages written while a send is in progress go out together after it, in the order they were
/// written (the order their sequence numbers were given, Part 6 §6.7.2.4); a failed send ends the connection for everyone;
/// buffered output stays bounded. The connection writes into a pipe whose sends the test holds, counts or fails.
/// </summary>
public sealed class OutputCoalescingTests
{
    // Bounds every wait on the test's side, so a writer queued behind the held send fails the test instead of hanging it.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Messages_written_while_a_send_is_held_leave_after_it_in_one_send_in_order()
    {
        var sink = new Pipe();
        var output = new HeldWriter(sink.Writer, holdFirst: true);
        var connection = new UaConnection(new Duplex(new Pipe().Reader, output), "test");
        using var cts = new CancellationTokenSource(Bound);

        var first = connection.WriteAsync(Frame(0), cts.Token).AsTask();
        await output.FirstSend.Task.WaitAsync(Bound);
        var behind = Enumerable.Range(1, 15).Select(i => connection.WriteAsync(Frame(i), cts.Token).AsTask()).ToList();
        await Task.WhenAll(behind).WaitAsync(Bound);
        var firstHeldMeanwhile = !first.IsCompleted;
        output.Release.SetResult();
        await first.WaitAsync(Bound);
        await connection.DisposeOutputAsync();
        var sent = await ReadAllAsync(sink.Reader);

        Assert.True(firstHeldMeanwhile);
        Assert.Equal(Enumerable.Range(0, 16).SelectMany(Frame).ToArray(), sent);
        Assert.Equal(2, output.Sends);
    }

    [Fact]
    public async Task A_failed_send_closes_the_output_and_ends_the_reading_side()
    {
        var output = new HeldWriter(new Pipe().Writer, holdFirst: false) { FailWith = new IOException("connection reset") };
        var connection = new UaConnection(new Duplex(new Pipe().Reader, output), "test");
        using var cts = new CancellationTokenSource(Bound);

        var failed = await Record.ExceptionAsync(() => connection.WriteAsync(Frame(0), cts.Token).AsTask());
        var after = await Record.ExceptionAsync(() => connection.WriteAsync(Frame(1), cts.Token).AsTask());
        var read = await connection.ReadPooledFrameAsync(cts.Token).AsTask().WaitAsync(Bound);

        Assert.IsType<IOException>(failed);
        Assert.IsType<ObjectDisposedException>(after);
        Assert.True(read.IsEnd);
    }

    // A reader that defers its answers sends them before it waits for input; one that keeps receiving must not buffer without
    // bound: past the limit the output is sent without waiting for the reader.
    [Fact]
    public async Task Deferred_output_is_sent_once_it_passes_the_buffer_limit()
    {
        var sink = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var output = new HeldWriter(sink.Writer, holdFirst: false);
        var connection = new UaConnection(new Duplex(new Pipe().Reader, output), "test");
        using var cts = new CancellationTokenSource(Bound);
        var big = new byte[64 * 1024];

        var sendsBelowLimit = -1;
        for (var written = 0; written <= UaConnection.MaxBufferedOutput; written += big.Length)
        {
            if (written + big.Length < UaConnection.MaxBufferedOutput) sendsBelowLimit = output.Sends;
            await connection.WriteLockedAsync(big, static (o, b) => o.Write(b), deferFlush: true, cts.Token).AsTask().WaitAsync(Bound);
        }

        Assert.Equal(0, sendsBelowLimit);
        Assert.True(output.Sends >= 1);
    }

    private static byte[] Frame(int i)
    {
        var frame = new byte[12];
        "MSGF"u8.CopyTo(frame);
        BitConverter.TryWriteBytes(frame.AsSpan(4), 12);
        BitConverter.TryWriteBytes(frame.AsSpan(8), i);
        return frame;
    }

    private static async Task<byte[]> ReadAllAsync(PipeReader reader)
    {
        var all = new List<byte>();
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(Bound);
            foreach (var segment in result.Buffer) all.AddRange(segment.ToArray());
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted) return [.. all];
        }
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>A pipe writer that counts its sends (flushes), can hold the first until released, and can fail them.</summary>
    private sealed class HeldWriter(PipeWriter inner, bool holdFirst) : PipeWriter
    {
        public TaskCompletionSource FirstSend { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Exception? FailWith { get; init; }
        public int Sends => Volatile.Read(ref _sends);
        private int _sends;

        public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref _sends) == 1)
            {
                FirstSend.TrySetResult();
                if (holdFirst) await Release.Task.WaitAsync(cancellationToken);
            }
            if (FailWith is not null) throw FailWith;
            return await inner.FlushAsync(cancellationToken);
        }

        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
