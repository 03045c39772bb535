using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;

namespace Twin.Pki.Cmp;

/// <summary>
/// The key a MAC-protected CMP message verified with — PasswordBasedMac's BASEKEY (RFC 4210 §5.1.3.1) or PBMAC1's PBKDF2 output
/// (RFC 9481 §6.1.1) — bound to the protectionAlg it was derived under. RFC 4210 §5.1.3.1 recommends that the PBMParameter stay
/// constant through the messages of one transaction to save the derivation: a registrar keeps this key with the transaction and
/// protects its answers with it (<see cref="CmpProtector.MacWith"/>) instead of deriving a key for a fresh salt. It is as secret as
/// the shared secret: never written anywhere, and its text form withholds it.
/// </summary>
public sealed class CmpMacKey
{
    private readonly byte[] _key;
    private readonly Func<byte[], byte[], byte[]> _mac;
    private readonly byte[] _algorithmDer;

    internal CmpMacKey(AlgorithmIdentifier algorithm, byte[] key, Func<byte[], byte[], byte[]> mac)
    {
        Algorithm = algorithm;
        _algorithmDer = algorithm.GetEncoded(Asn1Encodable.Der);
        _key = key;
        _mac = mac;
    }

    /// <summary>The protectionAlg (with its salt, one-way function or PRF, iteration count and MAC) the key was derived under.</summary>
    internal AlgorithmIdentifier Algorithm { get; }

    /// <summary>True when <paramref name="algorithm"/> is, byte for byte, the protectionAlg this key was derived under.</summary>
    internal bool Fits(AlgorithmIdentifier? algorithm) =>
        algorithm is not null && CryptographicOperations.FixedTimeEquals(algorithm.GetEncoded(Asn1Encodable.Der), _algorithmDer);

    internal byte[] Mac(byte[] data) => _mac(_key, data);

    /// <inheritdoc />
    public override string ToString() => "CmpMacKey(withheld)";
}
