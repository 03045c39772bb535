namespace Twin.OpcUa.Encoding;

public sealed partial class BinaryEncoder
{
    /// <summary>Encoding mask (type id, 0x80 array, 0x40 dimensions), value(s), then dimensions (Part 6 §5.2.2.16).</summary>
    public void WriteVariant(Variant v)
    {
        if (v.IsNull) { WriteByte(0); return; }
        if (!v.IsArray)
        {
            WriteByte((byte)v.Type);
            WriteScalar(v.Type, v.Value!);
            return;
        }
        var array = (Array)v.Value!;
        var mask = (byte)((byte)v.Type | 0x80);
        if (v.ArrayDimensions is not null) mask |= 0x40;
        WriteByte(mask);
        WriteInt32(array.Length);
        foreach (var item in array) WriteScalar(v.Type, item);
        if (v.ArrayDimensions is not null) WriteArray(v.ArrayDimensions, static (e, d) => e.WriteInt32(d));
    }

    private void WriteScalar(BuiltInType type, object? value)
    {
        switch (type)
        {
            case BuiltInType.Boolean: WriteBoolean((bool)value!); break;
            case BuiltInType.SByte: WriteSByte((sbyte)value!); break;
            case BuiltInType.Byte: WriteByte((byte)value!); break;
            case BuiltInType.Int16: WriteInt16((short)value!); break;
            case BuiltInType.UInt16: WriteUInt16((ushort)value!); break;
            case BuiltInType.Int32: WriteInt32((int)value!); break;
            case BuiltInType.UInt32: WriteUInt32((uint)value!); break;
            case BuiltInType.Int64: WriteInt64((long)value!); break;
            case BuiltInType.UInt64: WriteUInt64((ulong)value!); break;
            case BuiltInType.Float: WriteFloat((float)value!); break;
            case BuiltInType.Double: WriteDouble((double)value!); break;
            case BuiltInType.String: WriteString((string?)value); break;
            case BuiltInType.DateTime: WriteDateTime((DateTime)value!); break;
            case BuiltInType.Guid: WriteGuid((Guid)value!); break;
            case BuiltInType.ByteString: WriteByteString((byte[]?)value); break;
            case BuiltInType.XmlElement: WriteXmlElement((XmlElement?)value); break;
            case BuiltInType.NodeId: WriteNodeId((NodeId?)value); break;
            case BuiltInType.ExpandedNodeId: WriteExpandedNodeId((ExpandedNodeId?)value); break;
            case BuiltInType.StatusCode: WriteStatusCode((StatusCode)value!); break;
            case BuiltInType.QualifiedName: WriteQualifiedName((QualifiedName?)value); break;
            case BuiltInType.LocalizedText: WriteLocalizedText((LocalizedText?)value); break;
            case BuiltInType.ExtensionObject: WriteExtensionObject(value as ExtensionObject ?? (value is IEncodeable x ? new ExtensionObject(x) : null)); break;
            case BuiltInType.DataValue: WriteDataValue((DataValue?)value); break;
            case BuiltInType.Variant: WriteVariant((Variant)value!); break;
            case BuiltInType.DiagnosticInfo: WriteDiagnosticInfo((DiagnosticInfo?)value); break;
            default: throw new UaEncodingException(StatusCodes.BadEncodingError, $"Built-in type {type} cannot be encoded.");
        }
    }

    /// <summary>Mask then the present fields in the order value, status, source time/ps, server time/ps (Part 6 §5.2.2.17).</summary>
    public void WriteDataValue(DataValue? v)
    {
        if (v is null) { WriteByte(0); return; }
        byte mask = 0;
        if (!v.Value.IsNull) mask |= 0x01;
        if (v.StatusCode.Code != 0) mask |= 0x02;
        if (v.SourceTimestamp is not null) mask |= 0x04;
        if (v.ServerTimestamp is not null) mask |= 0x08;
        if (v.SourcePicoseconds != 0) mask |= 0x10;
        if (v.ServerPicoseconds != 0) mask |= 0x20;
        WriteByte(mask);
        if ((mask & 0x01) != 0) WriteVariant(v.Value);
        if ((mask & 0x02) != 0) WriteStatusCode(v.StatusCode);
        if ((mask & 0x04) != 0) WriteDateTime(v.SourceTimestamp!.Value);
        if ((mask & 0x10) != 0) WriteUInt16(v.SourcePicoseconds);
        if ((mask & 0x08) != 0) WriteDateTime(v.ServerTimestamp!.Value);
        if ((mask & 0x20) != 0) WriteUInt16(v.ServerPicoseconds);
    }

    /// <summary>Mask then symbolicId, namespaceUri, locale, localizedText, additionalInfo, inner status, inner info (Part 6 §5.2.2.12).</summary>
    public void WriteDiagnosticInfo(DiagnosticInfo? v)
    {
        if (v is null) { WriteByte(0); return; }
        byte mask = 0;
        if (v.SymbolicId is not null) mask |= 0x01;
        if (v.NamespaceUri is not null) mask |= 0x02;
        if (v.LocalizedText is not null) mask |= 0x04;
        if (v.Locale is not null) mask |= 0x08;
        if (v.AdditionalInfo is not null) mask |= 0x10;
        if (v.InnerStatusCode is not null) mask |= 0x20;
        if (v.InnerDiagnosticInfo is not null) mask |= 0x40;
        WriteByte(mask);
        if (v.SymbolicId is { } s) WriteInt32(s);
        if (v.NamespaceUri is { } n) WriteInt32(n);
        if (v.Locale is { } l) WriteInt32(l);
        if (v.LocalizedText is { } t) WriteInt32(t);
        if (v.AdditionalInfo is not null) WriteString(v.AdditionalInfo);
        if (v.InnerStatusCode is { } c) WriteStatusCode(c);
        if (v.InnerDiagnosticInfo is not null) WriteDiagnosticInfo(v.InnerDiagnosticInfo);
    }
}
