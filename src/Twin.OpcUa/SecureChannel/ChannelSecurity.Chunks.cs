using System.Security.Cryptography;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.SecureChannel;

public sealed partial class ChannelSecurity
{
    /// <summary>Pads, signs and encrypts a plain chunk (header, security header, sequence header, body) for sending (Part 6 §6.7.2).</summary>
    public byte[] Protect(byte[] plain, MessageType type)
    {
        ArgumentNullException.ThrowIfNull(plain);
        if (Policy is null) return plain;
        var headerLength = HeaderLength(plain, type);
        return type == MessageType.OpenChannel ? ProtectAsymmetric(plain, headerLength) : ProtectSymmetric(plain, headerLength);
    }

    private byte[] ProtectAsymmetric(byte[] plain, int headerLength)
    {
        var cipherBlock = RemoteKey!.KeySize / 8;
        var plainBlock = cipherBlock - Policy!.OaepOverhead;
        var signatureSize = LocalKey!.KeySize / 8;
        var extra = cipherBlock > 256;
        var content = plain.Length - headerLength;
        var fixedPart = content + 1 + (extra ? 1 : 0) + signatureSize;
        var padding = (plainBlock - fixedPart % plainBlock) % plainBlock;
        var total = fixedPart + padding;
        var messageSize = headerLength + total / plainBlock * cipherBlock;

        var signed = new byte[headerLength + total - signatureSize];
        plain.CopyTo(signed, 0);
        WritePadding(signed.AsSpan(plain.Length), padding, extra);
        WriteSize(signed, messageSize);
        var signature = Policy.Sign(LocalKey, signed);

        var toEncrypt = signed.AsSpan(headerLength).ToArray().Concat(signature).ToArray();
        var output = new byte[messageSize];
        signed.AsSpan(0, headerLength).CopyTo(output);
        for (var i = 0; i < toEncrypt.Length / plainBlock; i++)
            RemoteKey.Encrypt(toEncrypt.AsSpan(i * plainBlock, plainBlock), Policy.AsymmetricEncryption).CopyTo(output.AsSpan(headerLength + i * cipherBlock));
        return output;
    }

    private byte[] ProtectSymmetric(byte[] plain, int headerLength)
    {
        var output = new byte[ProtectedLength(plain.Length)];
        plain.CopyTo(output, 0);
        ProtectInPlace(output, plain.Length);
        return output;
    }

    /// <summary>The size of a MSG or CLO chunk of <paramref name="plainLength"/> bytes once padded and signed (Part 6 §6.7.2.5).</summary>
    public int ProtectedLength(int plainLength)
    {
        if (Policy is null) return plainLength;
        if (Mode == MessageSecurityMode.Sign) return plainLength + Policy.SymmetricSignatureSize;
        const int headerLength = 16;
        var fixedPart = plainLength - headerLength + 1 + Policy.SymmetricSignatureSize;
        return headerLength + fixedPart + (SecurityPolicy.BlockSize - fixedPart % SecurityPolicy.BlockSize) % SecurityPolicy.BlockSize;
    }

