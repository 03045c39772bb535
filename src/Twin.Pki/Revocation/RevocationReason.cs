namespace Twin.Pki.Revocation;

/// <summary>CRL entry reason codes (RFC 5280 §5.3.1); the numeric values are the ones on the wire.</summary>
public enum RevocationReason
{
    /// <summary>No reason given (the reasonCode extension is then omitted).</summary>
    Unspecified = 0,
    /// <summary>The subject's private key is known or suspected to be compromised.</summary>
    KeyCompromise = 1,
    /// <summary>The issuing CA's key is known or suspected to be compromised.</summary>
    CACompromise = 2,
    /// <summary>The subject's name or other information changed.</summary>
    AffiliationChanged = 3,
    /// <summary>The certificate has been replaced.</summary>
    Superseded = 4,
    /// <summary>The certificate is no longer needed.</summary>
    CessationOfOperation = 5,
    /// <summary>Temporarily suspended; may be released later.</summary>
    CertificateHold = 6,
    /// <summary>Only in delta CRLs: a certificate on hold in the base CRL has been released.</summary>
    RemoveFromCrl = 8,
    /// <summary>A privilege granted by the certificate was withdrawn.</summary>
    PrivilegeWithdrawn = 9,
    /// <summary>An attribute authority was compromised.</summary>
    AACompromise = 10,
}
