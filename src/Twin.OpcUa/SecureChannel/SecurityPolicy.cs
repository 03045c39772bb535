using System.Security.Cryptography;

namespace Twin.OpcUa.SecureChannel;

/// <summary>The algorithms and key sizes of one security policy (Part 7 security policy facets, Part 6 §6.7.5).</summary>
public sealed record SecurityPolicy(
    string Uri,
    int SigningKeyLength,
    int EncryptionKeyLength,
    RSAEncryptionPadding AsymmetricEncryption,
    int OaepOverhead,
    RSASignaturePadding AsymmetricSignature,
    string AsymmetricSignatureUri,
    string AsymmetricEncryptionUri)
{
    public const int BlockSize = 16;
    public const int SymmetricSignatureSize = 32;
    public const int NonceLength = 32;

    public static SecurityPolicy Basic256Sha256 { get; } = new(SecurityPolicies.Basic256Sha256, 32, 32, RSAEncryptionPadding.OaepSHA1, 42, RSASignaturePadding.Pkcs1,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmlenc#rsa-oaep");

    public static SecurityPolicy Aes128Sha256RsaOaep { get; } = new(SecurityPolicies.Aes128Sha256RsaOaep, 32, 16, RSAEncryptionPadding.OaepSHA1, 42, RSASignaturePadding.Pkcs1,
        "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "http://www.w3.org/2001/04/xmlenc#rsa-oaep");

    public static SecurityPolicy Aes256Sha256RsaPss { get; } = new(SecurityPolicies.Aes256Sha256RsaPss, 32, 32, RSAEncryptionPadding.OaepSHA256, 66, RSASignaturePadding.Pss,
        "http://opcfoundation.org/UA/security/rsa-pss-sha2-256", "http://opcfoundation.org/UA/security/rsa-oaep-sha2-256");

    /// <summary>The secure policies this stack implements, most secure first.</summary>
    public static IReadOnlyList<SecurityPolicy> All { get; } = [Aes256Sha256RsaPss, Aes128Sha256RsaOaep, Basic256Sha256];

    public static SecurityPolicy? Find(string? uri) => All.FirstOrDefault(p => p.Uri == uri);

    /// <summary>Signs with RSA-SHA256 (PKCS#1 v1.5 or PSS as the policy says).</summary>
    public byte[] Sign(RSA key, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData(data.ToArray(), HashAlgorithmName.SHA256, AsymmetricSignature);
    }

    public bool Verify(RSA key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, AsymmetricSignature);
    }

    /// <summary>P_SHA256 of RFC 5246 §5: the key material for one direction of a channel (Part 6 §6.7.5).</summary>
    public SymmetricKeys DeriveKeys(byte[] secret, byte[] seed)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(seed);
        var length = SigningKeyLength + EncryptionKeyLength + BlockSize;
        var output = new byte[length];
        var a = HMACSHA256.HashData(secret, seed);
        for (var at = 0; at < length; at += 32)
        {
            var block = HMACSHA256.HashData(secret, a.Concat(seed).ToArray());
            block.AsSpan(0, Math.Min(32, length - at)).CopyTo(output.AsSpan(at));
            a = HMACSHA256.HashData(secret, a);
        }
        return new SymmetricKeys(output[..SigningKeyLength], output[SigningKeyLength..(SigningKeyLength + EncryptionKeyLength)], output[(SigningKeyLength + EncryptionKeyLength)..]);
    }
}

/// <summary>The signing key, encryption key and IV one side uses to send (Part 6 §6.7.5).</summary>
public sealed record SymmetricKeys(byte[] SigningKey, byte[] EncryptingKey, byte[] InitializationVector);

/// <summary>The key sets of one security token: what the client sends with and what the server sends with.</summary>
public sealed record TokenKeys(uint TokenId, SymmetricKeys Client, SymmetricKeys Server);
