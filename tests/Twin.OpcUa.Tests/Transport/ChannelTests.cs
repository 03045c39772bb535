using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>Secure channel rules of Part 6 §6.7: sequence numbers, token lifetimes and renewal, chunking.</summary>
public sealed class ChannelTests
{
    private sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    // Part 6 §6.7.4: a channel whose token expires without renewal is closed with ERR BadSecureChannelClosed.
    [Fact]
    public async Task Channel_closes_when_its_token_expires_unrenewed()
    {
        await using var host = new Twin.OpcUa.Server.UaServerHost(TestPlant.Create(), TestPlant.Options with { MinChannelLifetime = 1000 });
        await using var client = host.ListenInProcess().Connect();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        client.MaxReceiveChunkSize = 65535;
        await client.WriteAsync(TcpMessages.EncodeHello(new Hello(0, 65535, 65535, 0, 0, "opc.tcp://x")), cts.Token);
        await client.ReadFrameAsync(cts.Token);
        var e = new BinaryEncoder();
        e.WriteNodeId(446u);
        new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.None, RequestedLifetime = 1000 }.Encode(e);
        await client.WriteAsync(MessageChunk.Encode(MessageType.OpenChannel, 0, new AsymmetricSecurityHeader(SecurityPolicies.None, null, null), 0, () => 1, 1, e.ToArray(), 65535, 0, 0, StatusCodes.BadRequestTooLarge).Single(), cts.Token);

        var opened = await client.ReadFrameAsync(cts.Token);
        var closed = await client.ReadFrameAsync(cts.Token);

