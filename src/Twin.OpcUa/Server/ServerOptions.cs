using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Server;

/// <summary>A user the server accepts with a UserName token, and the roles the user holds.</summary>
public sealed record UserAccount(string UserName, string Password, IReadOnlySet<string> Roles);

/// <summary>Well-known role names (Part 3 §4.9.2); permissions on nodes are granted to these.</summary>
public static class Roles
{
    public const string Anonymous = "Anonymous";
    public const string AuthenticatedUser = "AuthenticatedUser";
    public const string Observer = "Observer";
    public const string Operator = "Operator";
    public const string Engineer = "Engineer";
    public const string Supervisor = "Supervisor";
    public const string ConfigureAdmin = "ConfigureAdmin";
    public const string SecurityAdmin = "SecurityAdmin";
}

/// <summary>How a server host presents itself and whom it lets in. Safe defaults: 127.0.0.1, anonymous only.</summary>
public sealed record ServerOptions
{
    public string ApplicationUri { get; init; } = "urn:planttrust:twin:server";
    public string ProductUri { get; init; } = "urn:planttrust:twin-opcua";
    public string ApplicationName { get; init; } = "PlantTrust twin server";

    /// <summary>Accept the Anonymous user token (Part 4 §7.41.3).</summary>
    public bool AllowAnonymous { get; init; } = true;

    /// <summary>Accounts accepted with a UserName token; empty means the UserName token is not offered.</summary>
    public IReadOnlyList<UserAccount> Users { get; init; } = [];

    public EncodingLimits Limits { get; init; } = EncodingLimits.Default;

    /// <summary>Most connections at once; a further one is answered with ERR BadTcpServerTooBusy.</summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>Most requests one connection may have in progress (Publish requests included); beyond that the connection is closed.</summary>
    public int MaxRequestsInFlight { get; init; } = 256;

    /// <summary>Shortest security token lifetime granted (ms); shorter requests are revised up to it (Part 4 §5.5.2).</summary>
    public uint MinChannelLifetime { get; init; } = 10_000;

    /// <summary>Longest security token lifetime granted (ms).</summary>
    public uint MaxChannelLifetime { get; init; } = 3_600_000;

    /// <summary>Most sessions at once; further CreateSession calls get BadTooManySessions.</summary>
    public int MaxSessions { get; init; } = 1000;

    /// <summary>Longest session timeout granted (ms).</summary>
    public double MaxSessionTimeout { get; init; } = 3_600_000;

    /// <summary>Most subscriptions per session.</summary>
    public int MaxSubscriptionsPerSession { get; init; } = 100;

    /// <summary>The application instance certificate with its private key; without one only SecurityPolicy None is offered.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// Secure policies offered when a certificate is set (Sign and SignAndEncrypt each). The deprecated SHA-1 policies
    /// (Basic128Rsa15, Basic256) are not in the default list: an OPN for them is refused with BadSecurityPolicyRejected
    /// unless they are listed here explicitly.
    /// </summary>
    public IReadOnlyList<string> SecurityPolicyUris { get; init; } = [SecureChannel.SecurityPolicies.Aes256Sha256RsaPss, SecureChannel.SecurityPolicies.Aes128Sha256RsaOaep, SecureChannel.SecurityPolicies.Basic256Sha256];

    /// <summary>Also offer SecurityPolicy None (on by default so discovery works; switch off to refuse plaintext sessions).</summary>
    public bool OfferNone { get; init; } = true;

    /// <summary>Checks client application certificates (Part 4 §6.1.3); a trust list with nothing trusted when not set.</summary>
    public Security.ICertificateValidator CertificateValidator { get; init; } = new Security.PkiCertificateValidator();

    /// <summary>Checks user certificates of X509 identity tokens (Part 4 §7.41.5); null means X509 tokens are not offered.</summary>
    public Security.ICertificateValidator? UserCertificateValidator { get; init; }

    /// <summary>The roles of a user who signed in with a certificate (after validation); AuthenticatedUser is always added.</summary>
    public Func<System.Security.Cryptography.X509Certificates.X509Certificate2, IReadOnlySet<string>> UserCertificateRoles { get; init; } = _ => new HashSet<string>();

    /// <summary>Where security audit events (channel, session and certificate failures and successes) are raised (Part 5 §6.4).</summary>
    public AuditEventSink Audit { get; init; } = new();

    /// <summary>
    /// The roles whose sessions receive audit events through event subscriptions (they name users, channels and certificates);
    /// other sessions receive the other events only.
    /// </summary>
    public IReadOnlySet<string> AuditEventRoles { get; init; } = new HashSet<string> { Roles.SecurityAdmin };

    /// <summary>The owner's part in push certificate management (key source, applied changes); null: keys in memory, nobody told.</summary>
    public Gds.CertificateManagementHooks? CertificateManagement { get; init; }

    /// <summary>The clock for token lifetimes and session timeouts.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// How long the server checks a TCP connection whose client is busy — its request arrived within twice this long of the one
    /// before — for the next request, without blocking, before it waits for it asynchronously (0 to 1 ms; zero never spins). A
    /// client that turns an answer into its next request at once then finds the server's thread still awake: no wake-up of a
    /// sleeping thread, which on a virtual machine costs tens of µs per request. One server connection of the process spins at a
    /// time; it costs up to this much CPU per request of a busy connection, and an idle connection, or one asked once a second,
    /// never spins. Used by <see cref="UaServerHost.StartTcp"/>, which also passes <see cref="EncodingLimits.ReceiveBufferSize"/>
    /// to the listener (docs/opcua.md, "The spin for a busy peer").
    /// </summary>
    public TimeSpan ReceiveSpin
    {
        get => _receiveSpin;
        init => _receiveSpin = Transport.ReceiveSpin.Checked(value, nameof(ReceiveSpin), "ServerOptions.ReceiveSpin");
    }

    private readonly TimeSpan _receiveSpin = DefaultReceiveSpin;

    /// <summary>The server's spin unless set: a few tens of µs, about what a client takes to turn an answer into its next request.</summary>
    public static readonly TimeSpan DefaultReceiveSpin = TimeSpan.FromMicroseconds(50);
}
