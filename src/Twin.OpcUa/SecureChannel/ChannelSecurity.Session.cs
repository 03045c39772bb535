using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.SecureChannel;

public sealed partial class ChannelSecurity
{
    /// <summary>Signs with this side's certificate key under the channel's policy (session signatures, Part 4 §7.37).</summary>
    public byte[] SignWithCertificate(byte[] data) => Policy!.Sign(LocalKey!, data);

    public bool VerifyWithRemoteCertificate(byte[] data, byte[] signature) => Policy!.Verify(RemoteKey!, data, signature);

    /// <summary>
    /// Encrypts a UserName token password for a server (Part 4 §7.41.4, Table 193): length, password, server nonce, RSA-encrypted
    /// with the server certificate under <paramref name="policy"/>, which may differ from the channel's.
    /// </summary>
    public static UserNameIdentityToken EncryptPassword(SecurityPolicy policy, byte[] serverCertificate, string? policyId, string userName, string password, byte[] serverNonce)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(serverNonce);
        using var cert = X509CertificateLoader.LoadCertificate(serverCertificate);
        using var key = cert.GetRSAPublicKey() ?? throw new UaException(StatusCodes.BadCertificateInvalid, "The server certificate has no RSA key.");
        var secret = System.Text.Encoding.UTF8.GetBytes(password);
        var plain = new byte[4 + secret.Length + serverNonce.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(plain, (uint)(secret.Length + serverNonce.Length));
        secret.CopyTo(plain, 4);
        serverNonce.CopyTo(plain, 4 + secret.Length);
        var block = key.KeySize / 8 - policy.OaepOverhead;
        var cipher = new List<byte>();
        for (var at = 0; at < plain.Length; at += block)
            cipher.AddRange(key.Encrypt(plain.AsSpan(at, Math.Min(block, plain.Length - at)).ToArray(), policy.AsymmetricEncryption));
        return new UserNameIdentityToken { PolicyId = policyId, UserName = userName, Password = [.. cipher], EncryptionAlgorithm = policy.AsymmetricEncryptionUri };
    }

    /// <summary>Decrypts a UserName token password and checks it ends with the nonce the server last issued (Part 4 §7.41.4).</summary>
    public static byte[] DecryptPassword(SecurityPolicy policy, X509Certificate2 serverCertificate, UserNameIdentityToken token, byte[] serverNonce)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(serverCertificate);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(serverNonce);
        if (token.EncryptionAlgorithm != policy.AsymmetricEncryptionUri)
            throw new UaException(StatusCodes.BadIdentityTokenInvalid, $"Password encryption {token.EncryptionAlgorithm} does not match policy {policy.Uri}.");
        using var key = Security.CertificateKeys.PrivateKeyOf(serverCertificate) ?? throw new UaException(StatusCodes.BadConfigurationError, "The server certificate has no private key.");
        var cipher = token.Password ?? [];
        var blockSize = key.KeySize / 8;
        if (cipher.Length == 0 || cipher.Length % blockSize != 0) throw new UaException(StatusCodes.BadIdentityTokenInvalid, "The encrypted password has a bad length.");
        var plain = new List<byte>();
        try
        {
            for (var at = 0; at < cipher.Length; at += blockSize)
                plain.AddRange(key.Decrypt(cipher.AsSpan(at, blockSize).ToArray(), policy.AsymmetricEncryption));
        }
        catch (CryptographicException) { throw new UaException(StatusCodes.BadIdentityTokenInvalid, "The password does not decrypt."); }
        var bytes = plain.ToArray();
        var length = bytes.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : uint.MaxValue;
        if (length != bytes.Length - 4 || length < serverNonce.Length || !bytes.AsSpan(bytes.Length - serverNonce.Length).SequenceEqual(serverNonce))
            throw new UaException(StatusCodes.BadIdentityTokenInvalid, "The password is not bound to the current server nonce.");
        return bytes[4..^serverNonce.Length];
    }
}
