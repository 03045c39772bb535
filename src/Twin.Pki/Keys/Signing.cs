using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Security;

namespace Twin.Pki.Keys;

/// <summary>The one place that maps a key algorithm to the signature algorithm PlantTrust uses with it.</summary>
internal static class Signing
{
    internal static string SignatureAlgorithmName(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => "SHA256WITHECDSA",
        KeyAlgorithm.EcdsaP384 => "SHA384WITHECDSA",
        KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => "SHA256WITHRSA",
        KeyAlgorithm.MlDsa44 => "ML-DSA-44",
        KeyAlgorithm.MlDsa65 => "ML-DSA-65",
        KeyAlgorithm.MlDsa87 => "ML-DSA-87",
        _ => throw new UnsupportedAlgorithmException($"No signature algorithm for {algorithm}."),
    };

    internal static ISignatureFactory Factory(KeyPair key, PkiRandom random) =>
        new Asn1SignatureFactory(SignatureAlgorithmName(key.Algorithm), key.Private, random.Random);

    /// <summary>A factory for any signing key: software keys sign in place, others are asked to sign the buffered message.</summary>
    internal static ISignatureFactory Factory(ISigningKey key, PkiRandom random) => key switch
    {
        KeyPair pair => Factory(pair, random),
        _ => new DelegatingSignatureFactory(key),
    };

    /// <summary>Signs with a software key, the way <see cref="ISigningKey.Sign"/> promises.</summary>
    internal static byte[] Sign(KeyPair key, ReadOnlySpan<byte> data, PkiRandom random)
    {
        var signer = SignerUtilities.GetSigner(SignatureAlgorithmName(key.Algorithm));
        signer.Init(true, new Org.BouncyCastle.Crypto.Parameters.ParametersWithRandom(key.Private, random.Random));
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    /// <summary>
    /// Signs without drawing randomness: ECDSA with k derived from the key and message (RFC 6979 §3.2), ML-DSA in its
    /// deterministic variant (FIPS 204 §3.4), RSA PKCS#1 v1.5 as always. What a simulated secure element uses, so that a
    /// seeded run repeats; every verifier accepts these signatures as any other.
    /// </summary>
    internal static byte[] SignDeterministic(KeyPair key, ReadOnlySpan<byte> data)
    {
        ISigner signer = key.Algorithm switch
        {
            KeyAlgorithm.EcdsaP256 => new Org.BouncyCastle.Crypto.Signers.DsaDigestSigner(
                new Org.BouncyCastle.Crypto.Signers.ECDsaSigner(new Org.BouncyCastle.Crypto.Signers.HMacDsaKCalculator(new Org.BouncyCastle.Crypto.Digests.Sha256Digest())),
                new Org.BouncyCastle.Crypto.Digests.Sha256Digest()),
            KeyAlgorithm.EcdsaP384 => new Org.BouncyCastle.Crypto.Signers.DsaDigestSigner(
                new Org.BouncyCastle.Crypto.Signers.ECDsaSigner(new Org.BouncyCastle.Crypto.Signers.HMacDsaKCalculator(new Org.BouncyCastle.Crypto.Digests.Sha384Digest())),
                new Org.BouncyCastle.Crypto.Digests.Sha384Digest()),
            KeyAlgorithm.MlDsa44 or KeyAlgorithm.MlDsa65 or KeyAlgorithm.MlDsa87 =>
                new Org.BouncyCastle.Crypto.Signers.MLDsaSigner(((Org.BouncyCastle.Crypto.Parameters.MLDsaPrivateKeyParameters)key.Private).Parameters, deterministic: true),
            _ => SignerUtilities.GetSigner(SignatureAlgorithmName(key.Algorithm)),
        };
        signer.Init(true, key.Private);
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }

    internal static AlgorithmIdentifier AlgorithmIdentifier(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha256),
        KeyAlgorithm.EcdsaP384 => new AlgorithmIdentifier(X9ObjectIdentifiers.ECDsaWithSha384),
        // RFC 4055 §5: sha256WithRSAEncryption carries NULL parameters.
        KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => new AlgorithmIdentifier(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance),
        KeyAlgorithm.MlDsa44 => new AlgorithmIdentifier(NistObjectIdentifiers.id_ml_dsa_44),
        KeyAlgorithm.MlDsa65 => new AlgorithmIdentifier(NistObjectIdentifiers.id_ml_dsa_65),
        KeyAlgorithm.MlDsa87 => new AlgorithmIdentifier(NistObjectIdentifiers.id_ml_dsa_87),
        _ => throw new UnsupportedAlgorithmException($"No signature algorithm for {algorithm}."),
    };

    private sealed class DelegatingSignatureFactory(ISigningKey key) : ISignatureFactory
    {
        public object AlgorithmDetails { get; } = AlgorithmIdentifier(key.Algorithm);

        public IStreamCalculator<IBlockResult> CreateCalculator() => new Calculator(key);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BouncyCastle drops calculators without disposing them; a MemoryStream holds no unmanaged resource.")]
    private sealed class Calculator(ISigningKey key) : IStreamCalculator<IBlockResult>
    {
        private readonly MemoryStream _buffer = new();

        public Stream Stream => _buffer;

        public IBlockResult GetResult() => new SimpleBlockResult(key.Sign(_buffer.ToArray()));
    }
}
