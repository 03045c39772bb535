using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Messages;

public enum ServerState { Running = 0, Failed = 1, NoConfiguration = 2, Suspended = 3, Shutdown = 4, Test = 5, CommunicationFault = 6, Unknown = 7 }

/// <summary>Part 5 §12.4.</summary>
public sealed class BuildInfo : IEncodeable
{
    public string? ProductUri { get; set; }
    public string? ManufacturerName { get; set; }
    public string? ProductName { get; set; }
    public string? SoftwareVersion { get; set; }
    public string? BuildNumber { get; set; }
    public DateTime BuildDate { get; set; }
    public NodeId BinaryEncodingId => 340;

    public void Encode(BinaryEncoder e)
    {
        e.WriteString(ProductUri); e.WriteString(ManufacturerName); e.WriteString(ProductName); e.WriteString(SoftwareVersion); e.WriteString(BuildNumber); e.WriteDateTime(BuildDate);
    }

    public void Decode(BinaryDecoder d)
    {
        ProductUri = d.ReadString(); ManufacturerName = d.ReadString(); ProductName = d.ReadString(); SoftwareVersion = d.ReadString(); BuildNumber = d.ReadString(); BuildDate = d.ReadDateTime();
    }
}

/// <summary>Part 5 §12.10.</summary>
public sealed class ServerStatusDataType : IEncodeable
{
    public DateTime StartTime { get; set; }
    public DateTime CurrentTime { get; set; }
    public ServerState State { get; set; }
    public BuildInfo BuildInfo { get; set; } = new();
    public uint SecondsTillShutdown { get; set; }
    public LocalizedText ShutdownReason { get; set; } = LocalizedText.Null;
    public NodeId BinaryEncodingId => 864;

    public void Encode(BinaryEncoder e)
    {
        e.WriteDateTime(StartTime); e.WriteDateTime(CurrentTime); e.WriteInt32((int)State); e.WriteEncodeable(BuildInfo); e.WriteUInt32(SecondsTillShutdown); e.WriteLocalizedText(ShutdownReason);
    }

    public void Decode(BinaryDecoder d)
    {
        StartTime = d.ReadDateTime(); CurrentTime = d.ReadDateTime(); State = (ServerState)d.ReadInt32(); BuildInfo = d.ReadEncodeable<BuildInfo>(); SecondsTillShutdown = d.ReadUInt32(); ShutdownReason = d.ReadLocalizedText();
    }
}

/// <summary>Every structure this stack encodes and decodes by encoding id.</summary>
public static class KnownTypes
{
    /// <summary>One instance of each known structure, for registration and conformance checks.</summary>
    public static IReadOnlyList<IEncodeable> All { get; } =
    [
        new RequestHeader(), new ResponseHeader(), new ServiceFault(), new ApplicationDescription(), new UserTokenPolicy(), new EndpointDescription(),
        new SignatureData(), new SignedSoftwareCertificate(), new OpenSecureChannelRequest(), new OpenSecureChannelResponse(), new ChannelSecurityToken(),
        new CloseSecureChannelRequest(), new CloseSecureChannelResponse(), new GetEndpointsRequest(), new GetEndpointsResponse(), new FindServersRequest(),
        new FindServersResponse(), new CreateSessionRequest(), new CreateSessionResponse(), new ActivateSessionRequest(), new ActivateSessionResponse(),
        new CloseSessionRequest(), new CloseSessionResponse(), new AnonymousIdentityToken(), new UserNameIdentityToken(), new X509IdentityToken(),
        new ViewDescription(), new BrowseDescription(), new ReferenceDescription(), new BrowseResult(), new BrowseRequest(), new BrowseResponse(),
        new BrowseNextRequest(), new BrowseNextResponse(), new RelativePathElement(), new BrowsePath(), new BrowsePathTarget(), new BrowsePathResult(),
        new TranslateBrowsePathsToNodeIdsRequest(), new TranslateBrowsePathsToNodeIdsResponse(), new ReadValueId(), new ReadRequest(), new ReadResponse(),
        new WriteValue(), new WriteRequest(), new WriteResponse(), new CallMethodRequest(), new CallMethodResult(), new CallRequest(), new CallResponse(),
        new Argument(), new CreateSubscriptionRequest(), new CreateSubscriptionResponse(), new MonitoringParameters(), new MonitoredItemCreateRequest(),
        new MonitoredItemCreateResult(), new CreateMonitoredItemsRequest(), new CreateMonitoredItemsResponse(), new DeleteMonitoredItemsRequest(),
        new DeleteMonitoredItemsResponse(), new SubscriptionAcknowledgement(), new PublishRequest(), new NotificationMessage(), new PublishResponse(),
        new MonitoredItemNotification(), new DataChangeNotification(), new DeleteSubscriptionsRequest(), new DeleteSubscriptionsResponse(),
        new BuildInfo(), new ServerStatusDataType(),
        new ModifySubscriptionRequest(), new ModifySubscriptionResponse(), new SetPublishingModeRequest(), new SetPublishingModeResponse(),
        new RepublishRequest(), new RepublishResponse(), new SetMonitoringModeRequest(), new SetMonitoringModeResponse(),
        new MonitoredItemModifyRequest(), new MonitoredItemModifyResult(), new ModifyMonitoredItemsRequest(), new ModifyMonitoredItemsResponse(),
        new RegisterNodesRequest(), new RegisterNodesResponse(), new UnregisterNodesRequest(), new UnregisterNodesResponse(),
        new SimpleAttributeOperand(), new AttributeOperand(), new ElementOperand(), new LiteralOperand(), new ContentFilterElement(), new ContentFilter(),
        new EventFilter(), new ContentFilterElementResult(), new ContentFilterResult(), new EventFilterResult(), new EventFieldList(), new EventNotificationList(),
    ];

    public static void Register(EncodeableRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var t in All) registry.Add(t.GetType());
    }
}
