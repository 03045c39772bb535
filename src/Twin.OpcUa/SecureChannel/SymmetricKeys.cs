using System.Security.Cryptography;

namespace Twin.OpcUa.SecureChannel;

/// <summary>
/// The signing key, encryption key and IV one side uses to send (Part 6 §6.7.5), with the HMAC and AES-CBC contexts keyed
/// once per token and direction. A one-shot HMAC or AES call creates and frees an OpenSSL context every time, which cost
/// more than all the rest of a small read; a kept context is reset instead. Calls are serialised by a lock (in practice one
/// party uses one direction's keys at a time: the sender under its write lock, the receiver from its single read loop).
/// </summary>
public sealed record SymmetricKeys(byte[] SigningKey, byte[] EncryptingKey, byte[] InitializationVector) : IDisposable
{
    private readonly Lock _sync = new();
    private IncrementalHash? _hmac;
    private ICryptoTransform? _encryptor;
    private ICryptoTransform? _decryptor;
    private readonly byte[] _chain = new byte[SecurityPolicy.BlockSize];

    /// <summary>The HMAC hash of the policy that derived these keys.</summary>
    public HashAlgorithmName Hash { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>Writes the HMAC of <paramref name="data"/> into <paramref name="signature"/> (Part 6 §6.7.2.4).</summary>
    internal void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        lock (_sync)
        {
            _hmac ??= IncrementalHash.CreateHMAC(Hash, SigningKey);
            _hmac.AppendData(data);
            if (!_hmac.TryGetHashAndReset(signature, out _)) throw new ArgumentException("The signature buffer is too small.", nameof(signature));
        }
    }

    /// <summary>True when <paramref name="signature"/> is the HMAC of <paramref name="data"/>; compared in constant time.</summary>
    internal bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        Span<byte> expected = stackalloc byte[64];
        var length = Hash == HashAlgorithmName.SHA1 ? 20 : 32;
        Sign(data, expected[..length]);
        return signature.Length == length && CryptographicOperations.FixedTimeEquals(expected[..length], signature);
    }

    /// <summary>
    /// AES-CBC encryption in place of <paramref name="count"/> bytes (a whole number of blocks) at <paramref name="offset"/>, every
    /// chunk starting from the token's IV. The kept encryptor chains from the last ciphertext block it produced; XOR-ing that
    /// block and the IV into the first plaintext block makes its input to the cipher exactly plaintext ⊕ IV, as for a fresh start.
    /// </summary>
    internal void EncryptCbcInPlace(byte[] buffer, int offset, int count)
    {
        if (count == 0) return;
        lock (_sync)
        {
            _encryptor ??= NewTransform(encrypt: true);
            for (var i = 0; i < SecurityPolicy.BlockSize; i++) buffer[offset + i] ^= (byte)(_chain[i] ^ InitializationVector[i]);
            try
            {
                if (_encryptor.TransformBlock(buffer, offset, count, buffer, offset) != count) throw new CryptographicException("AES-CBC held back data.");
            }
            catch
            {
                Reset();
                throw;
            }
            buffer.AsSpan(offset + count - SecurityPolicy.BlockSize, SecurityPolicy.BlockSize).CopyTo(_chain);
        }
    }

    /// <summary>AES-CBC decryption in place from the token's IV; the kept decryptor's chaining is undone on the first block.</summary>
    internal void DecryptCbcInPlace(byte[] buffer, int offset, int count)
    {
        if (count == 0) return;
        Span<byte> last = stackalloc byte[SecurityPolicy.BlockSize];
        lock (_sync)
        {
            _decryptor ??= NewTransform(encrypt: false);
            buffer.AsSpan(offset + count - SecurityPolicy.BlockSize, SecurityPolicy.BlockSize).CopyTo(last);
            try
            {
                if (_decryptor.TransformBlock(buffer, offset, count, buffer, offset) != count) throw new CryptographicException("AES-CBC held back data.");
            }
            catch
            {
                Reset();
                throw;
            }
            for (var i = 0; i < SecurityPolicy.BlockSize; i++) buffer[offset + i] ^= (byte)(_decryptorChain[i] ^ InitializationVector[i]);
            last.CopyTo(_decryptorChain);
        }
    }

    private readonly byte[] _decryptorChain = new byte[SecurityPolicy.BlockSize];

    private ICryptoTransform NewTransform(bool encrypt)
    {
        using var aes = Aes.Create();
        aes.Mode = CipherMode.CBC;
        aes.Padding = PaddingMode.None;
        // A fresh transform starts chained from the IV itself.
        InitializationVector.CopyTo(encrypt ? _chain : _decryptorChain, 0);
        return encrypt ? aes.CreateEncryptor(EncryptingKey, InitializationVector) : aes.CreateDecryptor(EncryptingKey, InitializationVector);
    }

    /// <summary>Drops the AES contexts after a failure, so the next call starts again from the IV.</summary>
    private void Reset()
    {
        _encryptor?.Dispose();
        _decryptor?.Dispose();
        _encryptor = _decryptor = null;
    }

    /// <summary>Frees the contexts once the token is retired; a later use (a late response under it) creates them again.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            Reset();
            _hmac?.Dispose();
            _hmac = null;
        }
    }
}
