using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.Sec;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace Twin.Pki.Keys;

/// <summary>Generates key pairs for every <see cref="KeyAlgorithm"/>.</summary>
public static class KeyGenerator
{
    private static readonly BigInteger RsaPublicExponent = BigInteger.ValueOf(65537);

    /// <summary>Generates a new key pair from <paramref name="random"/> (the system CSPRNG when null).</summary>
    public static KeyPair Generate(KeyAlgorithm algorithm, PkiRandom? random = null)
    {
        var rng = (random ?? PkiRandom.System).Random;
        IAsymmetricCipherKeyPairGenerator generator;
        switch (algorithm)
        {
            case KeyAlgorithm.EcdsaP256:
            case KeyAlgorithm.EcdsaP384:
                generator = new ECKeyPairGenerator("EC");
                var curve = algorithm == KeyAlgorithm.EcdsaP256 ? SecObjectIdentifiers.SecP256r1 : SecObjectIdentifiers.SecP384r1;
                generator.Init(new ECKeyGenerationParameters(curve, rng));
                break;
            case KeyAlgorithm.Rsa2048:
            case KeyAlgorithm.Rsa3072:
            case KeyAlgorithm.Rsa4096:
                generator = new RsaKeyPairGenerator();
                generator.Init(new RsaKeyGenerationParameters(RsaPublicExponent, rng, RsaBits(algorithm), 100));
                break;
            case KeyAlgorithm.MlDsa44:
            case KeyAlgorithm.MlDsa65:
            case KeyAlgorithm.MlDsa87:
                generator = new MLDsaKeyPairGenerator();
                generator.Init(new MLDsaKeyGenerationParameters(rng, MlDsaParameters(algorithm)));
                break;
            default:
                throw new UnsupportedAlgorithmException($"Key algorithm {algorithm} is not supported.");
        }
        var pair = generator.GenerateKeyPair();
        return new KeyPair(algorithm, pair.Public, pair.Private);
    }

    internal static int RsaBits(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.Rsa2048 => 2048,
        KeyAlgorithm.Rsa3072 => 3072,
        KeyAlgorithm.Rsa4096 => 4096,
        _ => throw new UnsupportedAlgorithmException($"{algorithm} is not an RSA algorithm."),
    };

    internal static MLDsaParameters MlDsaParameters(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.MlDsa44 => MLDsaParameters.ml_dsa_44,
        KeyAlgorithm.MlDsa65 => MLDsaParameters.ml_dsa_65,
        KeyAlgorithm.MlDsa87 => MLDsaParameters.ml_dsa_87,
        _ => throw new UnsupportedAlgorithmException($"{algorithm} is not an ML-DSA algorithm."),
    };

    internal static KeyAlgorithm AlgorithmOf(AsymmetricKeyParameter key) => key switch
    {
        ECPublicKeyParameters ec => CurveAlgorithm(ec.Parameters),
        ECPrivateKeyParameters ec => CurveAlgorithm(ec.Parameters),
        RsaKeyParameters rsa => rsa.Modulus.BitLength switch
        {
            1024 => KeyAlgorithm.Rsa1024,
            2048 => KeyAlgorithm.Rsa2048,
            3072 => KeyAlgorithm.Rsa3072,
            4096 => KeyAlgorithm.Rsa4096,
            var bits => throw new UnsupportedAlgorithmException($"RSA key of {bits} bits is not supported (2048, 3072 or 4096)."),
        },
        MLDsaKeyParameters ml when ml.Parameters == MLDsaParameters.ml_dsa_44 => KeyAlgorithm.MlDsa44,
        MLDsaKeyParameters ml when ml.Parameters == MLDsaParameters.ml_dsa_65 => KeyAlgorithm.MlDsa65,
        MLDsaKeyParameters ml when ml.Parameters == MLDsaParameters.ml_dsa_87 => KeyAlgorithm.MlDsa87,
        MLDsaKeyParameters ml => throw new UnsupportedAlgorithmException($"ML-DSA parameter set {ml.Parameters.Name} is not supported (the pure ML-DSA-44, -65 and -87 are)."),
        _ => throw new UnsupportedAlgorithmException($"Key type {key.GetType().Name} is not supported."),
    };

    private static KeyAlgorithm CurveAlgorithm(ECDomainParameters parameters)
    {
        var p256 = ECNamedCurveTable.GetByOid(SecObjectIdentifiers.SecP256r1);
        var p384 = ECNamedCurveTable.GetByOid(SecObjectIdentifiers.SecP384r1);
        if (parameters.Curve.Equals(p256.Curve)) return KeyAlgorithm.EcdsaP256;
        if (parameters.Curve.Equals(p384.Curve)) return KeyAlgorithm.EcdsaP384;
        throw new UnsupportedAlgorithmException("Elliptic curve is not supported (P-256 or P-384).");
    }

    internal static AsymmetricKeyParameter DerivePublic(AsymmetricKeyParameter privateKey, PrivateKeyInfo info)
    {
        _ = info;
        return privateKey switch
        {
            ECPrivateKeyParameters ec => new ECPublicKeyParameters(ec.AlgorithmName, ec.Parameters.G.Multiply(ec.D).Normalize(), ec.PublicKeyParamSet ?? throw new UnsupportedAlgorithmException("EC key without a named curve is not supported.")),
            RsaPrivateCrtKeyParameters rsa => new RsaKeyParameters(false, rsa.Modulus, rsa.PublicExponent),
            MLDsaPrivateKeyParameters ml => ml.GetPublicKey(),
            _ => throw new UnsupportedAlgorithmException($"Private key type {privateKey.GetType().Name} is not supported."),
        };
    }
}
