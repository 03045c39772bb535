using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

/// <summary>Part 4 §5.4.4.</summary>
public sealed class GetEndpointsRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public string? EndpointUrl { get; set; }
    public string?[]? LocaleIds { get; set; }
    public string?[]? ProfileUris { get; set; }
    public NodeId BinaryEncodingId => 428;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteString(EndpointUrl); e.WriteStringArray(LocaleIds); e.WriteStringArray(ProfileUris); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); EndpointUrl = d.ReadString(); LocaleIds = d.ReadStringArray(); ProfileUris = d.ReadStringArray(); }
}

/// <summary>Part 4 §5.4.4.</summary>
public sealed class GetEndpointsResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public EndpointDescription[]? Endpoints { get; set; }
    public NodeId BinaryEncodingId => 431;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Endpoints); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Endpoints = d.ReadEncodeableArray<EndpointDescription>(); }
}

/// <summary>Part 4 §5.4.2.</summary>
public sealed class FindServersRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public string? EndpointUrl { get; set; }
    public string?[]? LocaleIds { get; set; }
    public string?[]? ServerUris { get; set; }
    public NodeId BinaryEncodingId => 422;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteString(EndpointUrl); e.WriteStringArray(LocaleIds); e.WriteStringArray(ServerUris); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); EndpointUrl = d.ReadString(); LocaleIds = d.ReadStringArray(); ServerUris = d.ReadStringArray(); }
}

/// <summary>Part 4 §5.4.2.</summary>
public sealed class FindServersResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public ApplicationDescription[]? Servers { get; set; }
    public NodeId BinaryEncodingId => 425;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Servers); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Servers = d.ReadEncodeableArray<ApplicationDescription>(); }
}
