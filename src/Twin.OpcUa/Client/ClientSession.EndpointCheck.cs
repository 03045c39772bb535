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

    /// <summary>
    /// Whether two endpoint lists offer the same security: the same (policy, mode) pairs for the UA-TCP transport, and where
    /// both name a server certificate for a pair, the same one. Part 4 §5.6.2.2 lets a server leave certificates out of the
    /// CreateSession list (the response carries its certificate anyway), and a certificate may come with its chain appended:
    /// the leaves are compared.
    /// </summary>
    public static bool SameEndpoints(IReadOnlyList<EndpointDescription> discovered, IReadOnlyList<EndpointDescription> fromSession)
    {
        ArgumentNullException.ThrowIfNull(discovered);
        ArgumentNullException.ThrowIfNull(fromSession);
        var offered = Tcp(discovered).ToList();
        var named = Tcp(fromSession).ToList();
        if (!offered.Select(e => (e.SecurityPolicyUri, e.SecurityMode)).ToHashSet().SetEquals(named.Select(e => (e.SecurityPolicyUri, e.SecurityMode))))
            return false;
        foreach (var e in offered.Where(e => e.SecurityMode != MessageSecurityMode.None && e.ServerCertificate is { Length: > 0 }))
            foreach (var n in named.Where(n => n.SecurityPolicyUri == e.SecurityPolicyUri && n.SecurityMode == e.SecurityMode && n.ServerCertificate is { Length: > 0 }))
                if (!Leaf(e.ServerCertificate!).SequenceEqual(Leaf(n.ServerCertificate!))) return false;
        return true;
    }

    private static IEnumerable<EndpointDescription> Tcp(IEnumerable<EndpointDescription> endpoints) =>
        endpoints.Where(e => e.TransportProfileUri is null or SecurityPolicies.UaTcpTransport);

    // The first DER element of a certificate field that may hold a chain (Part 6 §6.2.3).
    private static ReadOnlySpan<byte> Leaf(byte[] der)
    {
        if (der.Length < 2 || der[0] != 0x30) return der;
        int length = der[1], header = 2;
        if ((length & 0x80) != 0)
        {
            var count = length & 0x7F;
            if (count is 0 or > 4 || der.Length < 2 + count) return der;
            length = 0;
            for (var i = 0; i < count; i++) length = (length << 8) | der[2 + i];
            header += count;
        }
        return header + length <= der.Length && length >= 0 ? der.AsSpan(0, header + length) : der;
    }

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
        Func<CancellationToken, Task<UaConnection>> connect = c => SocketPipes.ConnectAsync(endpointUrl, options.ReceiveThread, options.ReceiveSpin, options.Limits.ReceiveBufferSize, c);
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
