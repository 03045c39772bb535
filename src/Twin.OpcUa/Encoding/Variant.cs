namespace Twin.OpcUa.Encoding;

/// <summary>
/// A value of any built-in type, a one-dimensional array of one, or a matrix (Part 6 §5.2.2.16).
/// Scalars are held as their .NET type (bool, sbyte, ..., string, DateTime, Guid, byte[], XmlElement, NodeId, ...);
/// arrays as typed .NET arrays (an array of Variant is <c>Variant[]</c>), matrices as a flat array plus dimensions.
/// </summary>
public readonly struct Variant : IEquatable<Variant>
{
    public Variant(BuiltInType type, object? value, int[]? arrayDimensions = null)
    {
        if (value is null && type != BuiltInType.Null) throw new ArgumentException("A null value must have type Null.", nameof(value));
        Type = value is null ? BuiltInType.Null : type;
        Value = value;
        ArrayDimensions = arrayDimensions;
        if (arrayDimensions is not null)
        {
            if (value is not Array a) throw new ArgumentException("A matrix needs an array value.", nameof(arrayDimensions));
            long product = 1;
            foreach (var d in arrayDimensions) product *= d;
            if (product != a.Length) throw new ArgumentException("Array dimensions do not match the number of elements.", nameof(arrayDimensions));
        }
    }

    public static Variant Null => default;

    public BuiltInType Type { get; }
    public object? Value { get; }

    /// <summary>Dimensions of a matrix; null for scalars and one-dimensional arrays.</summary>
    public int[]? ArrayDimensions { get; }

    public bool IsNull => Value is null;

    /// <summary>True when the value is an array (ByteString alone is a scalar byte[]).</summary>
    public bool IsArray => Value is Array && !(Type == BuiltInType.ByteString && Value is byte[]);

    /// <summary>Wraps a .NET value, inferring its built-in type; throws for types OPC UA has no built-in for.</summary>
    public static Variant From(object? value) => value switch
    {
        null => default,
        Variant v => v,
        byte[] b => new Variant(BuiltInType.ByteString, b),
        byte[][] bs => new Variant(BuiltInType.ByteString, bs),
        Array a => new Variant(TypeOf(a.GetType().GetElementType()!), a),
        _ => new Variant(TypeOf(value.GetType()), value),
    };

    public static implicit operator Variant(bool v) => new(BuiltInType.Boolean, v);
    public static implicit operator Variant(int v) => new(BuiltInType.Int32, v);
    public static implicit operator Variant(uint v) => new(BuiltInType.UInt32, v);
    public static implicit operator Variant(long v) => new(BuiltInType.Int64, v);
    public static implicit operator Variant(double v) => new(BuiltInType.Double, v);
    public static implicit operator Variant(float v) => new(BuiltInType.Float, v);
    public static implicit operator Variant(string? v) => v is null ? default : new(BuiltInType.String, v);
    public static implicit operator Variant(DateTime v) => new(BuiltInType.DateTime, v);

    /// <summary>The built-in type a .NET type maps to.</summary>
    public static BuiltInType TypeOf(Type type) => type switch
    {
        _ when type == typeof(bool) => BuiltInType.Boolean,
        _ when type == typeof(sbyte) => BuiltInType.SByte,
        _ when type == typeof(byte) => BuiltInType.Byte,
        _ when type == typeof(short) => BuiltInType.Int16,
        _ when type == typeof(ushort) => BuiltInType.UInt16,
        _ when type == typeof(int) => BuiltInType.Int32,
        _ when type == typeof(uint) => BuiltInType.UInt32,
        _ when type == typeof(long) => BuiltInType.Int64,
        _ when type == typeof(ulong) => BuiltInType.UInt64,
        _ when type == typeof(float) => BuiltInType.Float,
        _ when type == typeof(double) => BuiltInType.Double,
        _ when type == typeof(string) => BuiltInType.String,
        _ when type == typeof(DateTime) => BuiltInType.DateTime,
        _ when type == typeof(Guid) => BuiltInType.Guid,
        _ when type == typeof(byte[]) => BuiltInType.ByteString,
        _ when type == typeof(XmlElement) => BuiltInType.XmlElement,
        _ when type == typeof(NodeId) => BuiltInType.NodeId,
        _ when type == typeof(ExpandedNodeId) => BuiltInType.ExpandedNodeId,
        _ when type == typeof(StatusCode) => BuiltInType.StatusCode,
        _ when type == typeof(QualifiedName) => BuiltInType.QualifiedName,
        _ when type == typeof(LocalizedText) => BuiltInType.LocalizedText,
        _ when type == typeof(ExtensionObject) || typeof(IEncodeable).IsAssignableFrom(type) => BuiltInType.ExtensionObject,
        _ when type == typeof(DataValue) => BuiltInType.DataValue,
        _ when type == typeof(Variant) => BuiltInType.Variant,
        _ when type == typeof(DiagnosticInfo) => BuiltInType.DiagnosticInfo,
        _ => throw new ArgumentException($"{type} has no OPC UA built-in type.", nameof(type)),
    };

    public bool Equals(Variant other)
    {
        if (Type != other.Type) return false;
        if (Value is null || other.Value is null) return Value is null && other.Value is null;
        if (Value is Array a && other.Value is Array b)
        {
            if (a.Length != b.Length) return false;
            for (var i = 0; i < a.Length; i++)
                if (!Equals(a.GetValue(i), b.GetValue(i)) && !(a.GetValue(i) is byte[] x && b.GetValue(i) is byte[] y && x.AsSpan().SequenceEqual(y))) return false;
            return (ArrayDimensions ?? []).AsSpan().SequenceEqual(other.ArrayDimensions ?? []);
        }
        return Value.Equals(other.Value);
    }

    public override bool Equals(object? obj) => obj is Variant v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Type, Value is Array a ? a.Length : Value?.GetHashCode() ?? 0);
    public static bool operator ==(Variant left, Variant right) => left.Equals(right);
    public static bool operator !=(Variant left, Variant right) => !left.Equals(right);

    public override string ToString() => Value switch
    {
        null => "(null)",
        byte[] b when Type == BuiltInType.ByteString => Convert.ToHexString(b),
        Array a => $"{Type}[{a.Length}]",
        _ => $"{Value} ({Type})",
    };
}
