using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

/// <summary>A service request: it starts with a RequestHeader (Part 4 §7.33).</summary>
public interface IServiceRequest : IEncodeable
{
    RequestHeader RequestHeader { get; set; }
}

/// <summary>A service response: it starts with a ResponseHeader (Part 4 §7.34).</summary>
public interface IServiceResponse : IEncodeable
{
    ResponseHeader ResponseHeader { get; set; }
}

/// <summary>Part 4 §7.33.</summary>
public sealed class RequestHeader : IEncodeable
{
    public NodeId AuthenticationToken { get; set; } = NodeId.Null;
    public DateTime Timestamp { get; set; }
    public uint RequestHandle { get; set; }
    public uint ReturnDiagnostics { get; set; }
    public string? AuditEntryId { get; set; }
    public uint TimeoutHint { get; set; }
    public ExtensionObject AdditionalHeader { get; set; } = ExtensionObject.Null;
    public NodeId BinaryEncodingId => 391;

    public void Encode(BinaryEncoder e)
    {
        e.WriteNodeId(AuthenticationToken); e.WriteDateTime(Timestamp); e.WriteUInt32(RequestHandle); e.WriteUInt32(ReturnDiagnostics);
        e.WriteString(AuditEntryId); e.WriteUInt32(TimeoutHint); e.WriteExtensionObject(AdditionalHeader);
    }

    public void Decode(BinaryDecoder d)
    {
        AuthenticationToken = d.ReadNodeId(); Timestamp = d.ReadDateTime(); RequestHandle = d.ReadUInt32(); ReturnDiagnostics = d.ReadUInt32();
        AuditEntryId = d.ReadString(); TimeoutHint = d.ReadUInt32(); AdditionalHeader = d.ReadExtensionObject();
    }
}

/// <summary>Part 4 §7.34.</summary>
public sealed class ResponseHeader : IEncodeable
{
    public DateTime Timestamp { get; set; }
    public uint RequestHandle { get; set; }
    public StatusCode ServiceResult { get; set; }
    public DiagnosticInfo? ServiceDiagnostics { get; set; }
    public string?[]? StringTable { get; set; }
    public ExtensionObject AdditionalHeader { get; set; } = ExtensionObject.Null;
    public NodeId BinaryEncodingId => 394;

    /// <summary>A header answering <paramref name="request"/> with the current time.</summary>
    public static ResponseHeader For(RequestHeader? request, uint serviceResult = StatusCodes.Good) =>
        new() { Timestamp = DateTime.UtcNow, RequestHandle = request?.RequestHandle ?? 0, ServiceResult = serviceResult };

    public void Encode(BinaryEncoder e)
    {
        e.WriteDateTime(Timestamp); e.WriteUInt32(RequestHandle); e.WriteStatusCode(ServiceResult); e.WriteDiagnosticInfo(ServiceDiagnostics);
        e.WriteStringArray(StringTable); e.WriteExtensionObject(AdditionalHeader);
    }

    public void Decode(BinaryDecoder d)
    {
        Timestamp = d.ReadDateTime(); RequestHandle = d.ReadUInt32(); ServiceResult = d.ReadStatusCode(); ServiceDiagnostics = d.ReadDiagnosticInfo();
        StringTable = d.ReadStringArray(); AdditionalHeader = d.ReadExtensionObject();
    }
}

/// <summary>The response to any request that failed as a whole (Part 4 §7.35).</summary>
public sealed class ServiceFault : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public NodeId BinaryEncodingId => 397;
    public void Encode(BinaryEncoder e) => ResponseHeader.Encode(e);
    public void Decode(BinaryDecoder d) => ResponseHeader = d.ReadEncodeable<ResponseHeader>();

    public static ServiceFault For(RequestHeader? request, uint status) => new() { ResponseHeader = ResponseHeader.For(request, status) };
}
