namespace Twin.OpcUa.Encoding;

/// <summary>A value with its status and timestamps (Part 4 §7.11, Part 6 §5.2.2.17).</summary>
public sealed record DataValue
{
    public DataValue() { }

    public DataValue(Variant value, StatusCode status = default, DateTime? sourceTimestamp = null, DateTime? serverTimestamp = null)
    {
        Value = value;
        StatusCode = status;
        SourceTimestamp = sourceTimestamp;
        ServerTimestamp = serverTimestamp;
    }

    public Variant Value { get; init; }
    public StatusCode StatusCode { get; init; }
    public DateTime? SourceTimestamp { get; init; }
    public ushort SourcePicoseconds { get; init; }
    public DateTime? ServerTimestamp { get; init; }
    public ushort ServerPicoseconds { get; init; }

    public static DataValue FromStatus(uint status) => new() { StatusCode = status };
}

/// <summary>Vendor diagnostics for a failed operation (Part 4 §7.12, Part 6 §5.2.2.12).</summary>
public sealed record DiagnosticInfo
{
    public int? SymbolicId { get; init; }
    public int? NamespaceUri { get; init; }
    public int? Locale { get; init; }
    public int? LocalizedText { get; init; }
    public string? AdditionalInfo { get; init; }
    public StatusCode? InnerStatusCode { get; init; }
    public DiagnosticInfo? InnerDiagnosticInfo { get; init; }
}

/// <summary>How an ExtensionObject body is encoded (Part 6 §5.2.2.15).</summary>
public enum ExtensionObjectEncoding : byte
{
    None = 0,
    Binary = 1,
    Xml = 2,
}

/// <summary>
/// A structure wrapped with its encoding id (Part 6 §5.2.2.15). A body of a known type decodes to an
/// <see cref="IEncodeable"/>; an unknown one stays as raw bytes so it can be passed on unchanged.
/// </summary>
public sealed record ExtensionObject
{
    public ExtensionObject(NodeId typeId, ExtensionObjectEncoding encoding, byte[]? rawBody)
    {
        TypeId = typeId;
        Encoding = encoding;
        RawBody = rawBody;
    }

    public ExtensionObject(IEncodeable body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
        TypeId = body.BinaryEncodingId;
        Encoding = ExtensionObjectEncoding.Binary;
    }

    public static ExtensionObject Null { get; } = new(NodeId.Null, ExtensionObjectEncoding.None, null);

    public NodeId TypeId { get; }
    public ExtensionObjectEncoding Encoding { get; }

    /// <summary>The decoded body when its type is known.</summary>
    public IEncodeable? Body { get; }

    /// <summary>The undecoded body (binary bytes or UTF-8 XML) when its type is unknown.</summary>
    public byte[]? RawBody { get; }

    public bool IsNull => Encoding == ExtensionObjectEncoding.None && TypeId.IsNull;
}

/// <summary>A structure that knows its binary encoding id and how to write and read itself.</summary>
public interface IEncodeable
{
    /// <summary>The NodeId of the type's DefaultBinary encoding object.</summary>
    NodeId BinaryEncodingId { get; }

    void Encode(BinaryEncoder e);

    void Decode(BinaryDecoder d);
}
