using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

/// <summary>
/// `profile-read [iterations]`: the symmetric path of one Read request on one thread, stage by stage, without sockets — what a
/// read costs each side in user code (Basic256Sha256, SignAndEncrypt, keys of a real OPN exchange's shape). The server's stages:
/// decrypt + verify + unpad the request chunk, decode the request, encode the response, pad + sign + encrypt it; the client's
/// the mirror image. Timed after a warm-up that lets the JIT tier up.
/// </summary>
internal static class ReadPathProfile
{
    private const uint ChannelId = 7, TokenId = 1;

    public static void Run(int iterations)
    {
        var pki = BenchPki.Create();
        var policy = SecurityPolicy.Find(SecurityPolicies.Basic256Sha256)!;
        var server = ChannelSecurity.Create(isServer: true, policy, MessageSecurityMode.SignAndEncrypt, pki.Server.Cert, pki.Client.Cert.RawData);
        var client = ChannelSecurity.Create(isServer: false, policy, MessageSecurityMode.SignAndEncrypt, pki.Client.Cert, pki.Server.Cert.RawData);
        var clientNonce = RandomNumberGenerator.GetBytes(policy.NonceLength);
        var serverNonce = RandomNumberGenerator.GetBytes(policy.NonceLength);
        server.AddToken(TokenId, clientNonce, serverNonce);
        client.AddToken(TokenId, clientNonce, serverNonce);

        var request = new ReadRequest
        {
            RequestHeader = new RequestHeader { AuthenticationToken = new NodeId(RandomNumberGenerator.GetBytes(32), 0), Timestamp = DateTime.UtcNow, RequestHandle = 42, TimeoutHint = 10_000 },
            NodesToRead = [new ReadValueId { NodeId = new NodeId("Plant.Temperature", 2), AttributeId = 13 }], TimestampsToReturn = TimestampsToReturn.Both,
        };
        var response = new ReadResponse
        {
            ResponseHeader = ResponseHeader.For(request.RequestHeader),
            Results = [new DataValue(new Variant(BuiltInType.Double, 21.5), default, DateTime.UtcNow, DateTime.UtcNow)],
        };
        var requestChunk = Protect(client, request, 1);
        var responseChunk = Protect(server, response, 1);
        var work = new byte[Math.Max(requestChunk.Length, responseChunk.Length) + 64];
        var limits = EncodingLimits.Default;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Read path, one thread, {iterations:N0} iterations per stage; request chunk {requestChunk.Length} B, response chunk {responseChunk.Length} B; load {ReadRounds.Load():0.00}"));
        Console.WriteLine("| side | stage | µs per read (fastest of 10 batches) | bytes allocated per read |");
        Console.WriteLine("| --- | --- | ---: | ---: |");
        var plainRequest = 0;
        Stage("server", "decrypt + verify + unpad the request (UnprotectInPlace)", iterations, () =>
        {
            requestChunk.CopyTo(work, 0);
            plainRequest = server.UnprotectInPlace(work, requestChunk.Length);
        });
        var requestBody = work.AsSpan(SymmetricChunkHeader.Size, plainRequest - SymmetricChunkHeader.Size).ToArray();
        Stage("server", "decode the ReadRequest (type id, header, nodes)", iterations, () => Decode(requestBody, limits));
        // A new encoder per message (the server and client reuse a thread's spare one): its 256-byte array is part of the figure.
        var encoder = new BinaryEncoder(256);
        Stage("server", "encode the ReadResponse", iterations, () =>
        {
            encoder = new BinaryEncoder(256);
            encoder.WriteNodeId(response.BinaryEncodingId);
            response.Encode(encoder);
        });
        var plainResponse = Plain(encoder.Written, 1);
        Stage("server", "pad + sign + encrypt the response (ProtectInPlace)", iterations, () =>
        {
            plainResponse.CopyTo(work, 0);
            server.ProtectInPlace(work, plainResponse.Length);
        });
        Stage("client", "encode the ReadRequest", iterations, () =>
        {
            encoder = new BinaryEncoder(256);
            encoder.WriteNodeId(request.BinaryEncodingId);
            request.Encode(encoder);
        });
        var plainRequestChunk = Plain(encoder.Written, 1);
        Stage("client", "pad + sign + encrypt the request (ProtectInPlace)", iterations, () =>
        {
            plainRequestChunk.CopyTo(work, 0);
            client.ProtectInPlace(work, plainRequestChunk.Length);
        });
        var plainResponseLength = 0;
        Stage("client", "decrypt + verify + unpad the response (UnprotectInPlace)", iterations, () =>
        {
            responseChunk.CopyTo(work, 0);
            plainResponseLength = client.UnprotectInPlace(work, responseChunk.Length);
        });
        var responseBody = work.AsSpan(SymmetricChunkHeader.Size, plainResponseLength - SymmetricChunkHeader.Size).ToArray();
        Stage("client", "decode the ReadResponse", iterations, () => Decode(responseBody, limits));
        Alternatives(iterations, requestChunk.Length - 16);
    }

