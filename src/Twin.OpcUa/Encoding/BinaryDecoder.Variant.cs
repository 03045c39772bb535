namespace Twin.OpcUa.Encoding;

public sealed partial class BinaryDecoder
{
    /// <summary>Reads a Variant (Part 6 §5.2.2.16); a type id above 25 is a decoding error.</summary>
    public Variant ReadVariant()
    {
        Enter();
        try
        {
            var mask = ReadByte();
            var type = (BuiltInType)(mask & 0x3F);
            if ((byte)type > 25) throw Fail($"Variant type id {(byte)type} is not a built-in type");
            if ((mask & 0x80) == 0)
            {
                if ((mask & 0x40) != 0) throw Fail("Variant scalar has the array-dimensions bit set");
                if (type == BuiltInType.Null) return Variant.Null;
                if (type == BuiltInType.Variant) throw Fail("a Variant cannot directly contain a scalar Variant");
                return new Variant(type, ReadScalar(type));
            }
            var length = ReadInt32();
            if (length < -1) throw Fail($"Variant array has negative length {length}");
            if (length > Limits.MaxArrayLength) throw new UaEncodingException(StatusCodes.BadEncodingLimitsExceeded, $"Variant array of {length} exceeds the limit of {Limits.MaxArrayLength}.");
            if (length > Remaining) throw Fail($"Variant array of {length} elements cannot fit in {Remaining} bytes");
            if (type == BuiltInType.Null) throw Fail("Variant array of type Null");
            var array = CreateArray(type, Math.Max(length, 0));
            for (var i = 0; i < array.Length; i++) array.SetValue(ReadScalar(type), i);
            int[]? dims = null;
            if ((mask & 0x40) != 0)
            {
                dims = ReadArray(static d => d.ReadInt32()) ?? [];
                long product = 1;
                foreach (var d in dims)
                {
                    if (d < 0) throw Fail("negative array dimension");
                    product *= d;
                    if (product > int.MaxValue) break;
                }
                if (dims.Length < 2 || product != array.Length) throw Fail("array dimensions do not match the number of elements");
            }
            return new Variant(type, array, dims);
        }
        finally { Leave(); }
    }

    private static Array CreateArray(BuiltInType type, int length) => type switch
    {
        BuiltInType.Boolean => new bool[length],
        BuiltInType.SByte => new sbyte[length],
        BuiltInType.Byte => new byte[length],
        BuiltInType.Int16 => new short[length],
        BuiltInType.UInt16 => new ushort[length],
        BuiltInType.Int32 => new int[length],
        BuiltInType.UInt32 => new uint[length],
        BuiltInType.Int64 => new long[length],
        BuiltInType.UInt64 => new ulong[length],
        BuiltInType.Float => new float[length],
        BuiltInType.Double => new double[length],
        BuiltInType.String => new string?[length],
        BuiltInType.DateTime => new DateTime[length],
        BuiltInType.Guid => new Guid[length],
        BuiltInType.ByteString => new byte[]?[length],
        BuiltInType.XmlElement => new XmlElement?[length],
        BuiltInType.NodeId => new NodeId[length],
        BuiltInType.ExpandedNodeId => new ExpandedNodeId[length],
        BuiltInType.StatusCode => new StatusCode[length],
        BuiltInType.QualifiedName => new QualifiedName[length],
        BuiltInType.LocalizedText => new LocalizedText[length],
        BuiltInType.ExtensionObject => new ExtensionObject[length],
        BuiltInType.DataValue => new DataValue[length],
        BuiltInType.Variant => new Variant[length],
        _ => new DiagnosticInfo[length],
    };

    private object? ReadScalar(BuiltInType type) => type switch
    {
        BuiltInType.Boolean => ReadBoolean(),
        BuiltInType.SByte => ReadSByte(),
        BuiltInType.Byte => ReadByte(),
        BuiltInType.Int16 => ReadInt16(),
        BuiltInType.UInt16 => ReadUInt16(),
        BuiltInType.Int32 => ReadInt32(),
        BuiltInType.UInt32 => ReadUInt32(),
        BuiltInType.Int64 => ReadInt64(),
        BuiltInType.UInt64 => ReadUInt64(),
        BuiltInType.Float => ReadFloat(),
        BuiltInType.Double => ReadDouble(),
        BuiltInType.String => ReadString(),
        BuiltInType.DateTime => ReadDateTime(),
        BuiltInType.Guid => ReadGuid(),
        BuiltInType.ByteString => ReadByteString(),
        BuiltInType.XmlElement => ReadXmlElement(),
        BuiltInType.NodeId => ReadNodeId(),
        BuiltInType.ExpandedNodeId => ReadExpandedNodeId(),
        BuiltInType.StatusCode => ReadStatusCode(),
        BuiltInType.QualifiedName => ReadQualifiedName(),
        BuiltInType.LocalizedText => ReadLocalizedText(),
        BuiltInType.ExtensionObject => ReadExtensionObject(),
        BuiltInType.DataValue => ReadDataValue(),
        BuiltInType.Variant => ReadVariant(),
        BuiltInType.DiagnosticInfo => ReadDiagnosticInfo(),
        _ => throw Fail($"built-in type {type} cannot be read"),
    };

    public DataValue ReadDataValue()
    {
        Enter();
        try
        {
            var mask = ReadByte();
            if ((mask & 0xC0) != 0) throw Fail($"DataValue mask 0x{mask:X2} has unknown bits");
            var value = (mask & 0x01) != 0 ? ReadVariant() : Variant.Null;
            var status = (mask & 0x02) != 0 ? ReadStatusCode() : default;
            DateTime? source = (mask & 0x04) != 0 ? ReadDateTime() : null;
            var sourcePs = (mask & 0x10) != 0 ? ReadUInt16() : (ushort)0;
            DateTime? server = (mask & 0x08) != 0 ? ReadDateTime() : null;
            var serverPs = (mask & 0x20) != 0 ? ReadUInt16() : (ushort)0;
            return new DataValue(value, status, source, server) { SourcePicoseconds = sourcePs, ServerPicoseconds = serverPs };
        }
        finally { Leave(); }
    }

    public DiagnosticInfo? ReadDiagnosticInfo()
    {
        Enter();
        try
        {
            var mask = ReadByte();
            if (mask == 0) return null;
            if ((mask & 0x80) != 0) throw Fail($"DiagnosticInfo mask 0x{mask:X2} has unknown bits");
            return new DiagnosticInfo
            {
                SymbolicId = (mask & 0x01) != 0 ? ReadInt32() : null,
                NamespaceUri = (mask & 0x02) != 0 ? ReadInt32() : null,
                Locale = (mask & 0x08) != 0 ? ReadInt32() : null,
                LocalizedText = (mask & 0x04) != 0 ? ReadInt32() : null,
                AdditionalInfo = (mask & 0x10) != 0 ? ReadString() : null,
                InnerStatusCode = (mask & 0x20) != 0 ? ReadStatusCode() : null,
                InnerDiagnosticInfo = (mask & 0x40) != 0 ? ReadDiagnosticInfo() : null,
            };
        }
        finally { Leave(); }
    }
}
