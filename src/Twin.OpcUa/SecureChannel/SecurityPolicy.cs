using System.Security.Cryptography;

namespace Twin.OpcUa.SecureChannel;

/// <summary>
/// The algorithms and key sizes of one security policy (Part 7 security policy facets, Part 6 §6.7.5). The SHA-1 policies
/// (Basic128Rsa15, Basic256) are implemented but deprecated: a server or client uses them only when they are listed explicitly.
/// <c>OaepOverhead</c> is what the asymmetric padding takes from each RSA block: 42 bytes for OAEP-SHA1, 66 for OAEP-SHA256,
/// 11 for PKCS#1 v1.5.
/// </summary>
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

    /// <summary>The hash of asymmetric signatures, of HMAC chunk signatures and of the P_hash key derivation.</summary>
    public HashAlgorithmName Hash { get; init; } = HashAlgorithmName.SHA256;

    /// <summary>The length of an HMAC chunk signature: the hash length.</summary>
    public int SymmetricSignatureSize => Hash == HashAlgorithmName.SHA1 ? 20 : 32;

    /// <summary>The secure channel nonce length (Part 7: 16 bytes for Basic128Rsa15, 32 otherwise).</summary>
    public int NonceLength { get; init; } = 32;

    /// <summary>True for the SHA-1 policies, which Part 7 deprecates.</summary>
    public bool IsDeprecated => Hash == HashAlgorithmName.SHA1;

    private const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
    private const string RsaSha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    private const string RsaOaep = "http://www.w3.org/2001/04/xmlenc#rsa-oaep";

    public static SecurityPolicy Basic256Sha256 { get; } = new(SecurityPolicies.Basic256Sha256, 32, 32, RSAEncryptionPadding.OaepSHA1, 42, RSASignaturePadding.Pkcs1, RsaSha256, RsaOaep);

    public static SecurityPolicy Aes128Sha256RsaOaep { get; } = new(SecurityPolicies.Aes128Sha256RsaOaep, 32, 16, RSAEncryptionPadding.OaepSHA1, 42, RSASignaturePadding.Pkcs1, RsaSha256, RsaOaep);

    public static SecurityPolicy Aes256Sha256RsaPss { get; } = new(SecurityPolicies.Aes256Sha256RsaPss, 32, 32, RSAEncryptionPadding.OaepSHA256, 66, RSASignaturePadding.Pss,
        "http://opcfoundation.org/UA/security/rsa-pss-sha2-256", "http://opcfoundation.org/UA/security/rsa-oaep-sha2-256");

    /// <summary>Part 7 Basic256 (deprecated): RSA-OAEP-SHA1 key wrap, RSA-SHA1 signatures, HMAC-SHA1, P_SHA1, AES-256-CBC, 24-byte signing keys.</summary>
    public static SecurityPolicy Basic256 { get; } = new(SecurityPolicies.Basic256, 24, 32, RSAEncryptionPadding.OaepSHA1, 42, RSASignaturePadding.Pkcs1, RsaSha1, RsaOaep)
    {
        Hash = HashAlgorithmName.SHA1,
    };

    /// <summary>Part 7 Basic128Rsa15 (deprecated): RSA-PKCS#1 v1.5 key wrap, RSA-SHA1 signatures, HMAC-SHA1, P_SHA1, AES-128-CBC, 16-byte nonces.</summary>
    public static SecurityPolicy Basic128Rsa15 { get; } = new(SecurityPolicies.Basic128Rsa15, 16, 16, RSAEncryptionPadding.Pkcs1, 11, RSASignaturePadding.Pkcs1, RsaSha1,
        "http://www.w3.org/2001/04/xmlenc#rsa-1_5")
    {
        Hash = HashAlgorithmName.SHA1, NonceLength = 16,
    };

    /// <summary>The secure policies this stack implements, most secure first.</summary>
    public static IReadOnlyList<SecurityPolicy> All { get; } = [Aes256Sha256RsaPss, Aes128Sha256RsaOaep, Basic256Sha256, Basic256, Basic128Rsa15];

    public static SecurityPolicy? Find(string? uri) => All.FirstOrDefault(p => p.Uri == uri);

    /// <summary>Signs with RSA and the policy's hash (PKCS#1 v1.5 or PSS as the policy says).</summary>
    public byte[] Sign(RSA key, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.SignData(data.ToArray(), Hash, AsymmetricSignature);
    }

    public bool Verify(RSA key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.VerifyData(data, signature, Hash, AsymmetricSignature);
    }

    /// <summary>The HMAC of a chunk with the policy's hash (Part 6 §6.7.2.4).</summary>
    public byte[] SymmetricSign(byte[] key, ReadOnlySpan<byte> data) =>
#pragma warning disable CA5350 // HMAC-SHA1 is what the deprecated policies define; they are used only when explicitly enabled.
        Hash == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);
#pragma warning restore CA5350

    /// <summary>P_SHA256 or P_SHA1 of RFC 5246 §5: the key material for one direction of a channel (Part 6 §6.7.5).</summary>
    public SymmetricKeys DeriveKeys(byte[] secret, byte[] seed)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(seed);
        var length = SigningKeyLength + EncryptionKeyLength + BlockSize;
        var output = new byte[length];
        var a = SymmetricSign(secret, seed);
        for (var at = 0; at < length; at += a.Length)
        {
            var block = SymmetricSign(secret, [.. a, .. seed]);
            block.AsSpan(0, Math.Min(block.Length, length - at)).CopyTo(output.AsSpan(at));
            a = SymmetricSign(secret, a);
        }
        return new SymmetricKeys(output[..SigningKeyLength], output[SigningKeyLength..(SigningKeyLength + EncryptionKeyLength)], output[(SigningKeyLength + EncryptionKeyLength)..]) { Hash = Hash };
    }
}

/// <summary>The key sets of one security token: what the client sends with and what the server sends with.</summary>
public sealed record TokenKeys(uint TokenId, SymmetricKeys Client, SymmetricKeys Server);
