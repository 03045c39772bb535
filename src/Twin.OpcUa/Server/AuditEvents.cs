using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Server;

/// <summary>The standard NodeIds of the audit event types a server raises for security events (Part 5 §6.4.3 – §6.4.23).</summary>
public static class AuditEventTypes
{
    public static readonly NodeId AuditOpenSecureChannelEventType = 2060u;
    public static readonly NodeId AuditCreateSessionEventType = 2071u;
    public static readonly NodeId AuditActivateSessionEventType = 2075u;
    public static readonly NodeId AuditCertificateEventType = 2080u;
    public static readonly NodeId AuditCertificateDataMismatchEventType = 2082u;
    public static readonly NodeId AuditCertificateExpiredEventType = 2085u;
    public static readonly NodeId AuditCertificateInvalidEventType = 2086u;
    public static readonly NodeId AuditCertificateUntrustedEventType = 2087u;
    public static readonly NodeId AuditCertificateRevokedEventType = 2088u;
    public static readonly NodeId AuditCertificateMismatchEventType = 2089u;

    /// <summary>
    /// The AuditCertificate subtype for a validation fault (Part 5 §6.4.18 – §6.4.23): time faults are "expired", trust
    /// faults "untrusted", revocation faults (revoked or unknown) "revoked", URI and host name faults "data mismatch".
    /// </summary>
    public static NodeId ForCertificateFault(uint status) => status switch
    {
        StatusCodes.BadCertificateTimeInvalid or StatusCodes.BadCertificateIssuerTimeInvalid => AuditCertificateExpiredEventType,
        StatusCodes.BadCertificateUntrusted or StatusCodes.BadCertificateChainIncomplete => AuditCertificateUntrustedEventType,
        StatusCodes.BadCertificateRevoked or StatusCodes.BadCertificateIssuerRevoked or StatusCodes.BadCertificateRevocationUnknown
            or StatusCodes.BadCertificateIssuerRevocationUnknown => AuditCertificateRevokedEventType,
        StatusCodes.BadCertificateUriInvalid or StatusCodes.BadCertificateHostNameInvalid => AuditCertificateDataMismatchEventType,
        _ => AuditCertificateInvalidEventType,
    };
}

/// <summary>
/// One audit event (Part 5 §6.4.3 AuditEventType and its security subtypes): what happened, whether it succeeded, the
/// status code the server decided on (the precise one, even where the client was told only BadSecurityChecksFailed).
/// </summary>
public sealed record AuditEvent(NodeId EventType, DateTimeOffset Time, bool Status, StatusCode StatusCode, string SourceName, string Message)
{
    /// <summary>The secure channel the event concerns (0 before one is assigned).</summary>
    public uint SecureChannelId { get; init; }

    /// <summary>The session the event concerns, when there is one.</summary>
    public NodeId? SessionId { get; init; }

    /// <summary>The user the client tried to sign in as (ActivateSession).</summary>
    public string? ClientUserId { get; init; }

    /// <summary>The certificate the event concerns (DER): the client's application certificate or a user certificate.</summary>
    public byte[]? Certificate { get; init; }

    public string? SecurityPolicyUri { get; init; }

    /// <summary>The AuditEntryId the client put in the request header (Part 4 §7.32), when it gave one.</summary>
    public string? ClientAuditEntryId { get; init; }

    /// <summary>The node the event is about (the Server object when null); for method calls the object the method belongs to.</summary>
    public NodeId? SourceNode { get; init; }

    /// <summary>The method called (AuditUpdateMethodEventType.MethodId).</summary>
    public NodeId? MethodId { get; init; }

    /// <summary>Part 12 CertificateUpdatedAuditEventType: the certificate group and certificate type that changed.</summary>
    public NodeId? CertificateGroup { get; init; }

    public NodeId? CertificateType { get; init; }

    /// <summary>Part 12 TrustListUpdatedAuditEventType: the TrustList object that changed.</summary>
    public NodeId? TrustListId { get; init; }

    /// <summary>OpenSecureChannel: Issue or Renew, the security mode and the token lifetime the client asked for (ms).</summary>
    public Messages.SecurityTokenRequestType? RequestType { get; init; }

    public Messages.MessageSecurityMode? SecurityMode { get; init; }

    public double? RequestedLifetime { get; init; }

    /// <summary>CreateSession: the session timeout the server granted (ms).</summary>
    public double? RevisedSessionTimeout { get; init; }

    /// <summary>
    /// ActivateSession: the user identity token with its secret removed (a UserName token without its password, an X509 token
    /// with its public certificate only).
    /// </summary>
    public IEncodeable? UserIdentityToken { get; init; }
}

/// <summary>Who is calling a method right now, so audit records raised by its handler name the user and the client's audit entry.</summary>
internal static class AuditCaller
{
    private static readonly AsyncLocal<(string? User, string? AuditEntryId)?> Current = new();

    public static (string? User, string? AuditEntryId)? Now => Current.Value;

    public static IDisposable Enter(string? user, string? auditEntryId)
    {
        var previous = Current.Value;
        Current.Value = (user, auditEntryId);
        return new Scope(previous);
    }

    private sealed class Scope((string?, string?)? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}

/// <summary>
/// Where a server raises its audit events; the twin subscribes to <see cref="Raised"/>. A server host puts its own sink in front of
/// the one in its options: every record still reaches this one and also becomes an OPC UA event in the host's address space.
/// </summary>
public sealed class AuditEventSink
{
    private readonly AuditEventSink? _next;
    private readonly Events.EventHub? _events;
    private readonly string _serverUri = "";

    public AuditEventSink() { }

    internal AuditEventSink(AuditEventSink next, Events.EventHub events, string serverUri)
    {
        _next = next;
        _events = events;
        _serverUri = serverUri;
    }

    /// <summary>Raised for each audit event, on the thread that handles the request; keep handlers short.</summary>
    public event Action<AuditEvent>? Raised;

    internal bool IsWatched => Raised is not null || (_next?.IsWatched ?? false) || (_events?.HasListeners ?? false);

    internal void Raise(AuditEvent e)
    {
        if (_events is not null && AuditCaller.Now is { } caller)
            e = e with { ClientUserId = e.ClientUserId ?? caller.User, ClientAuditEntryId = e.ClientAuditEntryId ?? caller.AuditEntryId };
        _next?.Raise(e);
        if (_events is { HasListeners: true } events) events.Report(Events.AuditEventMapping.ToEvent(e, _serverUri));
        var handlers = Raised;
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<AuditEvent>>())
        {
            try
            {
                handler(e);
            }
#pragma warning disable CA1031 // A subscriber's fault must not take a connection down with it.
            catch (Exception) { }
#pragma warning restore CA1031
        }
    }
}
