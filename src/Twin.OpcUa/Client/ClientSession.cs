using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Client;

/// <summary>
/// A client session with one server: discovery, endpoint selection, CreateSession/ActivateSession, the attribute, view,
/// method and subscription services, and reconnect (a new channel, the same session where the server still has it).
/// A call that is the only one outstanding resumes its caller on the thread that received the answer: do not block
/// synchronously on another call of this session after awaiting one.
/// </summary>
public sealed partial class ClientSession : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<UaConnection>> _connect;
    private readonly ClientOptions _options;
    private readonly string _endpointUrl;
    private ClientChannel _channel;
    private NodeId _authenticationToken = NodeId.Null;
    private EndpointDescription _endpoint;
    private byte[] _serverNonce = [];

    private ClientSession(Func<CancellationToken, Task<UaConnection>> connect, string endpointUrl, ClientOptions options, ClientChannel channel, EndpointDescription endpoint)
    {
        _connect = connect;
        _endpointUrl = endpointUrl;
        _options = options;
        _channel = channel;
        _endpoint = endpoint;
        Watch(channel);
    }

    public NodeId SessionId { get; private set; } = NodeId.Null;
    public EndpointDescription Endpoint => _endpoint;

    /// <summary>The server's namespace table, read after activation.</summary>
    public IReadOnlyList<string> NamespaceUris { get; private set; } = [];

    public bool IsConnected => _channel.IsOpen;

    /// <summary>Connects over TCP to <paramref name="endpointUrl"/>.</summary>
    public static Task<ClientSession> ConnectAsync(string endpointUrl, ClientOptions? options = null, CancellationToken ct = default) =>
        ConnectAsync(endpointUrl, c => SocketPipes.ConnectAsync(endpointUrl, options?.ReceiveThread == true, options?.ReceiveSpin ?? ClientOptions.DefaultReceiveSpin, (options?.Limits ?? EncodingLimits.Default).ReceiveBufferSize, c), options, ct);

    /// <summary>Connects through <paramref name="connect"/> (TCP, in-process, ...): GetEndpoints on a None channel, endpoint selection, session.</summary>
    public static async Task<ClientSession> ConnectAsync(string endpointUrl, Func<CancellationToken, Task<UaConnection>> connect, ClientOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connect);
        options ??= new ClientOptions();
        var channel = await OpenChannelAsync(connect, endpointUrl, options, ChannelSecurity.None(isServer: false), ct).ConfigureAwait(false);
        try
        {
            var endpoints = await channel.CallAsync<GetEndpointsResponse>(new GetEndpointsRequest { EndpointUrl = endpointUrl, ProfileUris = [SecurityPolicies.UaTcpTransport] },
                NodeId.Null, options.RequestTimeout, ct).ConfigureAwait(false);
            var tokenType = options.UserCertificate is not null ? UserTokenType.Certificate : options.User is null ? UserTokenType.Anonymous : UserTokenType.UserName;
            var implemented = options.Certificate is null ? SecurityPolicies.Implemented : new HashSet<string>(SecurityPolicy.All.Select(p => p.Uri)) { SecurityPolicies.None };
            var candidates = (endpoints.Endpoints ?? []).Where(e => options.SecurityMode is null || e.SecurityMode == options.SecurityMode);
            var endpoint = EndpointSelector.Select(candidates, options.AllowedPolicies, implemented, tokenType);
            if (endpoint.SecurityPolicyUri != SecurityPolicies.None)
            {
                await channel.CloseAsync().ConfigureAwait(false);
                channel = await OpenChannelAsync(connect, endpointUrl, options, SecureChannelFor(endpoint, options), ct).ConfigureAwait(false);
            }
            var session = new ClientSession(connect, endpointUrl, options, channel, endpoint) { _discovered = endpoints.Endpoints ?? [] };
            await session.CreateAndActivateAsync(ct).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await channel.CloseAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Asks a server for its endpoints (Part 4 §5.4.4) without creating a session.</summary>
    public static async Task<EndpointDescription[]> GetEndpointsAsync(string endpointUrl, ClientOptions? options = null, CancellationToken ct = default)
    {
        options ??= new ClientOptions();
        var channel = await OpenChannelAsync(c => SocketPipes.ConnectAsync(endpointUrl, options.ReceiveThread, options.ReceiveSpin, options.Limits.ReceiveBufferSize, c), endpointUrl, options, ChannelSecurity.None(isServer: false), ct).ConfigureAwait(false);
        try
        {
            var r = await channel.CallAsync<GetEndpointsResponse>(new GetEndpointsRequest { EndpointUrl = endpointUrl }, NodeId.Null, options.RequestTimeout, ct).ConfigureAwait(false);
            return r.Endpoints ?? [];
        }
        finally { await channel.CloseAsync().ConfigureAwait(false); }
    }

    private static async Task<ClientChannel> OpenChannelAsync(Func<CancellationToken, Task<UaConnection>> connect, string endpointUrl, ClientOptions options, ChannelSecurity security, CancellationToken ct)
    {
        var connection = await connect(ct).ConfigureAwait(false);
        return await ClientChannel.OpenAsync(connection, endpointUrl, options.Limits, options.ChannelLifetime, security, ct).ConfigureAwait(false);
    }

    /// <summary>Validates the server certificate of a secure endpoint (Part 4 §6.1.3) and prepares the channel's security.</summary>
    private static ChannelSecurity SecureChannelFor(EndpointDescription endpoint, ClientOptions options)
    {
        var policy = SecurityPolicy.Find(endpoint.SecurityPolicyUri)!;
        var serverCertificate = endpoint.ServerCertificate ?? throw new UaException(StatusCodes.BadCertificateInvalid, "The secure endpoint has no server certificate.");
        var verdict = options.ServerCertificateValidator.Validate(new Security.CertificateCheck(serverCertificate, [], Security.CertificateUse.ApplicationInstance, endpoint.Server.ApplicationUri, options.Time.GetUtcNow()));
        if (!verdict.IsGood) throw new UaException(verdict.Status.Code, $"Server certificate refused: {verdict.Reason}");
        return ChannelSecurity.Create(isServer: false, policy, endpoint.SecurityMode, options.Certificate!, serverCertificate);
    }

    private async Task CreateAndActivateAsync(CancellationToken ct)
    {
        var clientNonce = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var created = await _channel.CallAsync<CreateSessionResponse>(new CreateSessionRequest
        {
            ClientDescription = new ApplicationDescription { ApplicationUri = _options.ApplicationUri, ApplicationName = new LocalizedText(_options.ApplicationName), ApplicationType = ApplicationType.Client },
            EndpointUrl = _endpointUrl, SessionName = _options.SessionName, ClientNonce = clientNonce, ClientCertificate = _options.Certificate?.RawData,
            RequestedSessionTimeout = _options.SessionTimeout, MaxResponseMessageSize = (uint)_options.Limits.MaxMessageSize,
        }, NodeId.Null, _options.RequestTimeout, ct).ConfigureAwait(false);
        await CheckServerEndpointsAsync(created, ct).ConfigureAwait(false);
        if (_channel.Security.Policy is { } policy)
        {
            // Part 4 §5.6.2: the server proves possession of its key by signing our certificate and nonce.
            var signed = _options.Certificate!.RawData.Concat(clientNonce).ToArray();
            if (created.ServerSignature.Signature is null || !_channel.Security.VerifyWithRemoteCertificate(signed, created.ServerSignature.Signature))
                throw new UaException(StatusCodes.BadApplicationSignatureInvalid, "The server signature does not verify.");
        }
        SessionId = created.SessionId;
        _authenticationToken = created.AuthenticationToken;
        _serverNonce = created.ServerNonce ?? [];
        await ActivateAsync(ct).ConfigureAwait(false);
        var ns = await ReadAsync([new ReadValueId { NodeId = 2255u, AttributeId = 13 }], ct).ConfigureAwait(false);
        NamespaceUris = ns[0].Value.Value as string[] ?? [];
    }

    private async Task ActivateAsync(CancellationToken ct)
    {
        var policies = _endpoint.UserIdentityTokens ?? [];
        ExtensionObject token;
        var tokenSignature = new SignatureData();
        if (_options.UserCertificate is { } userCertificate)
        {
            var tokenPolicy = policies.First(p => p.TokenType == UserTokenType.Certificate);
            var uri = string.IsNullOrEmpty(tokenPolicy.SecurityPolicyUri) ? _endpoint.SecurityPolicyUri : tokenPolicy.SecurityPolicyUri;
            var tokenSigning = SecurityPolicy.Find(uri) ?? throw new UaException(StatusCodes.BadSecurityPolicyRejected, $"Cannot sign a user token for {uri}.");
            using var userKey = Security.CertificateKeys.PrivateKeyOf(userCertificate) ?? throw new UaException(StatusCodes.BadConfigurationError, "The user certificate has no private key.");
            token = new ExtensionObject(new X509IdentityToken { PolicyId = tokenPolicy.PolicyId, CertificateData = userCertificate.RawData });
            tokenSignature = new SignatureData { Algorithm = tokenSigning.AsymmetricSignatureUri, Signature = tokenSigning.Sign(userKey, [.. _endpoint.ServerCertificate!, .. _serverNonce]) };
        }
        else if (_options.User is { } user)
        {
            var tokenPolicy = policies.First(p => p.TokenType == UserTokenType.UserName);
            // Part 4 §7.42: an empty token policy URI means the channel's policy; None means the password travels as is.
            var uri = string.IsNullOrEmpty(tokenPolicy.SecurityPolicyUri) ? _endpoint.SecurityPolicyUri : tokenPolicy.SecurityPolicyUri;
            token = new ExtensionObject(uri == SecurityPolicies.None
                ? new UserNameIdentityToken { PolicyId = tokenPolicy.PolicyId, UserName = user.UserName, Password = System.Text.Encoding.UTF8.GetBytes(user.Password) }
                : ChannelSecurity.EncryptPassword(SecurityPolicy.Find(uri) ?? throw new UaException(StatusCodes.BadSecurityPolicyRejected, $"Cannot encrypt a password for {uri}."),
                    _endpoint.ServerCertificate ?? throw new UaException(StatusCodes.BadCertificateInvalid, "No server certificate to encrypt the password for."),
                    tokenPolicy.PolicyId, user.UserName, user.Password, _serverNonce));
        }
        else
        {
            var tokenPolicy = policies.First(p => p.TokenType == UserTokenType.Anonymous);
            token = new ExtensionObject(new AnonymousIdentityToken { PolicyId = tokenPolicy.PolicyId });
        }
        var signature = new SignatureData();
        if (_channel.Security.Policy is { } policy)
            signature = new SignatureData { Algorithm = policy.AsymmetricSignatureUri, Signature = _channel.Security.SignWithCertificate([.. _endpoint.ServerCertificate!, .. _serverNonce]) };
        var activated = await _channel.CallAsync<ActivateSessionResponse>(new ActivateSessionRequest { ClientSignature = signature, UserIdentityToken = token, UserTokenSignature = tokenSignature, LocaleIds = ["en"] },
            _authenticationToken, _options.RequestTimeout, ct).ConfigureAwait(false);
        _serverNonce = activated.ServerNonce ?? _serverNonce;
    }

    /// <summary>
    /// Opens a new channel and re-activates the session on it (Part 4 §5.6.3.1); when the server no longer knows the session,
    /// creates a new one. Subscriptions of a lost session are not restored.
    /// </summary>
    public async Task ReconnectAsync(CancellationToken ct = default)
    {
        _retiring = _channel; // closed to be replaced: not the end of the session's items
        await _channel.DisposeAsync().ConfigureAwait(false);
        var security = _endpoint.SecurityPolicyUri == SecurityPolicies.None ? ChannelSecurity.None(isServer: false) : SecureChannelFor(_endpoint, _options);
        _channel = await OpenChannelAsync(_connect, _endpointUrl, _options, security, ct).ConfigureAwait(false);
        Watch(_channel);
        RestartPublishing();
        try
        {
            await ActivateAsync(ct).ConfigureAwait(false);
        }
        catch (UaException e) when (e.StatusCode.Code is StatusCodes.BadSessionIdInvalid or StatusCodes.BadSessionClosed)
        {
            await CreateAndActivateAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes a session whose channel died under it (<see cref="ChannelClosed"/>) and that is not to be used again: a new channel, the
    /// session re-activated on it (Part 4 §5.6.3: ActivateSession on a new SecureChannel, same client certificate), then CloseSession
    /// with deleteSubscriptions and the channel closed — so the server does not keep the session and its subscriptions until they time
    /// out. False when the server no longer knew the session (nothing to close). The session is disposed either way.
    /// </summary>
    public async Task<bool> CloseAfterLossAsync(CancellationToken ct = default)
    {
        await StopSubscriptionsAsync().ConfigureAwait(false); // nothing is published on the new channel
        _retiring = _channel;
        await _channel.DisposeAsync().ConfigureAwait(false);
        try
        {
            var security = _endpoint.SecurityPolicyUri == SecurityPolicies.None ? ChannelSecurity.None(isServer: false) : SecureChannelFor(_endpoint, _options);
            _channel = await OpenChannelAsync(_connect, _endpointUrl, _options, security, ct).ConfigureAwait(false);
            Watch(_channel);
            await ActivateAsync(ct).ConfigureAwait(false);
        }
        catch (UaException e) when (e.StatusCode.Code is StatusCodes.BadSessionIdInvalid or StatusCodes.BadSessionClosed)
        {
            await DisposeAsync().ConfigureAwait(false);
            return false;
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false); // the new channel (if any) closed; the server keeps the session until it times out
            throw;
        }
        await DisposeAsync().ConfigureAwait(false); // CloseSession (deleteSubscriptions) on the open channel, then the channel closed
        return true;
    }

    /// <summary>Drops the connection without closing anything, as a network failure would (for reconnect tests).</summary>
    internal ValueTask AbortConnectionAsync() => _channel.AbortAsync();

    /// <summary>Renews the channel's security token now.</summary>
    public Task RenewChannelAsync(CancellationToken ct = default) => _channel.RenewAsync(ct);

    /// <summary>The current channel's security token.</summary>
    public ChannelSecurityToken ChannelToken => _channel.Token;

    /// <summary>Sends a request; with <see cref="ClientOptions.AutoReconnect"/> a lost connection is re-established once and the request repeated.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<T> CallAsync<T>(IServiceRequest request, CancellationToken ct) where T : IServiceResponse
    {
        var channel = _channel;
        try
        {
            return await channel.CallAsync<T>(request, _authenticationToken, _options.RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (UaException e) when (_options.AutoReconnect && e.StatusCode.Code is StatusCodes.BadSecureChannelClosed or StatusCodes.BadConnectionClosed or StatusCodes.BadCommunicationError)
        {
            await ReconnectOnceAsync(channel, ct).ConfigureAwait(false);
            request.RequestHeader = new RequestHeader();
            return await _channel.CallAsync<T>(request, _authenticationToken, _options.RequestTimeout, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reconnects unless another caller already replaced <paramref name="failed"/>.</summary>
    private async Task ReconnectOnceAsync(object failed, CancellationToken ct)
    {
        await _reconnect.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(failed, _channel)) await ReconnectAsync(ct).ConfigureAwait(false);
        }
        finally { _reconnect.Release(); }
    }

    private readonly SemaphoreSlim _reconnect = new(1, 1);

    /// <summary>Closes the session (deleting its subscriptions) and the channel.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await StopSubscriptionsAsync().ConfigureAwait(false);
        if (_channel.IsOpen)
        {
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await CallAsync<CloseSessionResponse>(new CloseSessionRequest { DeleteSubscriptions = true }, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is UaException or OperationCanceledException) { }
        }
        await _channel.CloseAsync().ConfigureAwait(false);
    }
}
