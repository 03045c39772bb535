using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

public enum MonitoringMode { Disabled = 0, Sampling = 1, Reporting = 2 }

/// <summary>Part 4 §5.13.2.</summary>
public sealed class CreateSubscriptionRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public double RequestedPublishingInterval { get; set; }
    public uint RequestedLifetimeCount { get; set; }
    public uint RequestedMaxKeepAliveCount { get; set; }
    public uint MaxNotificationsPerPublish { get; set; }
    public bool PublishingEnabled { get; set; }
    public byte Priority { get; set; }
    public NodeId BinaryEncodingId => 787;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(RequestHeader); e.WriteDouble(RequestedPublishingInterval); e.WriteUInt32(RequestedLifetimeCount); e.WriteUInt32(RequestedMaxKeepAliveCount);
        e.WriteUInt32(MaxNotificationsPerPublish); e.WriteBoolean(PublishingEnabled); e.WriteByte(Priority);
    }

    public void Decode(BinaryDecoder d)
    {
        RequestHeader = d.ReadEncodeable<RequestHeader>(); RequestedPublishingInterval = d.ReadDouble(); RequestedLifetimeCount = d.ReadUInt32(); RequestedMaxKeepAliveCount = d.ReadUInt32();
        MaxNotificationsPerPublish = d.ReadUInt32(); PublishingEnabled = d.ReadBoolean(); Priority = d.ReadByte();
    }
}

/// <summary>Part 4 §5.13.2.</summary>
public sealed class CreateSubscriptionResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public double RevisedPublishingInterval { get; set; }
    public uint RevisedLifetimeCount { get; set; }
    public uint RevisedMaxKeepAliveCount { get; set; }
    public NodeId BinaryEncodingId => 790;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(ResponseHeader); e.WriteUInt32(SubscriptionId); e.WriteDouble(RevisedPublishingInterval); e.WriteUInt32(RevisedLifetimeCount); e.WriteUInt32(RevisedMaxKeepAliveCount);
    }

    public void Decode(BinaryDecoder d)
    {
        ResponseHeader = d.ReadEncodeable<ResponseHeader>(); SubscriptionId = d.ReadUInt32(); RevisedPublishingInterval = d.ReadDouble(); RevisedLifetimeCount = d.ReadUInt32(); RevisedMaxKeepAliveCount = d.ReadUInt32();
    }
}

/// <summary>Part 4 §7.21.</summary>
public sealed class MonitoringParameters : IEncodeable
{
    public uint ClientHandle { get; set; }
    public double SamplingInterval { get; set; }
    public ExtensionObject Filter { get; set; } = ExtensionObject.Null;
    public uint QueueSize { get; set; }
    public bool DiscardOldest { get; set; }
    public NodeId BinaryEncodingId => 742;
    public void Encode(BinaryEncoder e) { e.WriteUInt32(ClientHandle); e.WriteDouble(SamplingInterval); e.WriteExtensionObject(Filter); e.WriteUInt32(QueueSize); e.WriteBoolean(DiscardOldest); }
    public void Decode(BinaryDecoder d) { ClientHandle = d.ReadUInt32(); SamplingInterval = d.ReadDouble(); Filter = d.ReadExtensionObject(); QueueSize = d.ReadUInt32(); DiscardOldest = d.ReadBoolean(); }
}

/// <summary>Part 4 §5.12.2.</summary>
public sealed class MonitoredItemCreateRequest : IEncodeable
{
    public ReadValueId ItemToMonitor { get; set; } = new();
    public MonitoringMode MonitoringMode { get; set; }
    public MonitoringParameters RequestedParameters { get; set; } = new();
    public NodeId BinaryEncodingId => 745;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ItemToMonitor); e.WriteInt32((int)MonitoringMode); e.WriteEncodeable(RequestedParameters); }
    public void Decode(BinaryDecoder d) { ItemToMonitor = d.ReadEncodeable<ReadValueId>(); MonitoringMode = (MonitoringMode)d.ReadInt32(); RequestedParameters = d.ReadEncodeable<MonitoringParameters>(); }
}

