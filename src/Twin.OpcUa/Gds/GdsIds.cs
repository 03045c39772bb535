using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Gds;

/// <summary>
/// Standard NodeIds of Part 12 push management (§7.10), as in the OPC Foundation's NodeSet2 (node-opcua-constants agrees):
/// the ServerConfiguration object, its methods and the DefaultApplicationGroup with its TrustList.
/// </summary>
public static class GdsIds
{
    public static readonly NodeId ServerConfiguration = 12637u, ServerConfigurationType = 12581u;
    public static readonly NodeId CreateSigningRequest = 12737u, UpdateCertificate = 13737u, ApplyChanges = 12740u, CancelChanges = 25708u, GetRejectedList = 12777u;
    public static readonly NodeId SupportedPrivateKeyFormats = 12639u, MaxTrustListSize = 12640u;
    public static readonly NodeId CertificateGroups = 14053u, CertificateGroupFolderType = 13813u, DefaultApplicationGroup = 14156u, CertificateGroupType = 12555u,
        CertificateTypes = 14161u;
    public static readonly NodeId TrustList = 12642u, TrustListType = 12522u, TrustListSize = 12643u, TrustListWritable = 14157u, TrustListUserWritable = 14158u,
        TrustListOpenCount = 12646u, TrustListOpen = 12647u, TrustListClose = 12650u, TrustListRead = 12652u, TrustListWrite = 12655u, TrustListGetPosition = 12657u,
        TrustListSetPosition = 12660u, TrustListLastUpdateTime = 12662u, TrustListOpenWithMasks = 12663u, TrustListCloseAndUpdate = 12666u,
        TrustListAddCertificate = 12668u, TrustListRemoveCertificate = 12670u;

    /// <summary>Certificate types (Part 12 §7.8.4): the abstract application type and the RSA ones.</summary>
    public static readonly NodeId ApplicationCertificateType = 12557u, RsaMinApplicationCertificateType = 12559u, RsaSha256ApplicationCertificateType = 12560u;

    /// <summary>Audit event types of Part 12 §7.10.11 / §7.8.2.10.</summary>
    public static readonly NodeId CertificateUpdatedAuditEventType = 12620u, TrustListUpdatedAuditEventType = 12561u;

    /// <summary>TrustListDataType and its binary encoding (Part 12 §7.8.2.6).</summary>
    public static readonly NodeId TrustListDataType = 12554u, TrustListDataTypeBinary = 12680u;
}

/// <summary>TrustListMasks (Part 12 §7.8.2.7): which lists a TrustListDataType carries.</summary>
[Flags]
public enum TrustListMasks : uint
{
    None = 0,
    TrustedCertificates = 1,
    TrustedCrls = 2,
    IssuerCertificates = 4,
    IssuerCrls = 8,
    All = 15,
}

/// <summary>
/// The content of a TrustList file (Part 12 §7.8.2.6): UA Binary of a TrustListDataType, the lists as DER. A list not named
/// in <see cref="SpecifiedLists"/> is left as it is when the file is written back.
/// </summary>
public sealed record TrustListData(TrustListMasks SpecifiedLists, IReadOnlyList<byte[]> TrustedCertificates, IReadOnlyList<byte[]> TrustedCrls,
    IReadOnlyList<byte[]> IssuerCertificates, IReadOnlyList<byte[]> IssuerCrls)
{
    /// <summary>The UA Binary body (no ExtensionObject wrapper), as the file holds it.</summary>
    public byte[] Encode()
    {
        var e = new BinaryEncoder(1024);
        e.WriteUInt32((uint)SpecifiedLists);
        e.WriteByteStringArray(TrustedCertificates);
        e.WriteByteStringArray(TrustedCrls);
        e.WriteByteStringArray(IssuerCertificates);
        e.WriteByteStringArray(IssuerCrls);
        return e.ToArray();
    }

    /// <summary>Reads a TrustList file's content; a malformed one fails with BadDecodingError and where.</summary>
    public static TrustListData Decode(byte[] content, EncodingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(content);
        var d = new BinaryDecoder(content, limits);
        var masks = (TrustListMasks)d.ReadUInt32();
        if ((masks & ~TrustListMasks.All) != 0) throw new UaException(StatusCodes.BadDecodingError, $"TrustList SpecifiedLists 0x{(uint)masks:X} names unknown lists.");
        var data = new TrustListData(masks, List(d.ReadByteStringArray()), List(d.ReadByteStringArray()), List(d.ReadByteStringArray()), List(d.ReadByteStringArray()));
        d.EnsureEnd();
        return data;
    }

    private static byte[][] List(byte[]?[]? items) => items is null ? [] : [.. items.Select(x => x ?? throw new UaException(StatusCodes.BadDecodingError, "A TrustList entry is null."))];
}
