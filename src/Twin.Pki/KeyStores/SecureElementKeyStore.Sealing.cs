using System.Security.Cryptography;
using Twin.Pki.Keys;

namespace Twin.Pki.KeyStores;

/// <summary>Sealed key blobs (the element's storage hierarchy) and the keys it holds.</summary>
public sealed partial class SecureElementKeyStore
{
    /// <summary>Length of the storage seed in bytes.</summary>
    public const int StorageSeedLength = 32;

    private const byte SealedVersion = 1;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    /// <summary>
    /// The key under <paramref name="label"/> wrapped (AES-256-GCM, bound to the label) under the element's storage key, as TPM2_Create
    /// returns a private blob: only an element with the same storage seed can load it, and nothing outside reads the key from it.
    /// </summary>
    public byte[] ExportSealed(string label)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        SealedKey key;
        lock (_gate)
            key = _keys.GetValueOrDefault(label) ?? throw new PolicyViolationException($"Secure element '{Name}': no key '{label}'.");
        var plain = key.Inner.ExportPkcs8();
        try
        {
            var blob = new byte[1 + NonceLength + TagLength + plain.Length];
            blob[0] = SealedVersion;
            var nonce = blob.AsSpan(1, NonceLength);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(_storageKey, TagLength);
            aes.Encrypt(nonce, plain, blob.AsSpan(1 + NonceLength + TagLength), blob.AsSpan(1 + NonceLength, TagLength), System.Text.Encoding.UTF8.GetBytes(label));
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Loads a blob made by <see cref="ExportSealed"/> of this element (or one with the same seed) under <paramref name="label"/>; a key already loaded under that label is returned as is.</summary>
    public ISigningKey LoadSealed(string label, ReadOnlySpan<byte> blob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        lock (_gate)
            if (_keys.TryGetValue(label, out var loaded)) return loaded;
        if (blob.Length <= 1 + NonceLength + TagLength || blob[0] != SealedVersion)
            throw new PkiFormatException($"Secure element '{Name}': the sealed blob for '{label}' is not a version {SealedVersion} blob of this element ({blob.Length} bytes).");
        var plain = new byte[blob.Length - 1 - NonceLength - TagLength];
        try
        {
            using (var aes = new AesGcm(_storageKey, TagLength))
                aes.Decrypt(blob.Slice(1, NonceLength), blob[(1 + NonceLength + TagLength)..], blob.Slice(1 + NonceLength, TagLength), plain, System.Text.Encoding.UTF8.GetBytes(label));
            var key = new SealedKey(this, label, KeyPair.ImportPkcs8(plain));
            lock (_gate)
                return _keys.TryAdd(label, key) ? key : _keys[label];
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new PolicyViolationException($"Secure element '{Name}': the blob for '{label}' was not sealed by this element (or was altered).");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    // Not a KeyPair, so no cast reaches ExportPkcs8.
    private sealed class SealedKey(SecureElementKeyStore owner, string label, KeyPair inner) : IRsaKeyOperations
    {
        internal volatile bool Destroyed;
        private RSA? _rsa;

        internal KeyPair Inner => inner;

        public KeyAlgorithm Algorithm => inner.Algorithm;

        public PublicKey PublicKey => inner.PublicKey;

        // Deterministic signatures (RFC 6979 for ECDSA): a seeded run of the twin repeats with keys in the element too.
        public byte[] Sign(ReadOnlySpan<byte> data)
        {
            Use();
            return Signing.SignDeterministic(inner, data);
        }

        public byte[] SignHash(ReadOnlySpan<byte> hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
        {
            Use();
            var rsa = Rsa();
            lock (rsa) return rsa.SignHash(hash.ToArray(), hashAlgorithm, padding);
        }

        public byte[] Decrypt(ReadOnlySpan<byte> data, RSAEncryptionPadding padding)
        {
            Use();
            var rsa = Rsa();
            lock (rsa) return rsa.Decrypt(data.ToArray(), padding);
        }

        private void Use()
        {
            if (Destroyed) throw new PolicyViolationException($"Secure element '{owner.Name}': key '{label}' was destroyed.");
            Interlocked.Increment(ref owner._signatures);
        }

        // The element's own RSA engine for the padded operations: built once inside the element, never handed out.
        private RSA Rsa()
        {
            if (_rsa is { } ready) return ready;
            if (inner.Algorithm is not (KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096))
                throw new UnsupportedAlgorithmException($"Secure element '{owner.Name}': key '{label}' is {inner.Algorithm}, not RSA.");
            var rsa = RSA.Create();
            var pkcs8 = inner.ExportPkcs8();
            try
            {
                rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pkcs8);
            }
            return Interlocked.CompareExchange(ref _rsa, rsa, null) ?? rsa;
        }

        public override string ToString() => $"SealedKey({owner.Name}/{label}, {Algorithm}, non-exportable)";
    }
}
