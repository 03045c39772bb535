using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Client;

// Part 4 §5.6.2.2: the endpoints a server names in its CreateSession response must be the endpoints discovery offered.
// GetEndpoints travels on an unprotected channel; CreateSession on the chosen secure one. A man in the middle who rewrote
// the discovery answer (dropping the secure endpoints, so that a client settles for less) is caught here.
public sealed partial class ClientSession
{
    private EndpointDescription[]? _discovered;

    /// <summary>
    /// Closes the new session and throws BadSecurityChecksFailed when the endpoints of <paramref name="created"/> and the discovery
    /// answer differ in policies, modes or certificates.
    /// </summary>
    private async Task CheckServerEndpointsAsync(CreateSessionResponse created, CancellationToken ct)
    {
        if (_discovered is null) return; // connected to a known endpoint, without discovery: nothing to compare
        var fromSession = created.ServerEndpoints ?? [];
        if (SameEndpoints(_discovered, fromSession)) return;
        try
        {
            await _channel.CallAsync<CloseSessionResponse>(new CloseSessionRequest { DeleteSubscriptions = true }, created.AuthenticationToken, _options.RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (UaException) { } // the session times out on the server anyway
        throw new UaException(StatusCodes.BadSecurityChecksFailed,
            $"The server's CreateSession endpoints ({Describe(fromSession)}) differ from the endpoints discovery offered ({Describe(_discovered)}): the discovery answer was altered.");
    }

    /// <summary>Whether two endpoint lists offer the same security: the same (policy, mode, certificate) for the UA-TCP transport.</summary>
    public static bool SameEndpoints(IReadOnlyList<EndpointDescription> discovered, IReadOnlyList<EndpointDescription> fromSession)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        ArgumentNullException.ThrowIfNull(fromSession);
        return SecurityOf(discovered).SetEquals(SecurityOf(fromSession));
    }

    private static HashSet<(string, MessageSecurityMode, string)> SecurityOf(IEnumerable<EndpointDescription> endpoints) =>
        endpoints.Where(e => e.TransportProfileUri is null or SecurityPolicies.UaTcpTransport)
            .Select(e => (e.SecurityPolicyUri ?? "", e.SecurityMode,
                e.SecurityMode == MessageSecurityMode.None ? "" : Convert.ToBase64String(e.ServerCertificate ?? [])))
            .ToHashSet();

    private static string Describe(IEnumerable<EndpointDescription> endpoints) =>
        string.Join(", ", endpoints.Select(e => $"{e.SecurityPolicyUri?[(e.SecurityPolicyUri.LastIndexOf('#') + 1)..]}/{e.SecurityMode}").Distinct());

    /// <summary>
    /// Connects to <paramref name="endpoint"/> as given, without asking GetEndpoints first (a client configured with a known
    /// endpoint). The server alone decides whether it serves that endpoint; nothing is compared.
    /// </summary>
    public static async Task<ClientSession> ConnectToEndpointAsync(string endpointUrl, EndpointDescription endpoint, ClientOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new ClientOptions();
        Func<CancellationToken, Task<UaConnection>> connect = c => SocketPipes.ConnectAsync(endpointUrl, c);
        var security = endpoint.SecurityPolicyUri is null or SecurityPolicies.None ? ChannelSecurity.None(isServer: false) : SecureChannelFor(endpoint, options);
        var channel = await OpenChannelAsync(connect, endpointUrl, options, security, ct).ConfigureAwait(false);
        try
        {
            var session = new ClientSession(connect, endpointUrl, options, channel, endpoint);
            await session.CreateAndActivateAsync(ct).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await channel.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }
}
