using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;

namespace Twin.OpcUa.Client;

/// <summary>Who the client is and how it signs in.</summary>
public sealed record ClientOptions
{
    public string ApplicationUri { get; init; } = "urn:planttrust:twin:client";
    public string ApplicationName { get; init; } = "PlantTrust twin client";
    public string SessionName { get; init; } = "twin";

    /// <summary>UserName token credentials; null signs in anonymously.</summary>
    public (string UserName, string Password)? User { get; init; }

    /// <summary>A user certificate with its private key for an X509 identity token; takes precedence over <see cref="User"/>.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? UserCertificate { get; init; }

    public EncodingLimits Limits { get; init; } = EncodingLimits.Default;
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Re-establish a lost connection (new channel, same session where possible) when a request finds it gone. On by default.</summary>
    public bool AutoReconnect { get; init; } = true;
    public double SessionTimeout { get; init; } = 600_000;

    /// <summary>
    /// How long a Publish may stay unanswered — no notification, not even a keep-alive (Part 4 §5.13.1.1) — before the connection is
    /// taken for dead and dropped (<see cref="ClientSession.ChannelClosed"/> reports BadTimeout). Never less than three keep-alive
    /// periods of the slowest subscription.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Read the session's TCP connection with a thread of its own (blocking receives) instead of asynchronous socket I/O: an
    /// answer then wakes one thread instead of two, which roughly halves the wake-ups of a caller that sends one request at
    /// a time and waits for it (docs/opcua.md, "Socket completions"). Costs one thread per connection for the connection's
    /// whole life, so it is off by default; meant for the few sessions that are read from continuously. The caller's code
    /// after awaiting a lone request runs on that thread and must not block on another request of the same session.
    /// </summary>
    public bool ReceiveThread { get; init; }

    /// <summary>
    /// How long the session's connection checks its socket without blocking for an answer on its way before it waits for it
    /// (0 to 1 ms; zero never spins). With <see cref="ReceiveThread"/>, the thread spins after a request went out, before it
    /// blocks in <c>recv</c>, and never while nothing is outstanding. Without one, the thread that handled an answer spins for
    /// the next when answers are coming close together (the caller of a lone request sends its next one from there; one
    /// connection of the process spins at a time). Keeps the CPU awake for an answer expected within microseconds, where a
    /// halted virtual CPU would take tens of µs to wake; costs up to this much CPU per answer of a busy session, and an idle
    /// session, or one asked once a second, never spins (docs/opcua.md, "Socket completions").
    /// </summary>
    public TimeSpan ReceiveSpin
    {
        get => _receiveSpin;
        init => _receiveSpin = Transport.ReceiveSpin.Checked(value, nameof(ReceiveSpin), "ClientOptions.ReceiveSpin");
    }

    private readonly TimeSpan _receiveSpin = DefaultReceiveSpin;

    /// <summary>The spin unless set: a few tens of µs, about one loopback round trip of a secure read.</summary>
    public static readonly TimeSpan DefaultReceiveSpin = TimeSpan.FromMicroseconds(50);

    /// <summary>The secure channel token lifetime asked for (ms); the client renews at 75 % of the granted lifetime.</summary>
    public uint ChannelLifetime { get; init; } = 600_000;

    /// <summary>The client's application instance certificate with its private key; without one only SecurityPolicy None is possible.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>Checks the server's certificate before a secure channel is opened (Part 4 §6.1.3); nothing is trusted by default.</summary>
    public Security.ICertificateValidator ServerCertificateValidator { get; init; } = new Security.PkiCertificateValidator();

    /// <summary>The clock certificates are validated against (simulated time in the twin).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>When set, only endpoints with this security mode are considered; otherwise the strongest mode wins.</summary>
    public MessageSecurityMode? SecurityMode { get; init; }

    /// <summary>
    /// Policies the client will use. The deprecated SHA-1 policies (Basic128Rsa15, Basic256) are absent by default, so a
    /// server offering only them is refused with BadSecurityPolicyRejected; listing them here explicitly enables them.
    /// </summary>
    public IReadOnlyList<string> AllowedPolicies { get; init; } = [.. SecurityPolicies.ByStrength.Where(p => p is not (SecurityPolicies.Basic128Rsa15 or SecurityPolicies.Basic256))];
}

/// <summary>Chooses the endpoint to connect to: the most secure policy both sides support, then the highest security level.</summary>
public static class EndpointSelector
{
    /// <summary>Returns the best endpoint offering <paramref name="tokenType"/>, or throws BadSecurityPolicyRejected when none is usable.</summary>
    public static EndpointDescription Select(IEnumerable<EndpointDescription> endpoints, IReadOnlyCollection<string> allowed, IReadOnlySet<string> implemented, UserTokenType tokenType)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var usable = endpoints
            .Where(e => e.SecurityPolicyUri is { } p && allowed.Contains(p) && implemented.Contains(p))
            .Where(e => e.TransportProfileUri is null or SecurityPolicies.UaTcpTransport)
            .Where(e => (e.UserIdentityTokens ?? []).Any(t => t.TokenType == tokenType))
            .OrderByDescending(e => SecurityPolicies.Strength(e.SecurityPolicyUri))
            .ThenByDescending(e => e.SecurityMode)
            .ThenByDescending(e => e.SecurityLevel)
            .FirstOrDefault();
        return usable ?? throw new UaException(StatusCodes.BadSecurityPolicyRejected, $"No endpoint offers an allowed security policy with a {tokenType} token.");
    }
}
