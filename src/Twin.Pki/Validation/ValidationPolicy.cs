namespace Twin.Pki.Validation;

/// <summary>How strictly revocation is checked for certificates from one issuer (OPC 10000-4 §6.1.3: revocation unknown may be suppressed).</summary>
public enum RevocationMode
{
    /// <summary>A current CRL must be available; without one the verdict is <see cref="ValidationStatus.RevocationUnknown"/>.</summary>
    Required,
    /// <summary>A current CRL is used when available; a missing or stale one is only a warning.</summary>
    Optional,
    /// <summary>Revocation is not checked.</summary>
    Off,
}

/// <summary>Extended key purposes a relying party can demand of the end-entity certificate (RFC 5280 §4.2.1.12).</summary>
public enum KeyPurpose
{
    /// <summary>id-kp-serverAuth.</summary>
    ServerAuth,
    /// <summary>id-kp-clientAuth.</summary>
    ClientAuth,
    /// <summary>id-kp-codeSigning.</summary>
    CodeSigning,
    /// <summary>id-kp-OCSPSigning.</summary>
    OcspSigning,
}

/// <summary>keyUsage bits (RFC 5280 §4.2.1.3) a relying party can demand of the end-entity certificate.</summary>
[Flags]
public enum KeyUsages
{
    /// <summary>Nothing demanded.</summary>
    None = 0,
    /// <summary>digitalSignature.</summary>
    DigitalSignature = 1,
    /// <summary>nonRepudiation (contentCommitment).</summary>
    NonRepudiation = 2,
    /// <summary>keyEncipherment.</summary>
    KeyEncipherment = 4,
    /// <summary>dataEncipherment.</summary>
    DataEncipherment = 8,
    /// <summary>keyAgreement.</summary>
    KeyAgreement = 16,
}

/// <summary>What a relying party demands of a path. Defaults are the safe ones: revocation required, no purpose demanded.</summary>
public sealed record ValidationPolicy
{
    /// <summary>Revocation checking for issuers not named in <see cref="RevocationByIssuer"/>.</summary>
    public RevocationMode Revocation { get; init; } = RevocationMode.Required;

    /// <summary>Per-issuer override, keyed by the issuer's distinguished name as <see cref="Certificates.Certificate.Subject"/> shows it.</summary>
    public IReadOnlyDictionary<string, RevocationMode> RevocationByIssuer { get; init; } = new Dictionary<string, RevocationMode>();

    /// <summary>When set, the end-entity certificate's extendedKeyUsage (if present) must allow this purpose.</summary>
    public KeyPurpose? RequiredPurpose { get; init; }

    /// <summary>When set, the end-entity certificate's keyUsage (if present) must include every one of these bits (OPC 10000-4 §6.1.3 checks them for application certificates).</summary>
    public KeyUsages RequiredKeyUsages { get; init; }

    /// <summary>RFC 5280 §6.1.1 (c) user-initial-policy-set as dotted OIDs; empty means anyPolicy.</summary>
    public IReadOnlyList<string> AcceptablePolicies { get; init; } = [];

    /// <summary>RFC 5280 §6.1.1 (f) initial-explicit-policy: the path must be valid for at least one acceptable policy.</summary>
    public bool RequireExplicitPolicy { get; init; }

    /// <summary>RFC 5280 §6.1.1 (e) initial-policy-mapping-inhibit.</summary>
    public bool InhibitPolicyMapping { get; init; }

    /// <summary>RFC 5280 §6.1.1 (g) initial-any-policy-inhibit.</summary>
    public bool InhibitAnyPolicy { get; init; }

    /// <summary>The longest path accepted, trust anchor excluded.</summary>
    public int MaxPathLength { get; init; } = 8;

    /// <summary>The default policy.</summary>
    public static ValidationPolicy Default { get; } = new();

    internal RevocationMode RevocationFor(string issuer) =>
        RevocationByIssuer.TryGetValue(issuer, out var mode) ? mode : Revocation;
}
