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
        var keys = Keys(BitConverterLittle(plain, 12));
        var mine = IsServer ? keys.Server : keys.Client;
        if (Mode == MessageSecurityMode.Sign)
        {
            var signedOnly = new byte[plain.Length + Policy!.SymmetricSignatureSize];
            plain.CopyTo(signedOnly, 0);
            WriteSize(signedOnly, signedOnly.Length);
            mine.Sign(signedOnly.AsSpan(0, plain.Length), signedOnly.AsSpan(plain.Length));
            return signedOnly;
        }
        var content = plain.Length - headerLength;
        var fixedPart = content + 1 + Policy!.SymmetricSignatureSize;
        var padding = (SecurityPolicy.BlockSize - fixedPart % SecurityPolicy.BlockSize) % SecurityPolicy.BlockSize;
        var output = new byte[headerLength + fixedPart + padding];
        plain.CopyTo(output, 0);
        WritePadding(output.AsSpan(plain.Length), padding, extra: false);
        WriteSize(output, output.Length);
        var signatureAt = output.Length - Policy.SymmetricSignatureSize;
        mine.Sign(output.AsSpan(0, signatureAt), output.AsSpan(signatureAt));
        mine.EncryptCbcInPlace(output, headerLength, output.Length - headerLength);
        return output;
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
        var keys = Keys(BitConverterLittle(bytes, 12));
        var theirs = IsServer ? keys.Client : keys.Server;
        var plain = (byte[])bytes.Clone();
        if (Mode == MessageSecurityMode.SignAndEncrypt)
        {
            if ((plain.Length - headerLength) % SecurityPolicy.BlockSize != 0) throw Failed("the encrypted part is not a whole number of AES blocks");
            theirs.DecryptCbcInPlace(plain, headerLength, plain.Length - headerLength);
        }
        var signatureAt = plain.Length - Policy!.SymmetricSignatureSize;
        if (signatureAt < headerLength + 8) throw Failed("the chunk is too short for its signature");
        if (!theirs.Verify(plain.AsSpan(0, signatureAt), plain.AsSpan(signatureAt))) throw Failed("the symmetric signature does not verify");
        return Mode == MessageSecurityMode.SignAndEncrypt ? StripPadding(plain, signatureAt, headerLength, extra: false) : plain[..signatureAt];
    }

    private static byte[] StripPadding(byte[] plain, int signatureAt, int headerLength, bool extra)
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
        return plain[..end];
    }

    private static UaException Failed(string why) => new(StatusCodes.BadSecurityChecksFailed, why);
}