/// <summary>Part 4 §5.12.2.</summary>
public sealed class MonitoredItemCreateResult : IEncodeable
{
    public StatusCode StatusCode { get; set; }
    public uint MonitoredItemId { get; set; }
    public double RevisedSamplingInterval { get; set; }
    public uint RevisedQueueSize { get; set; }
    public ExtensionObject FilterResult { get; set; } = ExtensionObject.Null;
    public NodeId BinaryEncodingId => 748;
    public void Encode(BinaryEncoder e) { e.WriteStatusCode(StatusCode); e.WriteUInt32(MonitoredItemId); e.WriteDouble(RevisedSamplingInterval); e.WriteUInt32(RevisedQueueSize); e.WriteExtensionObject(FilterResult); }
    public void Decode(BinaryDecoder d) { StatusCode = d.ReadStatusCode(); MonitoredItemId = d.ReadUInt32(); RevisedSamplingInterval = d.ReadDouble(); RevisedQueueSize = d.ReadUInt32(); FilterResult = d.ReadExtensionObject(); }
}

/// <summary>Part 4 §5.12.2.</summary>
public sealed class CreateMonitoredItemsRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public TimestampsToReturn TimestampsToReturn { get; set; }
    public MonitoredItemCreateRequest[]? ItemsToCreate { get; set; }
    public NodeId BinaryEncodingId => 751;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteUInt32(SubscriptionId); e.WriteInt32((int)TimestampsToReturn); e.WriteEncodeableArray(ItemsToCreate); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionId = d.ReadUInt32(); TimestampsToReturn = (TimestampsToReturn)d.ReadInt32(); ItemsToCreate = d.ReadEncodeableArray<MonitoredItemCreateRequest>(); }
}

/// <summary>Part 4 §5.12.2.</summary>
public sealed class CreateMonitoredItemsResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public MonitoredItemCreateResult[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 754;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteEncodeableArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadEncodeableArray<MonitoredItemCreateResult>(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.12.6.</summary>
public sealed class DeleteMonitoredItemsRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public uint[]? MonitoredItemIds { get; set; }
    public NodeId BinaryEncodingId => 781;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteUInt32(SubscriptionId); e.WriteUInt32Array(MonitoredItemIds); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionId = d.ReadUInt32(); MonitoredItemIds = d.ReadUInt32Array(); }
}

/// <summary>Part 4 §5.12.6.</summary>
public sealed class DeleteMonitoredItemsResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public StatusCode[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 784;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteStatusCodeArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadStatusCodeArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §7.22.</summary>
public sealed class SubscriptionAcknowledgement : IEncodeable
{
    public uint SubscriptionId { get; set; }
    public uint SequenceNumber { get; set; }
    public NodeId BinaryEncodingId => 823;
    public void Encode(BinaryEncoder e) { e.WriteUInt32(SubscriptionId); e.WriteUInt32(SequenceNumber); }
    public void Decode(BinaryDecoder d) { SubscriptionId = d.ReadUInt32(); SequenceNumber = d.ReadUInt32(); }
}

/// <summary>Part 4 §5.13.5.</summary>
public sealed class PublishRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public SubscriptionAcknowledgement[]? SubscriptionAcknowledgements { get; set; }
    public NodeId BinaryEncodingId => 826;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteEncodeableArray(SubscriptionAcknowledgements); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionAcknowledgements = d.ReadEncodeableArray<SubscriptionAcknowledgement>(); }
}

