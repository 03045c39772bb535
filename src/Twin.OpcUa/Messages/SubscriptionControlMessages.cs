using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

/// <summary>Part 4 §5.13.3.</summary>
public sealed class ModifySubscriptionRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public double RequestedPublishingInterval { get; set; }
    public uint RequestedLifetimeCount { get; set; }
    public uint RequestedMaxKeepAliveCount { get; set; }
    public uint MaxNotificationsPerPublish { get; set; }
    public byte Priority { get; set; }
    public NodeId BinaryEncodingId => 793;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(RequestHeader); e.WriteUInt32(SubscriptionId); e.WriteDouble(RequestedPublishingInterval); e.WriteUInt32(RequestedLifetimeCount);
        e.WriteUInt32(RequestedMaxKeepAliveCount); e.WriteUInt32(MaxNotificationsPerPublish); e.WriteByte(Priority);
    }

    public void Decode(BinaryDecoder d)
    {
        RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionId = d.ReadUInt32(); RequestedPublishingInterval = d.ReadDouble(); RequestedLifetimeCount = d.ReadUInt32();
        RequestedMaxKeepAliveCount = d.ReadUInt32(); MaxNotificationsPerPublish = d.ReadUInt32(); Priority = d.ReadByte();
    }
}

/// <summary>Part 4 §5.13.3.</summary>
public sealed class ModifySubscriptionResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public double RevisedPublishingInterval { get; set; }
    public uint RevisedLifetimeCount { get; set; }
    public uint RevisedMaxKeepAliveCount { get; set; }
    public NodeId BinaryEncodingId => 796;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteDouble(RevisedPublishingInterval); e.WriteUInt32(RevisedLifetimeCount); e.WriteUInt32(RevisedMaxKeepAliveCount); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); RevisedPublishingInterval = d.ReadDouble(); RevisedLifetimeCount = d.ReadUInt32(); RevisedMaxKeepAliveCount = d.ReadUInt32(); }
}

/// <summary>Part 4 §5.13.4.</summary>
public sealed class SetPublishingModeRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public bool PublishingEnabled { get; set; }
    public uint[]? SubscriptionIds { get; set; }
    public NodeId BinaryEncodingId => 799;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteBoolean(PublishingEnabled); e.WriteUInt32Array(SubscriptionIds); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); PublishingEnabled = d.ReadBoolean(); SubscriptionIds = d.ReadUInt32Array(); }
}

/// <summary>Part 4 §5.13.4 (and §5.12.4 SetMonitoringMode, which answers the same way).</summary>
public sealed class SetPublishingModeResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public StatusCode[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 802;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteStatusCodeArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadStatusCodeArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.13.6.</summary>
public sealed class RepublishRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public uint RetransmitSequenceNumber { get; set; }
    public NodeId BinaryEncodingId => 832;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteUInt32(SubscriptionId); e.WriteUInt32(RetransmitSequenceNumber); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionId = d.ReadUInt32(); RetransmitSequenceNumber = d.ReadUInt32(); }
}

/// <summary>Part 4 §5.13.6.</summary>
public sealed class RepublishResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public NotificationMessage NotificationMessage { get; set; } = new();
    public NodeId BinaryEncodingId => 835;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeable(NotificationMessage); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); NotificationMessage = d.ReadEncodeable<NotificationMessage>(); }
}

/// <summary>Part 4 §5.12.4.</summary>
public sealed class SetMonitoringModeRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public MonitoringMode MonitoringMode { get; set; }
    public uint[]? MonitoredItemIds { get; set; }
    public NodeId BinaryEncodingId => 769;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteUInt32(SubscriptionId); e.WriteInt32((int)MonitoringMode); e.WriteUInt32Array(MonitoredItemIds); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionId = d.ReadUInt32(); MonitoringMode = (MonitoringMode)d.ReadInt32(); MonitoredItemIds = d.ReadUInt32Array(); }
}

/// <summary>Part 4 §5.12.4.</summary>
public sealed class SetMonitoringModeResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public StatusCode[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 772;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteStatusCodeArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadStatusCodeArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.12.3.</summary>
public sealed class MonitoredItemModifyRequest : IEncodeable
{
    public uint MonitoredItemId { get; set; }
    public MonitoringParameters RequestedParameters { get; set; } = new();
    public NodeId BinaryEncodingId => 757;
    public void Encode(BinaryEncoder e) { e.WriteUInt32(MonitoredItemId); e.WriteEncodeable(RequestedParameters); }
    public void Decode(BinaryDecoder d) { MonitoredItemId = d.ReadUInt32(); RequestedParameters = d.ReadEncodeable<MonitoringParameters>(); }
}

/// <summary>Part 4 §5.12.3.</summary>
public sealed class MonitoredItemModifyResult : IEncodeable
{
    public StatusCode StatusCode { get; set; }
    public double RevisedSamplingInterval { get; set; }
    public uint RevisedQueueSize { get; set; }
    public ExtensionObject FilterResult { get; set; } = ExtensionObject.Null;
    public NodeId BinaryEncodingId => 760;
    public void Encode(BinaryEncoder e) { e.WriteStatusCode(StatusCode); e.WriteDouble(RevisedSamplingInterval); e.WriteUInt32(RevisedQueueSize); e.WriteExtensionObject(FilterResult); }
    public void Decode(BinaryDecoder d) { StatusCode = d.ReadStatusCode(); RevisedSamplingInterval = d.ReadDouble(); RevisedQueueSize = d.ReadUInt32(); FilterResult = d.ReadExtensionObject(); }
}

/// <summary>Part 4 §5.12.3.</summary>
public sealed class ModifyMonitoredItemsRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public TimestampsToReturn TimestampsToReturn { get; set; }
    public MonitoredItemModifyRequest[]? ItemsToModify { get; set; }
    public NodeId BinaryEncodingId => 763;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteUInt32(SubscriptionId); e.WriteInt32((int)TimestampsToReturn); e.WriteEncodeableArray(ItemsToModify); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionId = d.ReadUInt32(); TimestampsToReturn = (TimestampsToReturn)d.ReadInt32(); ItemsToModify = d.ReadEncodeableArray<MonitoredItemModifyRequest>(); }
}

/// <summary>Part 4 §5.12.3.</summary>
public sealed class ModifyMonitoredItemsResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public MonitoredItemModifyResult[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 766;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadEncodeableArray<MonitoredItemModifyResult>(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}