    /// <summary>
    /// Pads, signs and encrypts a plain MSG or CLO chunk where it lies: the first <paramref name="plainLength"/> bytes of
    /// <paramref name="buffer"/>, which must hold <see cref="ProtectedLength"/> bytes. Returns the protected chunk's size.
    /// </summary>
    public int ProtectInPlace(byte[] buffer, int plainLength)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var total = ProtectedLength(plainLength);
        if (buffer.Length < total) throw new ArgumentException($"The buffer holds {buffer.Length} bytes; the protected chunk needs {total}.", nameof(buffer));
        if (Policy is null) return plainLength;
        const int headerLength = 16;
        var keys = Keys(BitConverterLittle(buffer, 12));
        var mine = IsServer ? keys.Server : keys.Client;
        WriteSize(buffer, total);
        var signatureAt = total - Policy.SymmetricSignatureSize;
        if (Mode == MessageSecurityMode.SignAndEncrypt) WritePadding(buffer.AsSpan(plainLength), signatureAt - plainLength - 1, extra: false);
        mine.Sign(buffer.AsSpan(0, signatureAt), buffer.AsSpan(signatureAt, Policy.SymmetricSignatureSize));
        if (Mode == MessageSecurityMode.SignAndEncrypt) mine.EncryptCbcInPlace(buffer, headerLength, total - headerLength);
        return total;
    }

    /// <summary>Padding of Part 6 §6.7.2.5: PaddingSize, that many bytes of PaddingSize, then ExtraPaddingSize for keys over 2048 bits.</summary>
    private static void WritePadding(Span<byte> at, int padding, bool extra)
    {
        at[..(padding + 1)].Fill((byte)(padding & 0xFF));
        if (extra) at[padding + 1] = (byte)(padding >> 8);
    }

    private static uint BitConverterLittle(byte[] b, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    /// <summary>Decrypts and verifies a received chunk, returning it as a plain chunk without padding and signature.</summary>
    /// <exception cref="UaException">BadSecurityChecksFailed when a signature or the padding does not check out.</exception>
    public Frame Unprotect(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (Policy is null) return frame;
        var bytes = frame.Bytes;
        var headerLength = HeaderLength(bytes, frame.Type);
        var plain = frame.Type == MessageType.OpenChannel ? UnprotectAsymmetric(bytes, headerLength) : UnprotectSymmetric(bytes, headerLength);
        WriteSize(plain, plain.Length);
        return frame with { Bytes = plain };
    }

    private byte[] UnprotectAsymmetric(byte[] bytes, int headerLength)
    {
        var cipherBlock = LocalKey!.KeySize / 8;
        var signatureSize = RemoteKey!.KeySize / 8;
        var encrypted = bytes.Length - headerLength;
        if (encrypted <= 0 || encrypted % cipherBlock != 0) throw Failed("the encrypted part is not a whole number of RSA blocks");
        var decrypted = new List<byte>(encrypted);
        try
        {
            for (var at = headerLength; at < bytes.Length; at += cipherBlock)
                decrypted.AddRange(LocalKey.Decrypt(bytes.AsSpan(at, cipherBlock).ToArray(), Policy!.AsymmetricEncryption));
        }
        catch (CryptographicException e) { throw Failed("RSA decryption failed: " + e.Message); }
        var plain = bytes.AsSpan(0, headerLength).ToArray().Concat(decrypted).ToArray();
        if (plain.Length < headerLength + 8 + signatureSize + 1) throw Failed("the chunk is too short for its signature");
        var signatureAt = plain.Length - signatureSize;
        if (!Policy!.Verify(RemoteKey, plain.AsSpan(0, signatureAt), plain.AsSpan(signatureAt))) throw Failed("the asymmetric signature does not verify");
        return StripPadding(plain, signatureAt, headerLength, cipherBlock > 256);
    }

    private byte[] UnprotectSymmetric(byte[] bytes, int headerLength)
    {
        var plain = (byte[])bytes.Clone();
        return plain[..UnprotectInPlace(plain, plain.Length, headerLength)];
    }

    /// <summary>
    /// Decrypts and verifies a received MSG or CLO chunk where it lies (the first <paramref name="length"/> bytes of
    /// <paramref name="buffer"/>, a buffer the caller owns) and returns the size of the plain chunk without padding and
    /// signature, its size field updated. With SecurityPolicy None the chunk is left as it is.
    /// </summary>
    /// <exception cref="UaException">BadSecurityChecksFailed when a signature or the padding does not check out; BadSecureChannelTokenUnknown for a token without keys.</exception>
    public int UnprotectInPlace(byte[] buffer, int length)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (Policy is null) return length;
        var plainLength = UnprotectInPlace(buffer, length, 16);
        WriteSize(buffer, plainLength);
        return plainLength;
    }

    private int UnprotectInPlace(byte[] buffer, int length, int headerLength)
    {
        if (length < headerLength + 8) throw Failed("the chunk is too short for its security headers");
        var keys = Keys(BitConverterLittle(buffer, 12));
        var theirs = IsServer ? keys.Client : keys.Server;
        if (Mode == MessageSecurityMode.SignAndEncrypt)
        {
            if ((length - headerLength) % SecurityPolicy.BlockSize != 0) throw Failed("the encrypted part is not a whole number of AES blocks");
            theirs.DecryptCbcInPlace(buffer, headerLength, length - headerLength);
        }
        var signatureAt = length - Policy!.SymmetricSignatureSize;
        if (signatureAt < headerLength + 8) throw Failed("the chunk is too short for its signature");
        if (!theirs.Verify(buffer.AsSpan(0, signatureAt), buffer.AsSpan(signatureAt, Policy.SymmetricSignatureSize))) throw Failed("the symmetric signature does not verify");
        return Mode == MessageSecurityMode.SignAndEncrypt ? PlainEnd(buffer, signatureAt, headerLength, extra: false) : signatureAt;
    }

    private static byte[] StripPadding(byte[] plain, int signatureAt, int headerLength, bool extra) => plain[..PlainEnd(plain, signatureAt, headerLength, extra)];

    /// <summary>Where the body ends: before the padding bytes and their size byte(s) (Part 6 §6.7.2.5).</summary>
    private static int PlainEnd(byte[] plain, int signatureAt, int headerLength, bool extra)
    {
        var padding = (int)plain[signatureAt - 1];
        var overhead = 1;
        if (extra)
        {
            padding = (plain[signatureAt - 1] << 8) | plain[signatureAt - 2];
            overhead = 2;
        }
        var end = signatureAt - overhead - padding;
        if (end < headerLength + 8) throw Failed("the padding is longer than the chunk");
        return end;
    }

    private static UaException Failed(string why) => new(StatusCodes.BadSecurityChecksFailed, why);
}