/// <summary>Part 4 §7.24.</summary>
public sealed class NotificationMessage : IEncodeable
{
    public uint SequenceNumber { get; set; }
    public DateTime PublishTime { get; set; }
    public ExtensionObject[]? NotificationData { get; set; }
    public NodeId BinaryEncodingId => 805;
    public void Encode(BinaryEncoder e) { e.WriteUInt32(SequenceNumber); e.WriteDateTime(PublishTime); e.WriteExtensionObjectArray(NotificationData); }
    public void Decode(BinaryDecoder d) { SequenceNumber = d.ReadUInt32(); PublishTime = d.ReadDateTime(); NotificationData = d.ReadExtensionObjectArray(); }
}

/// <summary>Part 4 §5.13.5.</summary>
public sealed class PublishResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public uint SubscriptionId { get; set; }
    public uint[]? AvailableSequenceNumbers { get; set; }
    public bool MoreNotifications { get; set; }
    public NotificationMessage NotificationMessage { get; set; } = new();
    public StatusCode[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 829;

    public void Encode(BinaryEncoder e)
    {
        e.WriteEncodeable(ResponseHeader); e.WriteUInt32(SubscriptionId); e.WriteUInt32Array(AvailableSequenceNumbers); e.WriteBoolean(MoreNotifications);
        e.WriteEncodeable(NotificationMessage); e.WriteStatusCodeArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos);
    }

    public void Decode(BinaryDecoder d)
    {
        ResponseHeader = d.ReadEncodeable<ResponseHeader>(); SubscriptionId = d.ReadUInt32(); AvailableSequenceNumbers = d.ReadUInt32Array(); MoreNotifications = d.ReadBoolean();
        NotificationMessage = d.ReadEncodeable<NotificationMessage>(); Results = d.ReadStatusCodeArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray();
    }
}

/// <summary>Part 4 §7.25.2.</summary>
public sealed class MonitoredItemNotification : IEncodeable
{
    public uint ClientHandle { get; set; }
    public DataValue Value { get; set; } = new();
    public NodeId BinaryEncodingId => 808;
    public void Encode(BinaryEncoder e) { e.WriteUInt32(ClientHandle); e.WriteDataValue(Value); }
    public void Decode(BinaryDecoder d) { ClientHandle = d.ReadUInt32(); Value = d.ReadDataValue(); }
}

/// <summary>Part 4 §7.25.2.</summary>
public sealed class DataChangeNotification : IEncodeable
{
    public MonitoredItemNotification[]? MonitoredItems { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 811;
    public void Encode(BinaryEncoder e) { e.WriteEncodeableArray(MonitoredItems); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { MonitoredItems = d.ReadEncodeableArray<MonitoredItemNotification>(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}

/// <summary>Part 4 §5.13.8.</summary>
public sealed class DeleteSubscriptionsRequest : IServiceRequest
{
    public RequestHeader RequestHeader { get; set; } = new();
    public uint[]? SubscriptionIds { get; set; }
    public NodeId BinaryEncodingId => 847;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(RequestHeader); e.WriteUInt32Array(SubscriptionIds); }
    public void Decode(BinaryDecoder d) { RequestHeader = d.ReadEncodeable<RequestHeader>(); SubscriptionIds = d.ReadUInt32Array(); }
}

/// <summary>Part 4 §5.13.8.</summary>
public sealed class DeleteSubscriptionsResponse : IServiceResponse
{
    public ResponseHeader ResponseHeader { get; set; } = new();
    public StatusCode[]? Results { get; set; }
    public DiagnosticInfo?[]? DiagnosticInfos { get; set; }
    public NodeId BinaryEncodingId => 850;
    public void Encode(BinaryEncoder e) { e.WriteEncodeable(ResponseHeader); e.WriteStatusCodeArray(Results); e.WriteDiagnosticInfoArray(DiagnosticInfos); }
    public void Decode(BinaryDecoder d) { ResponseHeader = d.ReadEncodeable<ResponseHeader>(); Results = d.ReadStatusCodeArray(); DiagnosticInfos = d.ReadDiagnosticInfoArray(); }
}
