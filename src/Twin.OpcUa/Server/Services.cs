using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Sessions;

namespace Twin.OpcUa.Server;

/// <summary>What a service call knows about the channel it arrived on.</summary>
internal sealed record ChannelContext(uint ChannelId, MessageSecurityMode SecurityMode, string SecurityPolicyUri, ChannelSecurity Security, CancellationToken Closed)
{
    // Created by the first action queued: a context is made per request, and almost no request queues one.
    private System.Collections.Concurrent.ConcurrentQueue<Action>? _afterResponse;

    /// <summary>Queues an action to run once the response is on the wire.</summary>
    public void AfterResponse(Action action) => LazyInitializer.EnsureInitialized(ref _afterResponse).Enqueue(action);

    /// <summary>True when a service queued an action for after its response.</summary>
    public bool HasAfterResponse => _afterResponse is { IsEmpty: false };

    /// <summary>Runs the actions queued by <see cref="AfterResponse"/>, in order.</summary>
    public void RunAfterResponse()
    {
        if (_afterResponse is not { } queue) return;
        while (queue.TryDequeue(out var after)) after();
    }
}

/// <summary>
/// The services of Part 4 over one address space. Each request is checked for a valid, activated session where the
/// service needs one; services this server does not implement answer BadServiceUnsupported.
/// </summary>
internal sealed partial class Services
{
    private ServerOptions _options;
    private readonly AddressSpace _space;
    private readonly SessionManager _sessions;
    private readonly Func<string> _endpointUrl;
    private readonly Events.EventHub _events;

    public Services(ServerOptions options, AddressSpace space, Func<string> endpointUrl, Events.EventHub? events = null)
    {
        _options = options;
        _events = events ?? new Events.EventHub();
        _space = space;
        _endpointUrl = endpointUrl;
        _sessions = new SessionManager(options);
    }

    public SessionManager Sessions => _sessions;

    /// <summary>The options in force; replaced when ApplyChanges installs a new application certificate.</summary>
    public ServerOptions Options
    {
        get => Volatile.Read(ref _options);
        set => Volatile.Write(ref _options, value);
    }

    public async ValueTask<IServiceResponse> DispatchAsync(ChannelContext channel, IEncodeable request)
    {
        try
        {
            if (!_options.OfferNone && channel.SecurityPolicyUri == SecurityPolicies.None && request is not (GetEndpointsRequest or FindServersRequest))
                return ServiceFault.For((request as IServiceRequest)?.RequestHeader, StatusCodes.BadSecurityPolicyRejected);
            return request switch
            {
                GetEndpointsRequest r => GetEndpoints(r),
                FindServersRequest r => FindServers(r),
                CreateSessionRequest r => Audited(channel, r, () => CreateSession(channel, r)),
                ActivateSessionRequest r => Audited(channel, r, () => ActivateSession(channel, r)),
                CloseSessionRequest r => CloseSession(channel, r),
                BrowseRequest r => Browse(Session(channel, r.RequestHeader), r),
                BrowseNextRequest r => BrowseNext(Session(channel, r.RequestHeader), r),
                TranslateBrowsePathsToNodeIdsRequest r => Translate(Session(channel, r.RequestHeader), r),
                RegisterNodesRequest r => RegisterNodes(Session(channel, r.RequestHeader), r),
                UnregisterNodesRequest r => UnregisterNodes(Session(channel, r.RequestHeader), r),
                ReadRequest r => Read(Session(channel, r.RequestHeader), r),
                WriteRequest r => Write(Session(channel, r.RequestHeader), r),
                CallRequest r => await CallAsync(channel, Session(channel, r.RequestHeader), r).ConfigureAwait(false),
                CreateSubscriptionRequest r => CreateSubscription(Session(channel, r.RequestHeader), r),
                CreateMonitoredItemsRequest r => CreateMonitoredItems(Session(channel, r.RequestHeader), r),
                DeleteMonitoredItemsRequest r => DeleteMonitoredItems(Session(channel, r.RequestHeader), r),
                PublishRequest r => await PublishAsync(channel, Session(channel, r.RequestHeader), r).ConfigureAwait(false),
                DeleteSubscriptionsRequest r => DeleteSubscriptions(Session(channel, r.RequestHeader), r),
                ModifySubscriptionRequest r => ModifySubscription(Session(channel, r.RequestHeader), r),
                SetPublishingModeRequest r => SetPublishingMode(Session(channel, r.RequestHeader), r),
                RepublishRequest r => Republish(Session(channel, r.RequestHeader), r),
                SetMonitoringModeRequest r => SetMonitoringMode(Session(channel, r.RequestHeader), r),
                ModifyMonitoredItemsRequest r => ModifyMonitoredItems(Session(channel, r.RequestHeader), r),
                IServiceRequest r => ServiceFault.For(r.RequestHeader, StatusCodes.BadServiceUnsupported),
                _ => ServiceFault.For(null, StatusCodes.BadServiceUnsupported),
            };
        }
        catch (UaException e)
        {
            return ServiceFault.For((request as IServiceRequest)?.RequestHeader, e.StatusCode.Code);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException or NullReferenceException or IndexOutOfRangeException or OverflowException or FormatException or KeyNotFoundException)
        {
            // A request that decoded but makes no sense to a service (or a handler bug) fails alone; the server goes on.
            return ServiceFault.For((request as IServiceRequest)?.RequestHeader, StatusCodes.BadInternalError);
        }
    }

