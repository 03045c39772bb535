using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>Tampered secure chunks: every change to a signed or encrypted chunk is caught and ends the connection with ERR.</summary>
public sealed class SecureRobustnessTests
{
    private static readonly EncodingLimits Limits = EncodingLimits.Default;

    private static ServerOptions Options => TestPlant.Options with
    {
        ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
    };

    private static byte[] Chunk(MessageType type, uint channelId, uint tokenId, IServiceRequest request, AsymmetricSecurityHeader? asym, uint sequence, ChannelSecurity security)
    {
        var e = new BinaryEncoder();
        e.WriteNodeId(request.BinaryEncodingId);
        request.Encode(e);
        return MessageChunk.Encode(type, channelId, asym, tokenId, () => sequence, sequence, e.ToArray(), 65535, 0, 0, StatusCodes.BadRequestTooLarge, security).Single();
    }

    private static async Task<uint?> SendAndCollectErrorAsync(UaConnection client, byte[] frame, CancellationToken ct)
    {
        await client.WriteAsync(frame, ct);
        await client.DisposeOutputAsync();
        uint? error = null;
        try
        {
            while (await client.ReadFrameAsync(ct) is { } reply)
                if (reply.Type == MessageType.Error) error = TcpMessages.DecodeError(reply.Body, Limits).Status.Code;
        }
        catch (UaException) { }
        return error;
    }

    private static async Task HelloAsync(UaConnection client, CancellationToken ct)
    {
        client.MaxReceiveChunkSize = 1 << 20;
        await client.WriteAsync(TcpMessages.EncodeHello(new Hello(0, 65535, 65535, 0, 0, "opc.tcp://x")), ct);
        Assert.Equal(MessageType.Acknowledge, (await client.ReadFrameAsync(ct))!.Type);
    }

    // Part 6 §6.7.2: a tampered OPN fails decryption or its signature (BadSecurityChecksFailed) or its structure; never accepted.
    [Theory]
    [InlineData(SecurityPolicies.Basic256Sha256)]
    [InlineData(SecurityPolicies.Aes256Sha256RsaPss)]
    public async Task Tampered_OPN_chunks_are_refused(string policyUri)
    {
        await using var host = new UaServerHost(TestPlant.Create(), Options);
        var inproc = host.ListenInProcess();
        var policy = SecurityPolicy.Find(policyUri)!;
        var rng = new Random(99);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var outcomes = new List<uint?>();

        for (var i = 0; i < 300; i++)
        {
            var security = ChannelSecurity.Create(isServer: false, policy, MessageSecurityMode.SignAndEncrypt, TestPki.Shared.Client.Certificate, TestPki.Shared.Server.Certificate.RawData);
            var open = Chunk(MessageType.OpenChannel, 0, 0, new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.SignAndEncrypt, ClientNonce = new byte[32], RequestedLifetime = 60_000 }, security.SendHeader(), 1, security);
            var headerLength = ChannelSecurity.HeaderLength(open, MessageType.OpenChannel);
            open[rng.Next(headerLength, open.Length)] ^= (byte)(1 << rng.Next(8));
            await using var client = inproc.Connect();
            await HelloAsync(client, cts.Token);
            outcomes.Add(await SendAndCollectErrorAsync(client, open, cts.Token));
        }

        Assert.All(outcomes, o => Assert.Equal(StatusCodes.BadSecurityChecksFailed, o));
    }

    // Part 6 §6.7.2: on an open SignAndEncrypt channel any flipped bit in a MSG chunk breaks its HMAC.
    [Fact]
    public async Task Tampered_MSG_chunks_on_an_encrypted_channel_are_refused_and_the_server_keeps_serving()
    {
        await using var host = new UaServerHost(TestPlant.Create(), Options);
        var inproc = host.ListenInProcess();
        var policy = SecurityPolicy.Basic256Sha256;
        var rng = new Random(7);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var outcomes = new List<uint?>();

        for (var i = 0; i < 100; i++)
        {
            var security = ChannelSecurity.Create(isServer: false, policy, MessageSecurityMode.SignAndEncrypt, TestPki.Shared.Client.Certificate, TestPki.Shared.Server.Certificate.RawData);
            var clientNonce = new byte[32];
            rng.NextBytes(clientNonce);
            await using var client = inproc.Connect();
            await HelloAsync(client, cts.Token);
            await client.WriteAsync(Chunk(MessageType.OpenChannel, 0, 0, new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.SignAndEncrypt, ClientNonce = clientNonce, RequestedLifetime = 60_000 }, security.SendHeader(), 1, security), cts.Token);
            var reply = MessageChunk.Parse(security.Unprotect((await client.ReadFrameAsync(cts.Token))!), Limits);
            var body = new BinaryDecoder(reply.Body, Limits);
            body.ReadNodeId();
            var opened = body.ReadEncodeable<OpenSecureChannelResponse>();
            security.AddToken(opened.SecurityToken.TokenId, clientNonce, opened.ServerNonce!);
            var message = Chunk(MessageType.Message, opened.SecurityToken.ChannelId, opened.SecurityToken.TokenId, new ReadRequest { NodesToRead = [new ReadValueId { NodeId = 2259u, AttributeId = 13 }] }, null, 2, security);
            message[rng.Next(16, message.Length)] ^= (byte)(1 << rng.Next(8));
            outcomes.Add(await SendAndCollectErrorAsync(client, message, cts.Token));
        }
        await using var session = await Client.ClientSession.ConnectAsync(inproc.EndpointUrl, _ => Task.FromResult(inproc.Connect()), new Client.ClientOptions
        {
            ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
            AllowedPolicies = [SecurityPolicies.Basic256Sha256],
        });
        var state = await session.ReadValueAsync(2259u);

        Assert.All(outcomes, o => Assert.Equal(StatusCodes.BadSecurityChecksFailed, o));
        Assert.Equal(0, state.Value.Value);
    }
}
