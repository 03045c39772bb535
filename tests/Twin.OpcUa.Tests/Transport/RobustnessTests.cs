using System.Buffers.Binary;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;
using Xunit.Abstractions;

namespace Twin.OpcUa.Tests.Transport;

/// <summary>Random and mutated frames against a live server: it must answer every violation with ERR and a status code and keep serving.</summary>
public sealed class RobustnessTests(ITestOutputHelper output)
{
    private const int FrameTarget = 100_000;
    private static readonly EncodingLimits Limits = EncodingLimits.Default;

    private sealed record Outcome(int Kind, int FramesSent, bool Ended, uint? ErrorStatus, int OtherFrames);

    // Part 6 §7.1.2.5 (ERR), §7.1.5 (error handling): a server closes a connection that breaks the protocol, with a status code.
    [Fact]
    public async Task Server_survives_a_hundred_thousand_random_and_mutated_frames()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options);
        var inproc = host.ListenInProcess("fuzz");
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<Outcome>();
        var framesSent = 0;
        using var overall = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var workers = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var rng = new Random(1234 + worker);
            while (Volatile.Read(ref framesSent) < FrameTarget && !overall.IsCancellationRequested)
            {
                var outcome = await OneConnectionAsync(inproc.Connect(), rng, overall.Token);
                Interlocked.Add(ref framesSent, outcome.FramesSent);
                outcomes.Add(outcome);
            }
        })).ToArray();
        await Task.WhenAll(workers);

        // A well-behaved client still gets in, over TCP.
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl);
        var temperature = await session.ReadValueAsync(new NodeId("Plant.Temperature", 2));

        output.WriteLine($"{framesSent} frames on {outcomes.Count} connections, {host.AcceptedConnections} accepted by the server");
        foreach (var g in outcomes.GroupBy(o => (o.Kind, Status: o.ErrorStatus is { } s ? StatusCodes.NameOf(s) : "no ERR")).OrderBy(g => g.Key))
            output.WriteLine($"kind {g.Key.Kind}: {g.Key.Status} x{g.Count()}");
        Assert.True(framesSent >= FrameTarget, $"only {framesSent} frames were sent in time");
        Assert.All(outcomes, o => Assert.True(o.Ended, $"a kind {o.Kind} connection did not end"));
        Assert.All(outcomes.Where(o => o.ErrorStatus is not null), o => Assert.True((o.ErrorStatus!.Value & 0x80000000) != 0 && o.ErrorStatus != StatusCodes.BadInternalError,
            $"kind {o.Kind}: ERR carried {StatusCodes.NameOf(o.ErrorStatus!.Value)}"));
        // Garbage is never accepted silently: random bytes always draw an ERR; any other connection either drew an ERR or was answered.
        Assert.All(outcomes.Where(o => o.Kind == 0), o => Assert.NotNull(o.ErrorStatus));
        Assert.All(outcomes.Where(o => o.ErrorStatus is null), o => Assert.True(o.OtherFrames > 0, $"kind {o.Kind} connection was closed without ERR or answer"));
        Assert.True(outcomes.Count(o => o.ErrorStatus is not null) > outcomes.Count / 2);
        Assert.Equal(21.5, temperature.Value.Value);
    }

    private static async Task<Outcome> OneConnectionAsync(UaConnection client, Random rng, CancellationToken overall)
    {
        var kind = rng.Next(5);
        var sent = 0;
        var other = 0;
        uint? error = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(overall);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        client.MaxReceiveChunkSize = 1 << 20;
        try
        {
            switch (kind)
            {
                case 0:
                    await client.WriteAsync(RandomBytes(rng, rng.Next(1, 64)), timeout.Token); sent++;
                    break;
                case 1:
                    await client.WriteAsync(RandomHeaderFrame(rng), timeout.Token); sent++;
                    break;
                case 2:
                    await client.WriteAsync(Mutate(Hello(), rng, 0), timeout.Token); sent++;
                    break;
                default:
                    await client.WriteAsync(Hello(), timeout.Token); sent++;
                    if (await client.ReadFrameAsync(timeout.Token) is not { Type: MessageType.Acknowledge }) break;
                    other++;
                    if (kind == 3)
                    {
                        await client.WriteAsync(Mutate(Open(), rng, 0), timeout.Token); sent++;
                        break;
                    }
                    await client.WriteAsync(Open(), timeout.Token); sent++;
                    if (await client.ReadFrameAsync(timeout.Token) is not { Type: MessageType.OpenChannel } opened) break;
                    other++;
                    var chunk = MessageChunk.Parse(opened, Limits);
                    var token = new BinaryDecoder(chunk.Body, Limits);
                    token.ReadNodeId();
                    var response = token.ReadEncodeable<OpenSecureChannelResponse>();
                    var message = ServiceMessage(rng, response.SecurityToken.ChannelId, response.SecurityToken.TokenId);
                    await client.WriteAsync(Mutate(message, rng, 24), timeout.Token); sent++;
                    break;
            }
            await client.DisposeOutputAsync();
            while (await client.ReadFrameAsync(timeout.Token) is { } frame)
            {
                if (frame.Type == MessageType.Error) error = TcpMessages.DecodeError(frame.Body, Limits).Status.Code;
                else other++;
            }
            return new Outcome(kind, sent, true, error, other);
        }
        catch (OperationCanceledException)
        {
            return new Outcome(kind, sent, false, error, other);
        }
        catch (UaException)
        {
            // The server's reply was cut short by its close: the connection ended.
            return new Outcome(kind, sent, true, error ?? StatusCodes.BadCommunicationError, other);
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var b = new byte[length];
        rng.NextBytes(b);
        return b;
    }

    private static byte[] RandomHeaderFrame(Random rng)
    {
        string[] types = ["HEL", "ACK", "ERR", "MSG", "OPN", "CLO", "RHE", "XYZ"];
        var body = RandomBytes(rng, rng.Next(0, 200));
        var frame = new byte[8 + body.Length];
        var type = types[rng.Next(types.Length)];
        frame[0] = (byte)type[0]; frame[1] = (byte)type[1]; frame[2] = (byte)type[2];
        frame[3] = "FCAX"[rng.Next(4)] is var c ? (byte)c : (byte)'F';
        var size = rng.Next(4) == 0 ? (uint)rng.Next() : (uint)frame.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), size);
        body.CopyTo(frame, 8);
        return frame;
    }

    /// <summary>Flips, overwrites, truncates or extends a valid frame, leaving the first <paramref name="keep"/> bytes alone.</summary>
    private static byte[] Mutate(byte[] frame, Random rng, int keep)
    {
        var f = (byte[])frame.Clone();
        switch (rng.Next(6))
        {
            case 0:
                for (var i = 0; i < 1 + rng.Next(4); i++) f[rng.Next(keep, f.Length)] ^= (byte)(1 << rng.Next(8));
                return f;
            case 1:
                for (var i = 0; i < 1 + rng.Next(8); i++) f[rng.Next(keep, f.Length)] = (byte)rng.Next(256);
                return f;
            case 2:
                return f[..rng.Next(Math.Max(1, keep), f.Length)];
            case 3:
                var longer = f.Concat(RandomBytes(rng, rng.Next(1, 32))).ToArray();
                BinaryPrimitives.WriteUInt32LittleEndian(longer.AsSpan(4), (uint)longer.Length);
                return longer;
            case 4:
                var at = rng.Next(keep, f.Length - 3);
                BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(at), rng.Next(3) switch { 0 => -1, 1 => int.MaxValue, _ => rng.Next(-5, 100_000) });
                return f;
            default:
                BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(4), (uint)rng.Next(0, f.Length * 2));
                return f;
        }
    }

    private static byte[] Hello() => TcpMessages.EncodeHello(new Hello(0, 65535, 65535, 0, 0, "opc.tcp://inproc.fuzz:4840"));

    private static byte[] Open() => Chunk(MessageType.OpenChannel, 0, 0, new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.None, RequestedLifetime = 60_000 }, new AsymmetricSecurityHeader(SecurityPolicies.None, null, null), 1);

    private static byte[] ServiceMessage(Random rng, uint channelId, uint tokenId)
    {
        IServiceRequest request = rng.Next(7) switch
        {
            0 => new CreateSessionRequest { SessionName = "fuzz", RequestedSessionTimeout = 60_000, ClientNonce = new byte[32] },
            1 => new ReadRequest { NodesToRead = [new ReadValueId { NodeId = 2259u, AttributeId = 13 }, new ReadValueId { NodeId = new NodeId("Plant.Setpoint", 2), AttributeId = 13 }] },
            2 => new BrowseRequest { NodesToBrowse = [new BrowseDescription { NodeId = 85u, ResultMask = 63 }] },
            3 => new CallRequest { MethodsToCall = [new CallMethodRequest { ObjectId = new NodeId("Plant", 2), MethodId = new NodeId("Plant.Add", 2), InputArguments = [1.0, new Variant(BuiltInType.String, new[] { "a", "b" })] }] },
            4 => new WriteRequest { NodesToWrite = [new WriteValue { NodeId = new NodeId("Plant.Setpoint", 2), AttributeId = 13, Value = new DataValue(new Variant(BuiltInType.Double, 3.0)) }] },
            5 => new ActivateSessionRequest { UserIdentityToken = new ExtensionObject(new UserNameIdentityToken { UserName = "operator", Password = [1, 2, 3] }) },
            _ => new GetEndpointsRequest { EndpointUrl = "opc.tcp://x", LocaleIds = ["en", "de"] },
        };
        return Chunk(MessageType.Message, channelId, tokenId, request, null, 2);
    }

    private static byte[] Chunk(MessageType type, uint channelId, uint tokenId, IServiceRequest request, AsymmetricSecurityHeader? asym, uint sequence)
    {
        var e = new BinaryEncoder();
        e.WriteNodeId(request.BinaryEncodingId);
        request.Encode(e);
        return MessageChunk.Encode(type, channelId, asym, tokenId, () => sequence, sequence, e.ToArray(), 65535, 0, 0, StatusCodes.BadRequestTooLarge).Single();
    }
}
