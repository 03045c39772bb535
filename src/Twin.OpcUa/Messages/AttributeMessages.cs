using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

public enum TimestampsToReturn { Source = 0, Server = 1, Both = 2, Neither = 3, Invalid = 4 }

/// <summary>Part 4 §7.29.</summary>
public sealed class ReadValueId : IEncodeable
{
    public NodeId NodeId { get; set; } = NodeId.Null;
    public uint AttributeId { get; set; }
    public string? IndexRange { get; set; }
    public QualifiedName DataEncoding { get; set; } = QualifiedName.Null;
    public NodeId BinaryEncodingId => 628;
    public void Encode(BinaryEncoder e) { e.WriteNodeId(NodeId); e.WriteUInt32(AttributeId); e.WriteString(IndexRange); e.WriteQualifiedName(DataEncoding); }
    public void Decode(BinaryDecoder d) { NodeId = d.ReadNodeId(); AttributeId = d.ReadUInt32(); IndexRange = d.ReadString(); DataEncoding = d.ReadQualifiedName(); }
}

/// <summary>Part 4 §5.10.2.</summary>
public sealed class ReadRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public double MaxAge { get; set; }
    public TimestampsToReturn TimestampsToReturn { get; set; }
    public ReadValueId[]? NodesToRead { get; set; }
    public NodeId BinaryEncodingId => 631;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteDouble(MaxAge); e.WriteInt32((int)TimestampsToReturn); e.WriteEncodeableArray(NodesToRead); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); MaxAge = d.ReadDouble(); TimestampsToReturn = (TimestampsToReturn)d.ReadInt32(); NodesToRead = d.ReadEncodeableArray<ReadValueId>(); }
}

/// <summary>Part 4 §5.10.2.</summary>
public sealed class ReadResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public DataValue[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 634;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteDataValueArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadDataValueArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.10.4.</summary>
public sealed class WriteValue : IEncodeable
{
    public NodeId NodeId { get; set; } = NodeId.Null;
    public uint AttributeId { get; set; }
    public string? IndexRange { get; set; }
    public DataValue Value { get; set; } = new();
    public NodeId BinaryEncodingId => 670;
    public void Encode(BinaryEncoder e) { e.WriteNodeId(NodeId); e.WriteUInt32(AttributeId); e.WriteString(IndexRange); e.WriteDataValue(Value); }
    public void Decode(BinaryDecoder d) { NodeId = d.ReadNodeId(); AttributeId = d.ReadUInt32(); IndexRange = d.ReadString(); Value = d.ReadDataValue(); }
}

/// <summary>Part 4 §5.10.4.</summary>
public sealed class WriteRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public WriteValue[]? NodesToWrite { get; set; }
    public NodeId BinaryEncodingId => 673;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteEncodeableArray(NodesToWrite); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); NodesToWrite = d.ReadEncodeableArray<WriteValue>(); }
}

/// <summary>Part 4 §5.10.4.</summary>
public sealed class WriteResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public StatusCode[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 676;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteStatusCodeArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadStatusCodeArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.11.2.</summary>
public sealed class CallMethodRequest : IEncodeable
{
    public NodeId ObjectId { get; set; } = NodeId.Null;
    public NodeId MethodId { get; set; } = NodeId.Null;
    public Variant[]? InputArguments { get; set; }
    public NodeId BinaryEncodingId => 706;
    public void Encode(BinaryEncoder e) { e.WriteNodeId(ObjectId); e.WriteNodeId(MethodId); e.WriteVariantArray(InputArguments); }
    public void Decode(BinaryDecoder d) { ObjectId = d.ReadNodeId(); MethodId = d.ReadNodeId(); InputArguments = d.ReadVariantArray(); }
}

/// <summary>Part 4 §5.11.2.</summary>
public sealed class CallMethodResult : IEncodeable
{
    public StatusCode StatusCode { get; set; }
    public StatusCode[]? InputArgumentResults { get; set; }
    public DiagnosticInfo?[]? InputArgumentDiagnosticInfos { get; set; }
    public Variant[]? OutputArguments { get; set; }
    public NodeId BinaryEncodingId => 709;

    public void Encode(BinaryEncoder e) { e.WriteStatusCode(StatusCode); e.WriteStatusCodeArray(InputArgumentResults); e.WriteDiagnosticInfoArray(InputArgumentDiagnosticInfos); e.WriteVariantArray(OutputArguments); }
    public void Decode(BinaryDecoder d) { StatusCode = d.ReadStatusCode(); InputArgumentResults = d.ReadStatusCodeArray(); InputArgumentDiagnosticInfos = d.ReadDiagnosticInfoArray(); OutputArguments = d.ReadVariantArray(); }
}

/// <summary>Part 4 §5.11.2.</summary>
public sealed class CallRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public CallMethodRequest[]? MethodsToCall { get; set; }
    public NodeId BinaryEncodingId => 712;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteEncodeableArray(MethodsToCall); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); MethodsToCall = d.ReadEncodeableArray<CallMethodRequest>(); }
}

/// <summary>Part 4 §5.11.2.</summary>
public sealed class CallResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public CallMethodResult[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 715;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadEncodeableArray<CallMethodResult>(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>A method argument's description (Part 3 §8.6).</summary>
public sealed class Argument : IEncodeable
{
    public string? Name { get; set; }
    public NodeId DataType { get; set; } = NodeId.Null;
    public int ValueRank { get; set; } = -1;
    public uint[]? ArrayDimensions { get; set; }
    public LocalizedText Description { get; set; } = LocalizedText.Null;
    public NodeId BinaryEncodingId => 298;
    public void Encode(BinaryEncoder e) { e.WriteString(Name); e.WriteNodeId(DataType); e.WriteInt32(ValueRank); e.WriteUInt32Array(ArrayDimensions); e.WriteLocalizedText(Description); }
    public void Decode(BinaryDecoder d) { Name = d.ReadString(); DataType = d.ReadNodeId(); ValueRank = d.ReadInt32(); ArrayDimensions = d.ReadUInt32Array(); Description = d.ReadLocalizedText(); }
}