    /// <summary>The symmetric primitives alone on a request-sized chunk, kept contexts against .NET's one-shot calls.</summary>
    private static void Alternatives(int iterations, int encrypted)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var iv = RandomNumberGenerator.GetBytes(16);
        var data = RandomNumberGenerator.GetBytes(encrypted);
        var macArray = new byte[32];
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Stage("primitive", $"HMAC-SHA256 of {encrypted - 32} B, IncrementalHash kept per token (ours)", iterations, () =>
        {
            hmac.AppendData(data.AsSpan(0, encrypted - 32));
            hmac.GetHashAndReset(macArray);
        });
        using var inner = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var outer = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var ipad = new byte[64];
        var opad = new byte[64];
        for (var i = 0; i < 64; i++)
        {
            ipad[i] = (byte)((i < key.Length ? key[i] : 0) ^ 0x36);
            opad[i] = (byte)((i < key.Length ? key[i] : 0) ^ 0x5C);
        }
        Stage("primitive", $"HMAC-SHA256 of {encrypted - 32} B, two kept SHA-256 contexts (RFC 2104 by hand)", iterations, () =>
        {
            inner.AppendData(ipad);
            inner.AppendData(data.AsSpan(0, encrypted - 32));
            inner.GetHashAndReset(macArray);
            outer.AppendData(opad);
            outer.AppendData(macArray);
            outer.GetHashAndReset(macArray);
        });
        Stage("primitive", $"HMAC-SHA256 of {encrypted - 32} B, HMACSHA256.HashData one-shot", iterations, () => HMACSHA256.HashData(key, data.AsSpan(0, encrypted - 32), macArray));
        using var aes = Aes.Create();
        aes.Key = key;
        var output = new byte[encrypted];
        Stage("primitive", $"AES-256-CBC encrypt {encrypted} B, Aes.EncryptCbc on a kept Aes", iterations, () => aes.EncryptCbc(data, iv, output, PaddingMode.None));
        using var encryptor = aes.CreateEncryptor(key, iv);
        Stage("primitive", $"AES-256-CBC encrypt {encrypted} B, ICryptoTransform kept per token (ours)", iterations, () => encryptor.TransformBlock(data, 0, encrypted, output, 0));
    }

    private static IEncodeable Decode(byte[] body, EncodingLimits limits)
    {
        var d = new BinaryDecoder(body, limits);
        var typeId = d.ReadNodeId();
        if (!d.Registry.TryCreate(typeId, out var value)) throw new InvalidOperationException($"No type for {typeId}.");
        value.Decode(d);
        d.EnsureEnd();
        return value;
    }

    /// <summary>A plain MSG chunk (headers, body) with room after it for padding and signature.</summary>
    private static byte[] Plain(ReadOnlySpan<byte> body, uint sequence)
    {
        var plain = new byte[SymmetricChunkHeader.Size + body.Length];
        TcpMessages.WriteHeader(plain, MessageType.Message, (byte)'F', plain.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan(8), ChannelId);
        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan(12), TokenId);
        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan(16), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(plain.AsSpan(20), 1);
        body.CopyTo(plain.AsSpan(SymmetricChunkHeader.Size));
        return plain;
    }

    private static byte[] Protect(ChannelSecurity security, IEncodeable message, uint sequence)
    {
        var e = new BinaryEncoder(512);
        e.WriteNodeId(message.BinaryEncodingId);
        message.Encode(e);
        var plain = Plain(e.Written, sequence);
        var chunk = new byte[security.ProtectedLength(plain.Length)];
        plain.CopyTo(chunk, 0);
        return chunk[..security.ProtectInPlace(chunk, plain.Length)];
    }

    /// <summary>
    /// One stage: the fastest of ten batches (wall clock on one thread; the machine is shared, and the fastest batch is the one
    /// least disturbed by others), and the bytes allocated per call, which no neighbour disturbs.
    /// </summary>
    private static void Stage(string side, string what, int iterations, Action action)
    {
        for (var i = 0; i < Math.Max(20_000, iterations / 10); i++) action();
        var batch = Math.Max(1, iterations / 10);
        var best = double.MaxValue;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var b = 0; b < 10; b++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++) action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / batch);
        }
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (10.0 * batch);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {side} | {what} | {best:0.00} | {bytes:0} |"));
    }
}
