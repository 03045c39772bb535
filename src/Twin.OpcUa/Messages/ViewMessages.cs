using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

public enum BrowseDirection { Forward = 0, Inverse = 1, Both = 2 }

public enum NodeClass { Unspecified = 0, Object = 1, Variable = 2, Method = 4, ObjectType = 8, VariableType = 16, ReferenceType = 32, DataType = 64, View = 128 }

/// <summary>Part 4 §7.45.</summary>
public sealed class ViewDescription : IEncodeable
{
    public NodeId ViewId { get; set; } = NodeId.Null;
    public DateTime Timestamp { get; set; }
    public uint ViewVersion { get; set; }
    public NodeId BinaryEncodingId => 513;
    public void Encode(BinaryEncoder e) { e.WriteNodeId(ViewId); e.WriteDateTime(Timestamp); e.WriteUInt32(ViewVersion); }
    public void Decode(BinaryDecoder d) { ViewId = d.ReadNodeId(); Timestamp = d.ReadDateTime(); ViewVersion = d.ReadUInt32(); }
}

/// <summary>Part 4 §5.8.2.2.</summary>
public sealed class BrowseDescription : IEncodeable
{
    public NodeId NodeId { get; set; } = NodeId.Null;
    public BrowseDirection BrowseDirection { get; set; }
    public NodeId ReferenceTypeId { get; set; } = NodeId.Null;
    public bool IncludeSubtypes { get; set; }
    public uint NodeClassMask { get; set; }
    public uint ResultMask { get; set; }
    public NodeId BinaryEncodingId => 516;

    public void Encode(BinaryEncoder e)
    {
        e.WriteNodeId(NodeId); e.WriteInt32((int)BrowseDirection); e.WriteNodeId(ReferenceTypeId); e.WriteBoolean(IncludeSubtypes); e.WriteUInt32(NodeClassMask); e.WriteUInt32(ResultMask);
    }

    public void Decode(BinaryDecoder d)
    {
        NodeId = d.ReadNodeId(); BrowseDirection = (BrowseDirection)d.ReadInt32(); ReferenceTypeId = d.ReadNodeId(); IncludeSubtypes = d.ReadBoolean(); NodeClassMask = d.ReadUInt32(); ResultMask = d.ReadUInt32();
    }
}

/// <summary>Part 4 §7.30.</summary>
public sealed class ReferenceDescription : IEncodeable
{
    public NodeId ReferenceTypeId { get; set; } = Twin.OpcUa.Encoding.NodeId.Null;
    public bool IsForward { get; set; }
    public ExpandedNodeId NodeId { get; set; } = Encoding.ExpandedNodeId.Null;
    public QualifiedName BrowseName { get; set; } = QualifiedName.Null;
    public LocalizedText DisplayName { get; set; } = LocalizedText.Null;
    public NodeClass NodeClass { get; set; }
    public ExpandedNodeId TypeDefinition { get; set; } = ExpandedNodeId.Null;
    public NodeId BinaryEncodingId => 520;

    public void Encode(BinaryEncoder e)
    {
        e.WriteNodeId(ReferenceTypeId); e.WriteBoolean(IsForward); e.WriteExpandedNodeId(NodeId); e.WriteQualifiedName(BrowseName); e.WriteLocalizedText(DisplayName);
        e.WriteInt32((int)NodeClass); e.WriteExpandedNodeId(TypeDefinition);
    }

    public void Decode(BinaryDecoder d)
    {
        ReferenceTypeId = d.ReadNodeId(); IsForward = d.ReadBoolean(); NodeId = d.ReadExpandedNodeId(); BrowseName = d.ReadQualifiedName(); DisplayName = d.ReadLocalizedText();
        NodeClass = (NodeClass)d.ReadInt32(); TypeDefinition = d.ReadExpandedNodeId();
    }
}

/// <summary>Part 4 §7.6.</summary>
public sealed class BrowseResult : IEncodeable
{
    public StatusCode StatusCode { get; set; }
    public byte[]? ContinuationPoint { get; set; }
    public ReferenceDescription[]? References { get; set; }
    public NodeId BinaryEncodingId => 524;
    public void Encode(BinaryEncoder e) { e.WriteStatusCode(StatusCode); e.WriteByteString(ContinuationPoint); e.WriteEncodeableArray(References); }
    public void Decode(BinaryDecoder d) { StatusCode = d.ReadStatusCode(); ContinuationPoint = d.ReadByteString(); References = d.ReadEncodeableArray<ReferenceDescription>(); }
}

/// <summary>Part 4 §5.8.2.</summary>
public sealed class BrowseRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public ViewDescription View { get; set; } = new();
    public uint RequestedMaxReferencesPerNode { get; set; }
    public BrowseDescription[]? NodesToBrowse { get; set; }
    public NodeId BinaryEncodingId => 527;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteEncodeable(View); e.WriteUInt32(RequestedMaxReferencesPerNode); e.WriteEncodeableArray(NodesToBrowse); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); View = d.ReadEncodeable<ViewDescription>(); RequestedMaxReferencesPerNode = d.ReadUInt32(); NodesToBrowse = d.ReadEncodeableArray<BrowseDescription>(); }
}

