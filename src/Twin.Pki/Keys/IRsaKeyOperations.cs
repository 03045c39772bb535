using System.Security.Cryptography;

namespace Twin.Pki.Keys;

/// <summary>
/// The private RSA operations a protocol such as OPC UA needs beyond <see cref="ISigningKey.Sign"/>: a signature over a
/// digest with a chosen padding (PKCS#1 v1.5 or PSS) and a decryption (OAEP-SHA1, OAEP-SHA256, PKCS#1 v1.5).
/// A key store offers them on keys it never lets out; <see cref="KeyStoreRsa"/> turns them into an <see cref="RSA"/>.
/// </summary>
public interface IRsaKeyOperations : ISigningKey
{
    /// <summary>Signs the digest <paramref name="hash"/> made with <paramref name="hashAlgorithm"/>.</summary>
    byte[] SignHash(ReadOnlySpan<byte> hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding);

    /// <summary>Decrypts one RSA block.</summary>
    byte[] Decrypt(ReadOnlySpan<byte> data, RSAEncryptionPadding padding);
}

/// <summary>
/// An <see cref="RSA"/> whose private operations run inside a key store: what an API that speaks
/// <see cref="RSA"/> (X509Certificate2, the OPC UA secure channel) gets instead of the key. Its private parameters cannot be exported.
/// </summary>
public sealed class KeyStoreRsa : RSA
{
    private readonly IRsaKeyOperations _key;
    private readonly RSAParameters _public;

    /// <summary>Wraps <paramref name="key"/>, which must be an RSA key.</summary>
    public KeyStoreRsa(IRsaKeyOperations key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Algorithm is not (KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096))
            throw new UnsupportedAlgorithmException($"A {key.Algorithm} key has no RSA operations.");
        _key = key;
        using var publicOnly = Create();
        publicOnly.ImportSubjectPublicKeyInfo(key.PublicKey.SubjectPublicKeyInfo, out _);
        _public = publicOnly.ExportParameters(false);
        KeySizeValue = _public.Modulus!.Length * 8;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    /// <summary>The public parameters; asking for the private ones is refused, as the store keeps them.</summary>
    public override RSAParameters ExportParameters(bool includePrivateParameters) =>
        includePrivateParameters
            ? throw new CryptographicException("The private key is held in a non-exportable key store.")
            : _public;

    /// <summary>Refused: the key lives in its store.</summary>
    public override void ImportParameters(RSAParameters parameters) =>
        throw new CryptographicException("A key-store RSA key cannot be replaced.");

    /// <inheritdoc />
    public override byte[] SignHash(byte[] hash, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentNullException.ThrowIfNull(padding);
        return _key.SignHash(hash, hashAlgorithm, padding);
    }

    /// <inheritdoc />
    public override bool VerifyHash(byte[] hash, byte[] signature, HashAlgorithmName hashAlgorithm, RSASignaturePadding padding)
    {
        using var verifier = Create(_public);
        return verifier.VerifyHash(hash, signature, hashAlgorithm, padding);
    }

    /// <inheritdoc />
    public override byte[] Decrypt(byte[] data, RSAEncryptionPadding padding)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(padding);
        return _key.Decrypt(data, padding);
    }

    /// <inheritdoc />
    public override byte[] Encrypt(byte[] data, RSAEncryptionPadding padding)
    {
        using var encryptor = Create(_public);
        return encryptor.Encrypt(data, padding);
    }

    /// <inheritdoc />
    /// <summary>A fresh RSA over the same store-held key (the stack disposes the RSA objects it is handed).</summary>
    public KeyStoreRsa Reopen() => new(_key);

    public override string ToString() => $"KeyStoreRsa({_key})";
}