    /// <summary>The session named by the request's authentication token; it must be activated on this channel (Part 4 §5.6.3).</summary>
    private Session Session(ChannelContext channel, RequestHeader header)
    {
        var session = _sessions.Find(header.AuthenticationToken) ?? throw new UaException(StatusCodes.BadSessionIdInvalid, "No session has this authentication token.");
        if (!session.Activated) throw new UaException(StatusCodes.BadSessionNotActivated, "The session is not activated.");
        if (session.ChannelId != channel.ChannelId) throw new UaException(StatusCodes.BadSecureChannelIdInvalid, "The session is bound to another secure channel.");
        session.LastContact = _options.Time.GetUtcNow().UtcDateTime;
        return session;
    }

    /// <summary>Checks the operation count of a request: none is BadNothingToDo, too many is BadTooManyOperations.</summary>
    private static T[] Operations<T>(T[]? items)
    {
        if (items is null || items.Length == 0) throw new UaException(StatusCodes.BadNothingToDo, "The request has no operations.");
        if (items.Length > ServerLimits.MaxNodesPerCall) throw new UaException(StatusCodes.BadTooManyOperations, $"More than {ServerLimits.MaxNodesPerCall} operations.");
        return items;
    }

    /// <summary>Keeps the timestamps the client asked for (Part 4 §7.40).</summary>
    internal static DataValue ApplyTimestamps(DataValue value, TimestampsToReturn which)
    {
        var now = DateTime.UtcNow;
        return which switch
        {
            TimestampsToReturn.Source => value with { ServerTimestamp = null, ServerPicoseconds = 0 },
            TimestampsToReturn.Server => value with { SourceTimestamp = null, SourcePicoseconds = 0, ServerTimestamp = now },
            TimestampsToReturn.Neither => value with { SourceTimestamp = null, ServerTimestamp = null, SourcePicoseconds = 0, ServerPicoseconds = 0 },
            _ => value with { ServerTimestamp = now },
        };
    }

