using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.SecureChannel;

/// <summary>
/// Signs, encrypts, verifies and decrypts chunks for one channel (Part 6 §6.7.2): OPN chunks with the certificates' RSA keys,
/// MSG and CLO chunks with the symmetric keys of their token. With SecurityPolicy None every chunk passes unchanged.
/// </summary>
public sealed partial class ChannelSecurity
{
    private readonly Dictionary<uint, TokenKeys> _tokens = [];
    private readonly Lock _sync = new();

    private ChannelSecurity(bool isServer, SecurityPolicy? policy, MessageSecurityMode mode, X509Certificate2? local, byte[]? remoteCertificate)
    {
        IsServer = isServer;
        Policy = policy;
        Mode = mode;
        LocalCertificate = local;
        LocalKey = local is null ? null : Security.CertificateKeys.PrivateKeyOf(local);
        RemoteCertificate = remoteCertificate;
        if (remoteCertificate is not null)
        {
            using var cert = X509CertificateLoader.LoadCertificate(remoteCertificate);
            RemoteKey = cert.GetRSAPublicKey() ?? throw new UaException(StatusCodes.BadCertificateInvalid, "The peer certificate has no RSA key.");
        }
        if (policy is not null && (LocalKey is null || RemoteKey is null)) throw new UaException(StatusCodes.BadSecurityChecksFailed, "A secure policy needs both certificates.");
    }

    public static ChannelSecurity None(bool isServer) => new(isServer, null, MessageSecurityMode.None, null, null);

    /// <summary>Security for a secure policy: our certificate with its private key, the peer's certificate.</summary>
    public static ChannelSecurity Create(bool isServer, SecurityPolicy policy, MessageSecurityMode mode, X509Certificate2 local, byte[] remoteCertificate) =>
        new(isServer, policy, mode, local, remoteCertificate);

    public bool IsServer { get; }
    public SecurityPolicy? Policy { get; }
    public MessageSecurityMode Mode { get; internal set; }
    public X509Certificate2? LocalCertificate { get; }
    public byte[]? RemoteCertificate { get; }
    private RSA? LocalKey { get; }
    private RSA? RemoteKey { get; }

    public string PolicyUri => Policy?.Uri ?? SecurityPolicies.None;

    /// <summary>The asymmetric security header this side sends in OPN chunks.</summary>
    public AsymmetricSecurityHeader SendHeader() => Policy is null
        ? new AsymmetricSecurityHeader(SecurityPolicies.None, null, null)
        : new AsymmetricSecurityHeader(Policy.Uri, LocalCertificate!.RawData, Thumbprint(RemoteCertificate!));

#pragma warning disable CA5350 // Part 6 §6.7.2.3 defines the receiver certificate thumbprint as SHA-1; it identifies, it does not protect.
    public static byte[] Thumbprint(byte[] certificate) => SHA1.HashData(certificate);
#pragma warning restore CA5350

    /// <summary>Derives and remembers the keys of a token from the two nonces (Part 6 §6.7.5).</summary>
    public void AddToken(uint tokenId, byte[] clientNonce, byte[] serverNonce)
    {
        if (Policy is null) return;
        if (clientNonce.Length != Policy.NonceLength || serverNonce.Length != Policy.NonceLength)
            throw new UaException(StatusCodes.BadNonceInvalid, $"Nonces must be {Policy.NonceLength} bytes.");
        var keys = new TokenKeys(tokenId, Policy.DeriveKeys(serverNonce, clientNonce), Policy.DeriveKeys(clientNonce, serverNonce));
        lock (_sync)
        {
            _tokens[tokenId] = keys;
            foreach (var old in _tokens.Keys.Where(k => k < tokenId - 1).ToList())
            {
                if (_tokens.Remove(old, out var retired))
                {
                    retired.Client.Dispose();
                    retired.Server.Dispose();
                }
            }
        }
    }

    /// <summary>True when chunks under <paramref name="tokenId"/> can still be protected (always with SecurityPolicy None).</summary>
    public bool HasKeys(uint tokenId)
    {
        if (Policy is null) return true;
        lock (_sync) return _tokens.ContainsKey(tokenId);
    }

    private TokenKeys Keys(uint tokenId)
    {
        lock (_sync)
            return _tokens.TryGetValue(tokenId, out var k) ? k : throw new UaException(StatusCodes.BadSecureChannelTokenUnknown, $"No keys for token {tokenId}.");
    }

    /// <summary>The most body bytes one chunk can carry once padding and signature are added.</summary>
    public int MaxBodySize(int chunkSize, int headerLength, bool asymmetric)
    {
        if (Policy is null) return chunkSize - headerLength - 8;
        if (asymmetric)
        {
            var cipherBlock = RemoteKey!.KeySize / 8;
            var plainBlock = cipherBlock - Policy.OaepOverhead;
            var blocks = (chunkSize - headerLength) / cipherBlock;
            return blocks * plainBlock - 8 - LocalKey!.KeySize / 8 - (cipherBlock > 256 ? 2 : 1);
        }
        if (Mode == MessageSecurityMode.Sign) return chunkSize - headerLength - 8 - Policy.SymmetricSignatureSize;
        return (chunkSize - headerLength) / SecurityPolicy.BlockSize * SecurityPolicy.BlockSize - 8 - Policy.SymmetricSignatureSize - 1;
    }

    /// <summary>The length of the unencrypted headers of a chunk: 16 for MSG/CLO, 12 plus the asymmetric header for OPN.</summary>
    public static int HeaderLength(ReadOnlySpan<byte> chunk, MessageType type)
    {
        if (type != MessageType.OpenChannel) return 16;
        var d = new BinaryDecoder(chunk[12..].ToArray());
        d.ReadString(); d.ReadByteString(); d.ReadByteString();
        return 12 + d.Position;
    }

    private static void WriteSize(Span<byte> chunk, int size) => BinaryPrimitives.WriteUInt32LittleEndian(chunk[4..], (uint)size);
}
