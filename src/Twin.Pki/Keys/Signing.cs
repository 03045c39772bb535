using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Operators;

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
        _ => throw new UnsupportedAlgorithmException($"No signature algorithm for {algorithm}."),
    };

    internal static ISignatureFactory Factory(KeyPair key, PkiRandom random) =>
        new Asn1SignatureFactory(SignatureAlgorithmName(key.Algorithm), key.Private, random.Random);
}
