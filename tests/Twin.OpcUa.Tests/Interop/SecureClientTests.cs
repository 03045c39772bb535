using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests.Interop;

/// <summary>Our client on secure channels: against node-opcua's server, and against our own server for every policy and mode.</summary>
public sealed class SecureClientTests
{
    private static ClientOptions Options(string policy, (string, string)? user = null) => new()
    {
        ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
        AllowedPolicies = [policy], User = user,
    };

    // Part 4 §5.4.4 endpoint selection starts from the most secure common policy; Part 6 §6.7 secure conversation with node-opcua.
    [Fact]
    public async Task Client_picks_the_strongest_policy_and_works_on_a_node_opcua_server()
    {
        await using var peer = await NodePeerServer.StartAsync(secure: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = Options(SecurityPolicies.Aes256Sha256RsaPss, ("operator", "op-secret")) with { AllowedPolicies = [.. SecurityPolicies.ByStrength] };
        await using var session = await ClientSession.ConnectAsync(peer.EndpointUrl, options, cts.Token);
        var ns = (ushort)session.NamespaceUris.ToList().IndexOf(TestPki.NodeServerUri);

        var value = await session.ReadValueAsync(new NodeId("Plant.Temperature", ns), cts.Token);
        var write = await session.WriteValueAsync(new NodeId("Plant.Setpoint", ns), 12.5, cts.Token);
        var sum = await session.CallMethodAsync(new NodeId("Plant", ns), new NodeId("Plant.Add", ns), [2.0, 3.0], cts.Token);
        var subscription = await session.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorAsync(new NodeId("Plant.Setpoint", ns), 50, cts.Token);
        var first = await item.Values.ReadAsync(cts.Token);
        await session.RenewChannelAsync(cts.Token);
        var afterRenew = await session.ReadValueAsync(new NodeId("Plant.Setpoint", ns), cts.Token);

        Assert.Equal(SecurityPolicies.Aes256Sha256RsaPss, session.Endpoint.SecurityPolicyUri);
        Assert.Equal(MessageSecurityMode.SignAndEncrypt, session.Endpoint.SecurityMode);
        Assert.Equal(21.5, value.Value.Value);
        Assert.Equal(StatusCode.Good, write);
        Assert.Equal(5.0, sum[0].Value);
        Assert.Equal(12.5, first.Value.Value);
        Assert.Equal(12.5, afterRenew.Value.Value);
    }

    [Theory]
    [InlineData(SecurityPolicies.Basic256Sha256)]
    [InlineData(SecurityPolicies.Aes128Sha256RsaOaep)]
    [InlineData(SecurityPolicies.Aes256Sha256RsaPss)]
    public async Task Each_policy_works_with_a_node_opcua_server_and_a_user_name(string policy)
    {
        await using var peer = await NodePeerServer.StartAsync(secure: true);
        await using var session = await ClientSession.ConnectAsync(peer.EndpointUrl, Options(policy, ("operator", "op-secret")));

        var state = await session.ReadValueAsync(2259u);
        // Part 6 §6.7.2.4: a request and a response of several chunks each, every chunk signed and encrypted on its own.
        var temperature = new NodeId("Plant.Temperature", (ushort)session.NamespaceUris.ToList().IndexOf(TestPki.NodeServerUri));
        var many = await session.ReadAsync([.. Enumerable.Range(0, 4000).Select(_ => new ReadValueId { NodeId = temperature, AttributeId = 13 })]);

        Assert.Equal(policy, session.Endpoint.SecurityPolicyUri);
        Assert.Equal(0, state.Value.Value);
        Assert.Equal(4000, many.Length);
        Assert.All(many, v => Assert.Equal(21.5, v.Value.Value));
    }

    // Part 6 §6.7.2.4: sixteen callers reading at once on one SignAndEncrypt channel, their requests sent together in as few
    // socket writes as the client manages, across a token renewal. node-opcua checks every chunk's signature and that the
    // sequence numbers rise by one from chunk to chunk; a request out of order or lost would fail the channel or a read.
    // With a receive thread (ClientOptions.ReceiveThread) the requests leave synchronously from whichever thread sends them.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_reads_sent_together_are_accepted_by_a_node_opcua_server(bool receiveThread)
    {
        await using var peer = await NodePeerServer.StartAsync(secure: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var options = Options(SecurityPolicies.Basic256Sha256) with
        {
            SecurityMode = MessageSecurityMode.SignAndEncrypt, RequestTimeout = TimeSpan.FromSeconds(30), ReceiveThread = receiveThread,
        };
        await using var session = await ClientSession.ConnectAsync(peer.EndpointUrl, options, cts.Token);
        var temperature = new NodeId("Plant.Temperature", (ushort)session.NamespaceUris.ToList().IndexOf(TestPki.NodeServerUri));

        async Task<int> ReadLoopAsync(int reads)
        {
            var good = 0;
            for (var i = 0; i < reads; i++)
                if ((await session.ReadValueAsync(temperature, cts.Token)).Value.Value is 21.5) good++;
            return good;
        }
        var before = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ReadLoopAsync(100)));
        await session.RenewChannelAsync(cts.Token);
        var after = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => ReadLoopAsync(100)));

        Assert.Equal(MessageSecurityMode.SignAndEncrypt, session.Endpoint.SecurityMode);
        Assert.All(before, good => Assert.Equal(100, good));
        Assert.All(after, good => Assert.Equal(100, good));
        Assert.True(session.IsConnected);
    }

    // Our client and server over every secure policy and both modes, with an encrypted UserName password (Part 4 §7.41.4).
    [Theory]
    [InlineData(SecurityPolicies.Basic256Sha256, MessageSecurityMode.Sign)]
    [InlineData(SecurityPolicies.Basic256Sha256, MessageSecurityMode.SignAndEncrypt)]
    [InlineData(SecurityPolicies.Aes128Sha256RsaOaep, MessageSecurityMode.Sign)]
    [InlineData(SecurityPolicies.Aes128Sha256RsaOaep, MessageSecurityMode.SignAndEncrypt)]
    [InlineData(SecurityPolicies.Aes256Sha256RsaPss, MessageSecurityMode.Sign)]
    [InlineData(SecurityPolicies.Aes256Sha256RsaPss, MessageSecurityMode.SignAndEncrypt)]
    [InlineData(SecurityPolicies.Basic256, MessageSecurityMode.SignAndEncrypt)]
    [InlineData(SecurityPolicies.Basic128Rsa15, MessageSecurityMode.Sign)]
    [InlineData(SecurityPolicies.Basic128Rsa15, MessageSecurityMode.SignAndEncrypt)]
    public async Task Our_client_and_server_agree_on_every_policy_and_mode(string policy, MessageSecurityMode mode)
    {
        var serverOptions = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
            SecurityPolicyUris = [policy], OfferNone = true,
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), serverOptions);
        var endpoints = await ClientSession.GetEndpointsAsync(host.EndpointUrl);

        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, Options(policy, ("operator", "op-secret")) with { SecurityMode = mode });
        var secret = await session.ReadValueAsync(new NodeId("Plant.OperatorOnly", 2));
        var large = await session.ReadAsync([.. Enumerable.Range(0, 3000).Select(_ => new ReadValueId { NodeId = WellKnownIds.ServerStatus, AttributeId = 13 })]);

        Assert.Equal(3, endpoints.Length);
        Assert.Equal(policy, session.Endpoint.SecurityPolicyUri);
        Assert.Equal(mode, session.Endpoint.SecurityMode);
        Assert.Equal(7, secret.Value.Value);
        Assert.Equal(3000, large.Length);
        Assert.All(large, v => Assert.True(v.StatusCode.IsGood));
    }

    // Part 4 §7.41.4: on the None endpoint of a server with a certificate the password is still encrypted, for the token policy's algorithm.
    [Fact]
    public async Task Password_on_the_None_endpoint_is_encrypted_for_the_server_certificate()
    {
        var serverOptions = TestPlant.Options with { ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator() };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), serverOptions);
        var none = Assert.Single(await ClientSession.GetEndpointsAsync(host.EndpointUrl), e => e.SecurityMode == MessageSecurityMode.None);

        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions { User = ("operator", "op-secret"), AllowedPolicies = [SecurityPolicies.None] });
        var secret = await session.ReadValueAsync(new NodeId("Plant.OperatorOnly", 2));

        Assert.Equal(SecurityPolicies.Aes256Sha256RsaPss, none.UserIdentityTokens!.Single(t => t.TokenType == UserTokenType.UserName).SecurityPolicyUri);
        Assert.Equal(SecurityPolicies.None, session.Endpoint.SecurityPolicyUri);
        Assert.Equal(7, secret.Value.Value);
    }

    // Part 6 §6.7.4: a Publish pending across a token renewal is answered under the new token's keys.
    [Fact]
    public async Task Pending_publish_survives_a_token_renewal_on_an_encrypted_channel()
    {
        var serverOptions = TestPlant.Options with { ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator() };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), serverOptions);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, Options(SecurityPolicies.Aes128Sha256RsaOaep), cts.Token);
        var setpoint = new NodeId("Plant.Setpoint", 2);
        var subscription = await session.SubscribeAsync(50, cts.Token);
        var item = await subscription.MonitorAsync(setpoint, ct: cts.Token);
        await item.Values.ReadAsync(cts.Token);
        var before = session.ChannelToken.TokenId;

        await session.RenewChannelAsync(cts.Token);
        await session.RenewChannelAsync(cts.Token);
        await session.WriteValueAsync(setpoint, 64.0, cts.Token);
        var changed = await item.Values.ReadAsync(cts.Token);

        Assert.Equal(before + 2, session.ChannelToken.TokenId);
        Assert.Equal(64.0, changed.Value.Value);
    }

    // Part 4 §7.41.5: our client signs in with a user certificate on our server and on node-opcua's.
    [Fact]
    public async Task X509_user_token_is_accepted_by_our_server_and_by_node_opcua()
    {
        var serverOptions = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
            UserCertificateValidator = TestPki.Shared.Validator(), UserCertificateRoles = _ => new HashSet<string> { Roles.Operator },
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), serverOptions);
        await using var peer = await NodePeerServer.StartAsync(secure: true);
        var options = Options(SecurityPolicies.Aes256Sha256RsaPss) with { UserCertificate = TestPki.Shared.User.Certificate };

        await using var ours = await ClientSession.ConnectAsync(host.EndpointUrl, options);
        var secret = await ours.ReadValueAsync(new NodeId("Plant.OperatorOnly", 2));
        await using var theirs = await ClientSession.ConnectAsync(peer.EndpointUrl, options);
        var state = await theirs.ReadValueAsync(2259u);

        Assert.Equal(7, secret.Value.Value);
        Assert.Equal(0, state.Value.Value);
    }

    // Part 4 §6.1.3: a client refuses a server whose certificate it does not trust, before sending anything secret.
    [Fact]
    public async Task Client_refuses_an_untrusted_server_certificate()
    {
        var serverOptions = TestPlant.Options with { ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator() };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), serverOptions);
        var options = Options(SecurityPolicies.Basic256Sha256) with { ServerCertificateValidator = new Twin.OpcUa.Security.PkiCertificateValidator() };

        var ex = await Assert.ThrowsAsync<UaException>(() => ClientSession.ConnectAsync(host.EndpointUrl, options));

        Assert.Equal(StatusCodes.BadCertificateChainIncomplete, ex.StatusCode.Code);
        Assert.Equal(0, host.SessionCount);
    }
}
