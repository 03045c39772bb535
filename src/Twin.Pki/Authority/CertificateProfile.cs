namespace Twin.Pki.Authority;

/// <summary>The certificate templates the twin issues from. Each has its own extension rules.</summary>
public enum CertificateProfile
{
    /// <summary>Self-signed root CA.</summary>
    RootCa,
    /// <summary>Intermediate CA that issues CAs.</summary>
    IntermediateCa,
    /// <summary>Issuing CA that issues end-entity certificates only (pathLen 0).</summary>
    IssuingCa,
    /// <summary>IEEE 802.1AR initial device identity, issued in manufacturing.</summary>
    IDevId,
    /// <summary>IEEE 802.1AR locally significant device identity (domain credential), issued on onboarding.</summary>
    LDevId,
    /// <summary>OPC UA application instance certificate (OPC 10000-6 §6.2.2).</summary>
    OpcUaApplication,
    /// <summary>TLS server certificate.</summary>
    TlsServer,
    /// <summary>TLS client certificate.</summary>
    TlsClient,
    /// <summary>Code signing (firmware, MTP packages).</summary>
    CodeSigning,
    /// <summary>OCSP responder (RFC 6960 delegated signer).</summary>
    OcspSigner,
    /// <summary>Cross-certificate: another CA's subject and key certified by this CA (RFC 5280 §3.2).</summary>
    CrossCertificate,
    /// <summary>CMP protection certificate of a registration authority (RFC 9483 §3.1: id-kp-cmcRA).</summary>
    CmpRa,
}
