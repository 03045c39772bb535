using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;

namespace Twin.OpcUa.Gds;

/// <summary>
/// An ApplicationRecordDataType (OPC 10000-12 §6.5.5): what a GDS knows of a registered application. ApplicationId is null
/// until the GDS assigns one.
/// </summary>
public sealed record ApplicationRecord(NodeId ApplicationId, string ApplicationUri, ApplicationType ApplicationType, IReadOnlyList<LocalizedText> ApplicationNames,
    string ProductUri, IReadOnlyList<string> DiscoveryUrls, IReadOnlyList<string> ServerCapabilities)
{
    /// <summary>The UA Binary body of the structure (Part 6 §5.2.6: fields in declaration order).</summary>
    public byte[] Encode()
    {
        var e = new BinaryEncoder(256);
        e.WriteNodeId(ApplicationId ?? NodeId.Null);
        e.WriteString(ApplicationUri);
        e.WriteInt32((int)ApplicationType);
        e.WriteArray(ApplicationNames, static (x, t) => x.WriteLocalizedText(t));
        e.WriteString(ProductUri);
        e.WriteStringArray(DiscoveryUrls);
        e.WriteStringArray(ServerCapabilities);
        return e.ToArray();
    }

    /// <summary>As an ExtensionObject with the DefaultBinary encoding id in the GDS namespace at <paramref name="gdsNamespace"/>.</summary>
    public ExtensionObject ToExtensionObject(ushort gdsNamespace) =>
        new(GdsDirectoryIds.At(GdsDirectoryIds.ApplicationRecordDataTypeBinary, gdsNamespace), ExtensionObjectEncoding.Binary, Encode());

    /// <summary>Reads an ApplicationRecordDataType from an argument; anything else fails with BadInvalidArgument naming what is wrong.</summary>
    public static ApplicationRecord FromVariant(Variant value, ushort gdsNamespace, EncodingLimits limits)
    {
        if (value.Value is not ExtensionObject { Encoding: ExtensionObjectEncoding.Binary, RawBody: { } body } eo)
            throw new UaException(StatusCodes.BadInvalidArgument, "Application must be an ApplicationRecordDataType in binary encoding.");
        if (eo.TypeId != GdsDirectoryIds.At(GdsDirectoryIds.ApplicationRecordDataTypeBinary, gdsNamespace))
            throw new UaException(StatusCodes.BadInvalidArgument, $"Application has encoding {eo.TypeId}, not ApplicationRecordDataType's DefaultBinary (ns={gdsNamespace};i=134).");
        return Decode(body, limits);
    }

    /// <summary>Decodes the UA Binary body; a malformed one fails with BadDecodingError.</summary>
    public static ApplicationRecord Decode(byte[] body, EncodingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(body);
        var d = new BinaryDecoder(body, limits);
        var id = d.ReadNodeId();
        var uri = d.ReadString() ?? "";
        var type = d.ReadInt32();
        if (type is < 0 or > 3) throw new UaException(StatusCodes.BadInvalidArgument, $"ApplicationRecord.ApplicationType {type} is not an ApplicationType (0..3).");
        var names = d.ReadArray(static x => x.ReadLocalizedText()) ?? [];
        var product = d.ReadString() ?? "";
        var urls = d.ReadStringArray() ?? [];
        var capabilities = d.ReadStringArray() ?? [];
        d.EnsureEnd();
        return new ApplicationRecord(id, uri, (ApplicationType)type, names, product, [.. urls.Select(u => u ?? "")], [.. capabilities.Select(c => c ?? "")]);
    }
}
