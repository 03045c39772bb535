namespace Twin.OpcUa.Encoding;

/// <summary>Shorthands for the arrays of built-in types that service messages carry.</summary>
public static class BinaryArrays
{
    public static void WriteStringArray(this BinaryEncoder e, IReadOnlyList<string?>? v) => e.WriteArray(v, static (x, s) => x.WriteString(s));
    public static string?[]? ReadStringArray(this BinaryDecoder d) => d.ReadArray(static x => x.ReadString());
    public static void WriteUInt32Array(this BinaryEncoder e, IReadOnlyList<uint>? v) => e.WriteArray(v, static (x, s) => x.WriteUInt32(s));
    public static uint[]? ReadUInt32Array(this BinaryDecoder d) => d.ReadArray(static x => x.ReadUInt32());
    public static void WriteStatusCodeArray(this BinaryEncoder e, IReadOnlyList<StatusCode>? v) => e.WriteArray(v, static (x, s) => x.WriteStatusCode(s));
    public static StatusCode[]? ReadStatusCodeArray(this BinaryDecoder d) => d.ReadArray(static x => x.ReadStatusCode());
    public static void WriteDiagnosticInfoArray(this BinaryEncoder e, IReadOnlyList<DiagnosticInfo?>? v) => e.WriteArray(v, static (x, s) => x.WriteDiagnosticInfo(s));
    public static DiagnosticInfo?[]? ReadDiagnosticInfoArray(this BinaryDecoder d) => d.ReadArray(static x => x.ReadDiagnosticInfo());
    public static void WriteVariantArray(this BinaryEncoder e, IReadOnlyList<Variant>? v) => e.WriteArray(v, static (x, s) => x.WriteVariant(s));
    public static Variant[]? ReadVariantArray(this BinaryDecoder d) => d.ReadArray(static x => x.ReadVariant());
    public static void WriteDataValueArray(this BinaryEncoder e, IReadOnlyList<DataValue?>? v) => e.WriteArray(v, static (x, s) => x.WriteDataValue(s));
    public static DataValue[]? ReadDataValueArray(this BinaryDecoder d) => d.ReadArray(static x => x.ReadDataValue());
    public static void WriteByteStringArray(this BinaryEncoder e, IReadOnlyList<byte[]?>? v) => e.WriteArray(v, static (x, s) => x.WriteByteString(s));
    public static byte[]?[]? ReadByteStringArray(this BinaryDecoder d) => d.ReadArray(static x => x.ReadByteString());
    public static void WriteExtensionObjectArray(this BinaryEncoder e, IReadOnlyList<ExtensionObject?>? v) => e.WriteArray(v, static (x, s) => x.WriteExtensionObject(s));
    public static ExtensionObject[]? ReadExtensionObjectArray(this BinaryDecoder d) => d.ReadArray(static x => x.ReadExtensionObject());
}