    /// <summary>
    /// One endpoint per offered policy and mode (Part 4 §5.4.4). On secure endpoints the UserName token uses the channel's policy to
    /// encrypt the password; on the None endpoint it is sent as is, which is why a twin should switch None off outside tests.
    /// </summary>
    private EndpointDescription[] Endpoints(string? requestedUrl)
    {
        var url = _endpointUrl();
        UserTokenPolicy[] Tokens(bool secure)
        {
            var tokens = new List<UserTokenPolicy>();
            if (_options.AllowAnonymous) tokens.Add(new UserTokenPolicy { PolicyId = "anonymous", TokenType = UserTokenType.Anonymous });
            if (_options.Users.Count > 0) tokens.Add(new UserTokenPolicy { PolicyId = "username", TokenType = UserTokenType.UserName, SecurityPolicyUri = secure ? null : NoneEndpointTokenPolicy });
            // An X509 token is signed under a policy: on the None endpoint only when the server has a certificate to name one.
            if (_options.UserCertificateValidator is not null && (secure || NoneEndpointTokenPolicy != SecurityPolicies.None))
                tokens.Add(new UserTokenPolicy { PolicyId = "x509", TokenType = UserTokenType.Certificate, SecurityPolicyUri = secure ? null : NoneEndpointTokenPolicy });
            return [.. tokens];
        }
        var endpoints = new List<EndpointDescription>();
        if (_options.Certificate is { } certificate)
        {
            foreach (var uri in _options.SecurityPolicyUris.Where(u => SecurityPolicy.Find(u) is not null))
                foreach (var mode in new[] { MessageSecurityMode.SignAndEncrypt, MessageSecurityMode.Sign })
                    endpoints.Add(new EndpointDescription
                    {
                        EndpointUrl = url, Server = Description(), ServerCertificate = certificate.RawData, SecurityMode = mode, SecurityPolicyUri = uri,
                        UserIdentityTokens = Tokens(secure: true), TransportProfileUri = SecurityPolicies.UaTcpTransport,
                        SecurityLevel = (byte)(SecurityPolicies.Strength(uri) * 10 + (mode == MessageSecurityMode.SignAndEncrypt ? 5 : 0)),
                    });
        }
        if (_options.OfferNone)
            endpoints.Add(new EndpointDescription
            {
                EndpointUrl = url, Server = Description(), ServerCertificate = _options.Certificate?.RawData, SecurityMode = MessageSecurityMode.None,
                SecurityPolicyUri = SecurityPolicies.None, UserIdentityTokens = Tokens(secure: false), TransportProfileUri = SecurityPolicies.UaTcpTransport, SecurityLevel = 0,
            });
        return [.. endpoints];
    }

    /// <summary>
    /// The policy that protects a password sent on the None endpoint: the strongest offered policy when the server has a certificate
    /// (the password is encrypted for it), otherwise None (the password travels in clear).
    /// </summary>
    internal string NoneEndpointTokenPolicy => _options.Certificate is not null && _options.SecurityPolicyUris.FirstOrDefault(u => SecurityPolicy.Find(u) is not null) is { } strongest
        ? strongest
        : SecurityPolicies.None;

    private ApplicationDescription Description() => new()
    {
        ApplicationUri = _options.ApplicationUri, ProductUri = _options.ProductUri, ApplicationName = new LocalizedText("en", _options.ApplicationName),
        ApplicationType = ApplicationType.Server, DiscoveryUrls = [_endpointUrl()],
    };

    /// <summary>Part 4 §5.4.4: every endpoint, whatever URL the client used (it may have come through a NAT or alias).</summary>
    private GetEndpointsResponse GetEndpoints(GetEndpointsRequest r)
    {
        var endpoints = Endpoints(r.EndpointUrl);
        if (r.ProfileUris is { Length: > 0 } profiles && !profiles.Contains(SecurityPolicies.UaTcpTransport)) endpoints = [];
        return new GetEndpointsResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Endpoints = endpoints };
    }

    /// <summary>Part 4 §5.4.2: this server only, filtered by ServerUris when given.</summary>
    private FindServersResponse FindServers(FindServersRequest r)
    {
        var servers = r.ServerUris is { Length: > 0 } uris && !uris.Contains(_options.ApplicationUri) ? Array.Empty<ApplicationDescription>() : [Description()];
        return new FindServersResponse { ResponseHeader = ResponseHeader.For(r.RequestHeader), Servers = servers };
    }
}
