using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Fuzz;

/// <summary>
/// The seed corpus: connection byte streams our own client-side encoders produce (HEL, OPN, the session services, a
/// message split into several chunks, CLO), with fixed values so the files are reproducible. `Twin.OpcUa.Fuzz corpus DIR`
/// writes them; the checked-in copy under Corpus/ is compared with this in the tests.
/// </summary>
public static class SeedCorpus
{
    private static readonly DateTime When = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
    private static readonly NodeId Token = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray(), 0);

    public static IReadOnlyList<(string Name, byte[] Bytes)> Build() =>
    [
        ("01-hello", Hello()),
        ("02-acknowledge", TcpMessages.EncodeAcknowledge(new Acknowledge(0, 65535, 65535, 4 << 20, 64))),
        ("03-error", TcpMessages.EncodeError(StatusCodes.BadSecurityChecksFailed, "refused")),
        ("04-open-none", Stream(Open())),
        ("05-get-endpoints", Stream(Open(), Msg(1, new GetEndpointsRequest { RequestHeader = Header(1), EndpointUrl = "opc.tcp://127.0.0.1:4840", ProfileUris = [SecurityPolicies.UaTcpTransport] }))),
        ("06-session", Stream(Open(),
            Msg(2, new CreateSessionRequest
            {
                RequestHeader = Header(2), ClientDescription = new ApplicationDescription { ApplicationUri = "urn:planttrust:twin:client", ApplicationName = new LocalizedText("client"), ApplicationType = ApplicationType.Client },
                EndpointUrl = "opc.tcp://127.0.0.1:4840", SessionName = "seed", ClientNonce = new byte[32], RequestedSessionTimeout = 60000, MaxResponseMessageSize = 1 << 20,
            }),
            Msg(3, new ActivateSessionRequest
            {
                RequestHeader = Header(3), LocaleIds = ["en"],
                UserIdentityToken = new ExtensionObject(new UserNameIdentityToken { PolicyId = "username", UserName = "operator", Password = [1, 2, 3, 4], EncryptionAlgorithm = null }),
            }),
            Msg(4, new ReadRequest { RequestHeader = Header(4), NodesToRead = [new ReadValueId { NodeId = 2259u, AttributeId = 13 }, new ReadValueId { NodeId = new NodeId("Plant.Temperature", 2), AttributeId = 13 }] }),
            Msg(5, new BrowseRequest { RequestHeader = Header(5), NodesToBrowse = [new BrowseDescription { NodeId = 85u, ReferenceTypeId = 33u, IncludeSubtypes = true, ResultMask = 63 }] }),
            Msg(6, new WriteRequest { RequestHeader = Header(6), NodesToWrite = [new WriteValue { NodeId = new NodeId("Plant.Setpoint", 2), AttributeId = 13, Value = new DataValue(42.5) }] }),
            Msg(7, new CallRequest { RequestHeader = Header(7), MethodsToCall = [new CallMethodRequest { ObjectId = new NodeId("Plant", 2), MethodId = new NodeId("Plant.Add", 2), InputArguments = [2.0, 3.5] }] }),
            Close())),
        ("07-subscription", Stream(Open(),
            Msg(8, new CreateSubscriptionRequest { RequestHeader = Header(8), RequestedPublishingInterval = 50, RequestedLifetimeCount = 600, RequestedMaxKeepAliveCount = 20, PublishingEnabled = true }),
            Msg(9, new CreateMonitoredItemsRequest
            {
                RequestHeader = Header(9), SubscriptionId = 1, TimestampsToReturn = TimestampsToReturn.Both,
                ItemsToCreate = [new MonitoredItemCreateRequest { ItemToMonitor = new ReadValueId { NodeId = new NodeId("Plant.Setpoint", 2), AttributeId = 13 }, MonitoringMode = MonitoringMode.Reporting, RequestedParameters = new MonitoringParameters { ClientHandle = 1, SamplingInterval = 50, QueueSize = 10, DiscardOldest = true } }],
            }),
            Msg(10, new PublishRequest { RequestHeader = Header(10), SubscriptionAcknowledgements = [new SubscriptionAcknowledgement { SubscriptionId = 1, SequenceNumber = 1 }] }))),
        ("08-multi-chunk", Stream(Open(), Msg(11, new ReadRequest
        {
            RequestHeader = Header(11), NodesToRead = [.. Enumerable.Range(0, 150).Select(i => new ReadValueId { NodeId = new NodeId($"Plant.Item{i}", 2), AttributeId = 13 })],
        }, chunkSize: 1024))),
    ];

    private static RequestHeader Header(uint handle) => new() { AuthenticationToken = handle > 2 ? Token : NodeId.Null, Timestamp = When, RequestHandle = handle, TimeoutHint = 10000 };

    private static byte[] Hello() => TcpMessages.EncodeHello(new Hello(0, 65535, 65535, 4 << 20, 64, "opc.tcp://127.0.0.1:4840"));

    private static byte[] Open()
    {
        var body = Body(new OpenSecureChannelRequest { RequestHeader = Header(0), SecurityMode = MessageSecurityMode.None, RequestedLifetime = 600000, ClientNonce = [] });
        return Join(MessageChunk.Encode(MessageType.OpenChannel, 0, new AsymmetricSecurityHeader(SecurityPolicies.None, null, null), 0, () => 1, 1, body, 65535, 0, 0, StatusCodes.BadRequestTooLarge));
    }

    private static byte[] Msg(uint requestId, IEncodeable request, int chunkSize = 65535) =>
        Join(MessageChunk.Encode(MessageType.Message, 1, null, 1, Sequence(requestId), requestId + 1, Body(request), chunkSize, 0, 0, StatusCodes.BadRequestTooLarge));

    private static byte[] Close() => Join(MessageChunk.Encode(MessageType.CloseChannel, 1, null, 1, () => 100, 100, Body(new CloseSecureChannelRequest { RequestHeader = Header(12) }), 65535, 0, 0, StatusCodes.BadRequestTooLarge));

    private static Func<uint> Sequence(uint requestId)
    {
        var next = requestId * 10;
        return () => ++next;
    }

    private static byte[] Body(IEncodeable request)
    {
        var e = new BinaryEncoder(256);
        e.WriteNodeId(request.BinaryEncodingId);
        request.Encode(e);
        return e.ToArray();
    }

    private static byte[] Stream(params byte[][] frames) => Join([Hello(), .. frames]);

    private static byte[] Join(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];
}
