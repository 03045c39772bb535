using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Gds;

/// <summary>
/// Numeric identifiers of the GDS information model (OPC 10000-12 §6 and §7.9) inside the GDS namespace
/// <see cref="NamespaceUri"/>, as in the OPC Foundation's Opc.Ua.Gds.NodeSet2 (node-opcua-nodesets ships the same file).
/// A server places them at the namespace index it registers for that URI.
/// </summary>
public static class GdsDirectoryIds
{
    public const string NamespaceUri = "http://opcfoundation.org/UA/GDS/";

    public const uint Directory = 141, DirectoryType = 63, Applications = 142, CertificateGroups = 614;
    public const uint FindApplications = 143, RegisterApplication = 146, UpdateApplication = 200, UnregisterApplication = 149, GetApplication = 216;
    public const uint StartSigningRequest = 157, StartNewKeyPairRequest = 154, FinishRequest = 163, RevokeCertificate = 15005,
        GetCertificateGroups = 508, GetCertificates = 174, GetTrustList = 204, GetCertificateStatus = 225;

    /// <summary>The Directory's DefaultApplicationGroup and its TrustList (a FileType) with its children.</summary>
    public const uint DefaultApplicationGroup = 615, DefaultApplicationGroupCertificateTypes = 648, TrustList = 616, TrustListSize = 617, TrustListWritable = 618,
        TrustListUserWritable = 619, TrustListOpenCount = 620, TrustListOpen = 622, TrustListClose = 625, TrustListRead = 627, TrustListWrite = 630,
        TrustListGetPosition = 632, TrustListSetPosition = 635, TrustListLastUpdateTime = 637, TrustListOpenWithMasks = 638, TrustListCloseAndUpdate = 641,
        TrustListAddCertificate = 644, TrustListRemoveCertificate = 646;

    /// <summary>ApplicationRecordDataType (§7.9.x) and its DefaultBinary encoding.</summary>
    public const uint ApplicationRecordDataType = 1, ApplicationRecordDataTypeBinary = 134;

    /// <summary>Audit event types of the GDS (§7.9.x).</summary>
    public const uint ApplicationRegistrationChangedAuditEventType = 26, CertificateRequestedAuditEventType = 91, CertificateDeliveredAuditEventType = 109,
        CertificateRevokedAuditEventType = 27;

    /// <summary>The CertificateGroup and CertificateType properties of CertificateRequestedAuditEventType and CertificateDeliveredAuditEventType.</summary>
    public const uint CertificateRequestedCertificateGroup = 717, CertificateRequestedCertificateType = 718, CertificateDeliveredCertificateGroup = 719,
        CertificateDeliveredCertificateType = 720;

    /// <summary>An identifier of the GDS namespace at the index a server gave it.</summary>
    public static NodeId At(uint id, ushort namespaceIndex) => new(id, namespaceIndex);
}

/// <summary>Well-known GDS roles (OPC 10000-12 §9): who may manage the directory and who may have certificates issued.</summary>
public static class GdsRoles
{
    public const string DiscoveryAdmin = "DiscoveryAdmin";
    public const string CertificateAuthorityAdmin = "CertificateAuthorityAdmin";
}
