using System.IO.Pipelines;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// Answers that arrive together are handed to their callers together, and the requests those callers send next leave in a
/// few writes, not one each, with their sequence numbers in order (Part 6 §6.7.2.4). The server end is scripted over an
/// in-process pipe so that the sixteen answers arrive in one piece; the client's output counts its writes.
/// </summary>
public sealed class AnswerBatchTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Callers_answered_together_send_their_next_requests_in_a_few_writes_in_order()
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var counted = new CountingWriter(toServer.Writer);
        var server = new UaConnection(new Duplex(toServer.Reader, toClient.Writer), "scripted server") { MaxReceiveChunkSize = 65535 };
        using var cts = new CancellationTokenSource(Bound);
        uint serverSequence = 1;

        var serving = Task.Run(async () =>
        {
            await server.ReadFrameAsync(cts.Token);
            await server.WriteAsync(TcpMessages.EncodeAcknowledge(new Acknowledge(0, 65535, 65535, 0, 0)), cts.Token);
            var opn = MessageChunk.Parse((await server.ReadFrameAsync(cts.Token))!, EncodingLimits.Default);
            var opened = new OpenSecureChannelResponse
            {
                SecurityToken = new ChannelSecurityToken { ChannelId = 7, TokenId = 1, CreatedAt = DateTime.UtcNow, RevisedLifetime = 600_000 }, ServerNonce = [],
            };
            await server.WriteAsync(Chunk(MessageType.OpenChannel, new AsymmetricSecurityHeader(SecurityPolicies.None, null, null), opn.RequestId, opened, ref serverSequence), cts.Token);
        });
        await using var channel = await ClientChannel.OpenAsync(new UaConnection(new Duplex(toClient.Reader, counted), "client"), "opc.tcp://scripted", EncodingLimits.Default,
            600_000, ChannelSecurity.None(isServer: false), cts.Token);
        await serving.WaitAsync(Bound);

        var callers = Enumerable.Range(0, 16).Select(async _ =>
        {
            var values = new List<object?>();
            for (var round = 0; round < 2; round++)
                values.Add((await channel.CallAsync<ReadResponse>(Read(), NodeId.Null, Bound, cts.Token)).Results![0].Value.Value);
            return values;
        }).ToList();
        var first = await ReceiveAsync(server, 16, cts.Token);
        var writesBefore = counted.Writes;
        await server.WriteAsync(Answers(first, ref serverSequence), cts.Token);
        var second = await ReceiveAsync(server, 16, cts.Token);
        var writesForSecond = counted.Writes - writesBefore;
        await server.WriteAsync(Answers(second, ref serverSequence), cts.Token);
        var values = await Task.WhenAll(callers).WaitAsync(Bound);

        Assert.InRange(writesForSecond, 1, 16 / 4);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => first[0].SequenceNumber + 16 + (uint)i), second.Select(c => c.SequenceNumber));
        Assert.All(values, v => Assert.Equal(new object?[] { 21.5, 21.5 }, v));
    }

    private static ReadRequest Read() => new() { NodesToRead = [new ReadValueId { NodeId = new NodeId("Plant.Temperature", 2), AttributeId = 13 }] };

    private static async Task<List<MessageChunk>> ReceiveAsync(UaConnection server, int count, CancellationToken ct)
    {
        var chunks = new List<MessageChunk>();
        while (chunks.Count < count) chunks.Add(MessageChunk.Parse((await server.ReadFrameAsync(ct))!, EncodingLimits.Default));
        return chunks;
    }

    // All answers in one write, so the client receives them together.
    private static List<byte[]> Answers(List<MessageChunk> requests, ref uint sequence)
    {
        var answers = new List<byte[]>();
        foreach (var r in requests)
            answers.Add(Chunk(MessageType.Message, null, r.RequestId, new ReadResponse { Results = [new DataValue(21.5)], DiagnosticInfos = [] }, ref sequence));
        return answers;
    }

    private static byte[] Chunk(MessageType type, AsymmetricSecurityHeader? asym, uint requestId, IEncodeable body, ref uint sequence)
    {
        var e = new BinaryEncoder();
        e.WriteNodeId(body.BinaryEncodingId);
        body.Encode(e);
        var next = sequence++;
        return MessageChunk.Encode(type, 7, asym, 1, () => next, requestId, e.ToArray(), 65535, 0, 0, StatusCodes.BadResponseTooLarge).Single();
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>Counts the writes (flushes) that reach the pipe.</summary>
    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        private int _writes;
        public int Writes => Volatile.Read(ref _writes);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _writes);
            return inner.FlushAsync(cancellationToken);
        }

        public override void Advance(int bytes) => inner.Advance(bytes);
        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}
