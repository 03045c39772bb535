using System.Buffers;
using System.IO.Pipelines;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Fuzz;

/// <summary>How far one input got: frames read, whole messages decoded, and the protocol fault that stopped it (0 when none).</summary>
public sealed record HarnessOutcome(int Frames, int Messages, uint Fault);

/// <summary>
/// The fuzz target: an input is the byte stream a server reads from one connection. It runs the server's decoders in the
/// server's order — UA-TCP framing with the negotiated receive size (Part 6 §7.1.2), HEL/ACK/ERR bodies, secure channel
/// chunk headers (§6.7.2), chunk assembly under the limits, and each whole message as an encoded request with its
/// encoding NodeId (§6.7.2.1), which is then encoded again. A protocol fault (<see cref="UaException"/>) is an expected
/// outcome; any other exception is a finding.
/// </summary>
public static class FrameHarness
{
    /// <summary>The limits the harness decodes under: the server's defaults, so findings apply to a real server.</summary>
    public static EncodingLimits Limits { get; } = EncodingLimits.Default;

    public static HarnessOutcome Run(ReadOnlySpan<byte> data)
    {
        var input = PipeReader.Create(new ReadOnlySequence<byte>(data.ToArray()));
        var output = PipeWriter.Create(Stream.Null);
        var connection = new UaConnection(new Duplex(input, output), "fuzz");
        var assembler = new ChunkAssembler(Limits.MaxMessageSize, Limits.MaxChunkCount);
        int frames = 0, messages = 0;
        try
        {
            // The reader is over memory: every read completes at once, so waiting on it blocks nothing.
            while (connection.ReadPooledFrameAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { IsEnd: false } pooled)
            {
                frames++;
                try
                {
                    if (Take(connection, assembler, pooled)) messages++;
                }
                finally { pooled.Return(); }
            }
            return new HarnessOutcome(frames, messages, 0);
        }
        catch (UaException e)
        {
            return new HarnessOutcome(frames, messages, e.StatusCode.Code);
        }
    }

    /// <summary>One chunk, as the server takes it: connection messages by their decoders, OPN through the asymmetric path,
    /// MSG and CLO headers read in the pooled buffer and a one-chunk message decoded where it lies. True when a message decoded.</summary>
    private static bool Take(UaConnection connection, ChunkAssembler assembler, PooledFrame pooled)
    {
        switch (pooled.Type)
        {
            case MessageType.Hello:
                var hello = TcpMessages.DecodeHello(pooled.ToFrame(), Limits);
                connection.MaxReceiveChunkSize = (int)Math.Min((uint)Limits.ReceiveBufferSize, Math.Max(hello.SendBufferSize, 8192u));
                return false;
            case MessageType.Acknowledge:
                TcpMessages.DecodeAcknowledge(pooled.ToFrame(), Limits);
                return false;
            case MessageType.Error:
                TcpMessages.DecodeError(pooled.ToFrame().Body, Limits);
                return false;
            case MessageType.OpenChannel:
                var frame = pooled.ToFrame();
                var chunk = MessageChunk.Parse(frame, Limits);
                ChannelSecurity.HeaderLength(frame.Bytes, frame.Type);
                if (assembler.Add(chunk) is not { } whole) return false;
                DecodeAndReencode(whole);
                return true;
            case MessageType.Message or MessageType.CloseChannel:
                var header = SymmetricChunkHeader.Read(pooled.Span);
                var body = pooled.Buffer.AsMemory(SymmetricChunkHeader.Size, pooled.Length - SymmetricChunkHeader.Size);
                if (!assembler.TryComplete(pooled.ChunkType, header.RequestId, body.Span, out var assembled)) return false;
                DecodeAndReencode(assembled ?? body);
                return true;
            default:
                throw new UaException(StatusCodes.BadTcpMessageTypeInvalid, $"{pooled.Type} is not a secure channel message.");
        }
    }

    private static void DecodeAndReencode(ReadOnlyMemory<byte> body)
    {
        var d = new BinaryDecoder(body, Limits);
        var typeId = d.ReadNodeId();
        if (!d.Registry.TryCreate(typeId, out var value))
        {
            d.ReadEncodeable<RequestHeader>();
            return;
        }
        value.Decode(d);
        d.EnsureEnd();
        var e = new BinaryEncoder(body.Length);
        e.WriteNodeId(value.BinaryEncodingId);
        value.Encode(e);
        // What was decoded must decode again from its own encoding: the encoder accepts every value the decoder produces.
        var again = new BinaryDecoder(e.ToArray(), Limits);
        again.ReadNodeId();
        if (!again.Registry.TryCreate(typeId, out var copy)) throw new InvalidOperationException($"{typeId} is no longer registered.");
        copy.Decode(again);
        again.EnsureEnd();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }
}
