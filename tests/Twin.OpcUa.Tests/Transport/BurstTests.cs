using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>
/// Requests that arrive together are answered together (the server keeps the answers buffered while more requests are
/// already received): every request still gets its answer, in order of sequence number (Part 6 §6.7.2.4).
/// </summary>
public sealed class BurstTests
{
    // Many reads in flight on one secure channel over TCP, across a token renewal: every chunk is signed, encrypted and
    // checked with the HMAC and AES contexts kept for its token, and no answer waits in a buffer.
    [Theory]
    [InlineData(MessageSecurityMode.Sign)]
    [InlineData(MessageSecurityMode.SignAndEncrypt)]
    public async Task Concurrent_reads_on_a_secure_channel_all_get_their_answers_across_a_renewal(MessageSecurityMode mode)
    {
        var serverOptions = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
            SecurityPolicyUris = [SecurityPolicies.Basic256Sha256],
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), serverOptions);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = new ClientOptions
        {
            ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
            AllowedPolicies = [SecurityPolicies.Basic256Sha256], SecurityMode = mode, RequestTimeout = TimeSpan.FromSeconds(30),
        };
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, options, cts.Token);
        var temperature = new NodeId("Plant.Temperature", 2);

        async Task<int> ReadLoopAsync(int reads)
        {
            var good = 0;
            for (var i = 0; i < reads; i++)
                if ((await session.ReadValueAsync(temperature, cts.Token)).Value.Value is 21.5) good++;
            return good;
        }
        var before = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ReadLoopAsync(50)));
        await session.RenewChannelAsync(cts.Token);
        var after = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ReadLoopAsync(50)));

        Assert.All(before, good => Assert.Equal(50, good));
        Assert.All(after, good => Assert.Equal(50, good));
    }

    // A burst written at once — sixteen requests and CloseSecureChannel behind them — is answered in full before the server
    // closes: the answers it held back for the burst are sent, in sequence, ahead of the end of the stream.
    [Fact]
    public async Task Answers_to_a_burst_ending_in_CLO_all_arrive_before_the_connection_closes()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        await using var client = await SocketPipes.ConnectAsync(host.EndpointUrl, CancellationToken.None);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        client.MaxReceiveChunkSize = 65535;
        await client.WriteAsync(TcpMessages.EncodeHello(new Hello(0, 65535, 65535, 0, 0, host.EndpointUrl)), cts.Token);
        await client.ReadFrameAsync(cts.Token);
        await client.WriteAsync(Chunk(MessageType.OpenChannel, 0, 0, new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.None, RequestedLifetime = 60_000 },
            new AsymmetricSecurityHeader(SecurityPolicies.None, null, null), 1, 1), cts.Token);
        var opened = MessageChunk.Parse((await client.ReadFrameAsync(cts.Token))!, EncodingLimits.Default);
        var d = new BinaryDecoder(opened.Body);
        d.ReadNodeId();
        var token = new OpenSecureChannelResponse();
        token.Decode(d);

        // Reads without a session: each is answered with a ServiceFault on the read loop, the path that holds answers back.
        var burst = Enumerable.Range(0, 16).Select(i => Chunk(MessageType.Message, token.SecurityToken.ChannelId, token.SecurityToken.TokenId,
            new ReadRequest { NodesToRead = [new ReadValueId { NodeId = new NodeId("Plant.Temperature", 2), AttributeId = 13 }] }, null, (uint)(2 + i), (uint)(100 + i))).ToList();
        burst.Add(Chunk(MessageType.CloseChannel, token.SecurityToken.ChannelId, token.SecurityToken.TokenId, new CloseSecureChannelRequest(), null, 18, 200));
        await client.WriteAsync(burst, cts.Token);
        var answers = new List<MessageChunk>();
        while (await client.ReadFrameAsync(cts.Token) is { } frame) answers.Add(MessageChunk.Parse(frame, EncodingLimits.Default));

        Assert.Equal(Enumerable.Range(100, 16).Select(i => (uint)i), answers.Select(a => a.RequestId));
        Assert.Equal(Enumerable.Range(0, 16).Select(i => opened.SequenceNumber + 1 + (uint)i), answers.Select(a => a.SequenceNumber));
        Assert.All(answers, a =>
        {
            var body = new BinaryDecoder(a.Body);
            Assert.Equal(new ServiceFault().BinaryEncodingId, body.ReadNodeId());
            var fault = new ServiceFault();
            fault.Decode(body);
            Assert.Equal(StatusCodes.BadSessionIdInvalid, fault.ResponseHeader.ServiceResult.Code);
        });
    }

    private static byte[] Chunk(MessageType type, uint channelId, uint tokenId, IServiceRequest request, AsymmetricSecurityHeader? asym, uint sequence, uint requestId)
    {
        var e = new BinaryEncoder();
        e.WriteNodeId(request.BinaryEncodingId);
        request.Encode(e);
        return MessageChunk.Encode(type, channelId, asym, tokenId, () => sequence, requestId, e.ToArray(), 65535, 0, 0, StatusCodes.BadRequestTooLarge).Single();
    }
}
