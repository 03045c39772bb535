using Twin.Pki.Keys;

namespace Twin.Pki.Authority;

/// <summary>What a CA is asked to certify: a subject, its public key, a profile and a validity window.</summary>
public sealed record IssuanceRequest(
    string Subject,
    PublicKey PublicKey,
    CertificateProfile Profile,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter)
{
    /// <summary>Subject alternative names: URIs (an OPC UA ApplicationUri, a device URN).</summary>
    public IReadOnlyList<string> UriNames { get; init; } = [];

    /// <summary>Subject alternative names: DNS host names.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>Subject alternative names: IP addresses.</summary>
    public IReadOnlyList<System.Net.IPAddress> IpAddresses { get; init; } = [];

    /// <summary>For CA profiles: the pathLenConstraint, or null for none.</summary>
    public int? PathLength { get; init; }

    /// <summary>For CA profiles: name constraints on the subtree below (RFC 5280 §4.2.1.10), or null for none.</summary>
    public NameConstraints? NameConstraints { get; init; }

    /// <summary>For IDevID/LDevID: the hardwareModuleName otherName in subjectAltName (RFC 4108 §5, IEEE 802.1AR §8.10.4).</summary>
    public HardwareModuleName? HardwareModule { get; init; }

    /// <summary>
    /// For end-entity profiles: mark the certificate as one whose revocation status will never be published
    /// (RFC 9608 noRevAvail) — a short-lived certificate that relying parties accept without a CRL.
    /// </summary>
    public bool NoRevocationAvailable { get; init; }

    /// <summary>For end-entity profiles: where relying parties ask the issuer's OCSP responder (RFC 5280 §4.2.2.1 id-ad-ocsp), or null for none.</summary>
    public Uri? OcspUrl { get; init; }
}

/// <summary>RFC 4108 §5 HardwareModuleName: the module's type (an OID the manufacturer assigns) and its serial number.</summary>
/// <param name="TypeOid">hwType, dotted OID.</param>
/// <param name="SerialNumber">hwSerialNum octets.</param>
public sealed record HardwareModuleName(string TypeOid, byte[] SerialNumber)
{
    /// <inheritdoc />
    public bool Equals(HardwareModuleName? other) => other is not null && TypeOid == other.TypeOid && SerialNumber.AsSpan().SequenceEqual(other.SerialNumber);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TypeOid, SerialNumber.Length);
}