        Assert.Equal(MessageType.OpenChannel, opened!.Type);
        Assert.Equal(MessageType.Error, closed!.Type);
        Assert.Equal(StatusCodes.BadSecureChannelClosed, TcpMessages.DecodeError(closed.Body, EncodingLimits.Default).Status.Code);
    }

    // Part 6 §7.1.5: a server at its connection limit answers with ERR BadTcpServerTooBusy.
    [Fact]
    public async Task Server_at_its_connection_limit_answers_BadTcpServerTooBusy()
    {
        await using var host = new Twin.OpcUa.Server.UaServerHost(TestPlant.Create(), TestPlant.Options with { MaxConnections = 1 });
        var inproc = host.ListenInProcess();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var first = inproc.Connect();
        first.MaxReceiveChunkSize = 65535;
        await first.WriteAsync(TcpMessages.EncodeHello(new Hello(0, 65535, 65535, 0, 0, "opc.tcp://x")), cts.Token);
        var ack = await first.ReadFrameAsync(cts.Token);

        await using var second = inproc.Connect();
        var refused = await second.ReadFrameAsync(cts.Token);

        Assert.Equal(MessageType.Acknowledge, ack!.Type);
        Assert.Equal(MessageType.Error, refused!.Type);
        Assert.Equal(StatusCodes.BadTcpServerTooBusy, TcpMessages.DecodeError(refused.Body, EncodingLimits.Default).Status.Code);
    }

    // Part 6 §6.7.2.4: each sequence number is one more than the last; it may wrap below 1024 only after 4 294 966 271.
    [Fact]
    public void Sequence_numbers_must_increase_by_one_and_wrap_only_near_the_top()
    {
        var checker = new SequenceChecker();
        checker.Check(51);
        checker.Check(52);
        var skipped = Assert.Throws<UaException>(() => checker.Check(54));
        var wrap = new SequenceChecker();
        wrap.Check(uint.MaxValue - 10);
        wrap.Check(3);

        Assert.Equal(StatusCodes.BadSequenceNumberInvalid, skipped.StatusCode.Code);
    }

    // Part 4 §5.5.2: the server revises the lifetime; Part 6 §6.7.4: a token is dead after 125 % of it; renew keeps the old one until the new is used.
    [Fact]
    public void Tokens_expire_after_a_quarter_past_their_lifetime_and_renewal_retires_the_old_token()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var channel = new ServerChannelState(time, minLifetimeMs: 10_000, maxLifetimeMs: 60_000);
        var first = channel.Open(new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.None, RequestedLifetime = 1 }, SecurityPolicies.None);
        time.Now = time.Now.AddSeconds(12);
        var second = channel.Open(new OpenSecureChannelRequest { RequestType = SecurityTokenRequestType.Renew, SecurityMode = MessageSecurityMode.None, RequestedLifetime = 20_000 }, SecurityPolicies.None);
        channel.CheckToken(channel.ChannelId, first.TokenId);
        channel.CheckToken(channel.ChannelId, second.TokenId);
        var retired = Assert.Throws<UaException>(() => channel.CheckToken(channel.ChannelId, first.TokenId));
        time.Now = time.Now.AddSeconds(26);
        var expired = Assert.Throws<UaException>(() => channel.CheckToken(channel.ChannelId, second.TokenId));
        var wrongChannel = Assert.Throws<UaException>(() => channel.CheckToken(channel.ChannelId + 1, second.TokenId));
        var issueAgain = Assert.Throws<UaException>(() => channel.Open(new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.None }, SecurityPolicies.None));
        var sign = Assert.Throws<UaException>(() => new ServerChannelState(time).Open(new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.Sign }, SecurityPolicies.None));

        Assert.Equal(10_000u, first.RevisedLifetime);
        Assert.Equal(20_000u, second.RevisedLifetime);
        Assert.NotEqual(first.TokenId, second.TokenId);
        Assert.Equal(StatusCodes.BadSecureChannelTokenUnknown, retired.StatusCode.Code);
        Assert.Equal(StatusCodes.BadSecureChannelTokenUnknown, expired.StatusCode.Code);
        Assert.Equal(StatusCodes.BadTcpSecureChannelUnknown, wrongChannel.StatusCode.Code);
        Assert.Equal(StatusCodes.BadRequestTypeInvalid, issueAgain.StatusCode.Code);
        Assert.Equal(StatusCodes.BadSecurityModeRejected, sign.StatusCode.Code);
    }

    // Part 6 §6.7.2.4: a message larger than one buffer is split into C chunks and a final F chunk, each with its own sequence number.
    [Fact]
    public void Large_messages_are_chunked_and_reassembled_within_the_limits()
    {
        var body = new byte[20_000];
        new Random(7).NextBytes(body);
        uint seq = 100;
        var chunks = MessageChunk.Encode(MessageType.Message, 9, null, 1, () => seq++, 42, body, 8192, 0, 0, StatusCodes.BadRequestTooLarge);
        var assembler = new ChunkAssembler(1 << 20, 16);
        byte[]? whole = null;
        var sequence = new List<uint>();
        foreach (var c in chunks)
        {
            var parsed = MessageChunk.Parse(new Frame(TcpMessages.ParseType(c)!.Value, c[3], c), EncodingLimits.Default);
            sequence.Add(parsed.SequenceNumber);
            whole = assembler.Add(parsed);
        }
        var tooMany = Assert.Throws<UaException>(() => MessageChunk.Encode(MessageType.Message, 9, null, 1, () => 1, 42, body, 8192, 0, 2, StatusCodes.BadRequestTooLarge));
        var small = new ChunkAssembler(1 << 20, 2);
        var overflow = Assert.Throws<UaException>(() =>
        {
            foreach (var c in chunks) small.Add(MessageChunk.Parse(new Frame(MessageType.Message, c[3], c), EncodingLimits.Default));
        });

        Assert.Equal(3, chunks.Count);
        Assert.All(chunks, c => Assert.True(c.Length <= 8192));
        Assert.Equal("CCF", string.Concat(chunks.Select(c => (char)c[3])));
        Assert.Equal([100u, 101u, 102u], sequence);
        Assert.Equal(body, whole);
        Assert.Equal(StatusCodes.BadRequestTooLarge, tooMany.StatusCode.Code);
        Assert.Equal(StatusCodes.BadTcpMessageTooLarge, overflow.StatusCode.Code);
    }
}
