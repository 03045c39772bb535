namespace Twin.Pki.Keys;

/// <summary>The key algorithms PlantTrust can generate, store and sign with.</summary>
public enum KeyAlgorithm
{
    /// <summary>ECDSA over NIST P-256 with SHA-256.</summary>
    EcdsaP256,
    /// <summary>ECDSA over NIST P-384 with SHA-384.</summary>
    EcdsaP384,
    /// <summary>RSA 2048-bit, PKCS#1 v1.5 signatures with SHA-256.</summary>
    Rsa2048,
    /// <summary>RSA 3072-bit, PKCS#1 v1.5 signatures with SHA-256.</summary>
    Rsa3072,
    /// <summary>RSA 4096-bit, PKCS#1 v1.5 signatures with SHA-256.</summary>
    Rsa4096,
    /// <summary>ML-DSA-44 (FIPS 204).</summary>
    MlDsa44,
    /// <summary>ML-DSA-65 (FIPS 204).</summary>
    MlDsa65,
    /// <summary>RSA 1024-bit: only to read and verify legacy certificates (NIST PKITS); never generated or used to sign.</summary>
    Rsa1024,
    /// <summary>ML-DSA-87 (FIPS 204), NIST security category 5.</summary>
    MlDsa87,
}