/// <summary>Part 4 §5.8.2.</summary>
public sealed class BrowseResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public BrowseResult[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 530;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadEncodeableArray<BrowseResult>(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.8.3.</summary>
public sealed class BrowseNextRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public bool ReleaseContinuationPoints { get; set; }
    public byte[]?[]? ContinuationPoints { get; set; }
    public NodeId BinaryEncodingId => 533;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteBoolean(ReleaseContinuationPoints); e.WriteByteStringArray(ContinuationPoints); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); ReleaseContinuationPoints = d.ReadBoolean(); ContinuationPoints = d.ReadByteStringArray(); }
}

/// <summary>Part 4 §5.8.3.</summary>
public sealed class BrowseNextResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public BrowseResult[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 536;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadEncodeableArray<BrowseResult>(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §7.31.</summary>
public sealed class RelativePathElement : IEncodeable
{
    public NodeId ReferenceTypeId { get; set; } = NodeId.Null;
    public bool IsInverse { get; set; }
    public bool IncludeSubtypes { get; set; }
    public QualifiedName TargetName { get; set; } = QualifiedName.Null;
    public NodeId BinaryEncodingId => 539;
    public void Encode(BinaryEncoder e) { e.WriteNodeId(ReferenceTypeId); e.WriteBoolean(IsInverse); e.WriteBoolean(IncludeSubtypes); e.WriteQualifiedName(TargetName); }
    public void Decode(BinaryDecoder d) { ReferenceTypeId = d.ReadNodeId(); IsInverse = d.ReadBoolean(); IncludeSubtypes = d.ReadBoolean(); TargetName = d.ReadQualifiedName(); }
}

/// <summary>Part 4 §5.8.4.2 (a BrowsePath with its RelativePath flattened into Elements).</summary>
public sealed class BrowsePath : IEncodeable
{
    public NodeId StartingNode { get; set; } = NodeId.Null;
    public RelativePathElement[]? Elements { get; set; }
    public NodeId BinaryEncodingId => 545;
    public void Encode(BinaryEncoder e) { e.WriteNodeId(StartingNode); e.WriteEncodeableArray(Elements); }
    public void Decode(BinaryDecoder d) { StartingNode = d.ReadNodeId(); Elements = d.ReadEncodeableArray<RelativePathElement>(); }
}

/// <summary>Part 4 §5.8.4.2.</summary>
public sealed class BrowsePathTarget : IEncodeable
{
    public ExpandedNodeId TargetId { get; set; } = ExpandedNodeId.Null;
    public uint RemainingPathIndex { get; set; }
    public NodeId BinaryEncodingId => 548;
    public void Encode(BinaryEncoder e) { e.WriteExpandedNodeId(TargetId); e.WriteUInt32(RemainingPathIndex); }
    public void Decode(BinaryDecoder d) { TargetId = d.ReadExpandedNodeId(); RemainingPathIndex = d.ReadUInt32(); }
}

/// <summary>Part 4 §5.8.4.2.</summary>
public sealed class BrowsePathResult : IEncodeable
{
    public StatusCode StatusCode { get; set; }
    public BrowsePathTarget[]? Targets { get; set; }
    public NodeId BinaryEncodingId => 551;
    public void Encode(BinaryEncoder e) { e.WriteStatusCode(StatusCode); e.WriteEncodeableArray(Targets); }
    public void Decode(BinaryDecoder d) { StatusCode = d.ReadStatusCode(); Targets = d.ReadEncodeableArray<BrowsePathTarget>(); }
}

/// <summary>Part 4 §5.8.4.</summary>
public sealed class TranslateBrowsePathsToNodeIdsRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public BrowsePath[]? BrowsePaths { get; set; }
    public NodeId BinaryEncodingId => 554;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteEncodeableArray(BrowsePaths); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); BrowsePaths = d.ReadEncodeableArray<BrowsePath>(); }
}

/// <summary>Part 4 §5.8.4.</summary>
public sealed class TranslateBrowsePathsToNodeIdsResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public BrowsePathResult[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 557;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadEncodeableArray<BrowsePathResult>(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.8.5.</summary>
public sealed class RegisterNodesRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public NodeId[]? NodesToRegister { get; set; }
    public NodeId BinaryEncodingId => 560;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteArray(NodesToRegister, static (x, n) => x.WriteNodeId(n)); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); NodesToRegister = d.ReadArray(static x => x.ReadNodeId()); }
}

/// <summary>Part 4 §5.8.5.</summary>
public sealed class RegisterNodesResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public NodeId[]? RegisteredNodeIds { get; set; }
    public NodeId BinaryEncodingId => 563;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteArray(RegisteredNodeIds, static (x, n) => x.WriteNodeId(n)); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); RegisteredNodeIds = d.ReadArray(static x => x.ReadNodeId()); }
}

/// <summary>Part 4 §5.8.6.</summary>
public sealed class UnregisterNodesRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public NodeId[]? NodesToUnregister { get; set; }
    public NodeId BinaryEncodingId => 566;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteArray(NodesToUnregister, static (x, n) => x.WriteNodeId(n)); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); NodesToUnregister = d.ReadArray(static x => x.ReadNodeId()); }
}

/// <summary>Part 4 §5.8.6.</summary>
public sealed class UnregisterNodesResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public NodeId BinaryEncodingId => 569;
    public void Encode(BinaryEncoder e) => e.WriteEncodeable(ResponseHeader);
    public void Decode(BinaryDecoder d) => ResponseHeader = d.ReadEncodeable<ResponseHeader>();
}
