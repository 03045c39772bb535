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
            while (connection.ReadFrameAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult() is { } frame)
            {
                frames++;
                switch (frame.Type)
                {
                    case MessageType.Hello:
                        var hello = TcpMessages.DecodeHello(frame, Limits);
                        connection.MaxReceiveChunkSize = (int)Math.Min((uint)Limits.ReceiveBufferSize, Math.Max(hello.SendBufferSize, 8192u));
                        break;
                    case MessageType.Acknowledge:
                        TcpMessages.DecodeAcknowledge(frame, Limits);
                        break;
                    case MessageType.Error:
                        TcpMessages.DecodeError(frame.Body, Limits);
                        break;
                    default:
                        var chunk = MessageChunk.Parse(frame, Limits);
                        if (frame.Type == MessageType.OpenChannel) ChannelSecurity.HeaderLength(frame.Bytes, frame.Type);
                        if (assembler.Add(chunk) is { } body)
                        {
                            DecodeAndReencode(body);
                            messages++;
                        }
                        break;
                }
            }
            return new HarnessOutcome(frames, messages, 0);
        }
        catch (UaException e)
        {
            return new HarnessOutcome(frames, messages, e.StatusCode.Code);
        }
    }

    private static void DecodeAndReencode(byte[] body)
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
