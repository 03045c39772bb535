using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.OpcUa.Transport;

namespace Twin.OpcUa.Tests.Security;

/// <summary>Deprecated SHA-1 policies are refused on both sides; endpoint selection prefers the strongest policy.</summary>
public sealed class PolicyTests
{
    // Part 7: Basic128Rsa15 and Basic256 are deprecated; the server answers an OPN for them with ERR BadSecurityPolicyRejected.
    [Theory]
    [InlineData(SecurityPolicies.Basic128Rsa15)]
    [InlineData(SecurityPolicies.Basic256)]
    public async Task Server_refuses_SHA1_policies(string policy)
    {
        var options = TestPlant.Options with { ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator() };
        await using var host = new UaServerHost(TestPlant.Create(), options);
        await using var client = host.ListenInProcess().Connect();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        client.MaxReceiveChunkSize = 65535;

        await client.WriteAsync(TcpMessages.EncodeHello(new Hello(0, 65535, 65535, 0, 0, "opc.tcp://x")), cts.Token);
        var ack = await client.ReadFrameAsync(cts.Token);
        var e = new BinaryEncoder();
        e.WriteNodeId(446u);
        new OpenSecureChannelRequest { SecurityMode = MessageSecurityMode.SignAndEncrypt, ClientNonce = new byte[32] }.Encode(e);
        var header = new AsymmetricSecurityHeader(policy, TestPki.Shared.Client.Certificate.RawData, ChannelSecurity.Thumbprint(TestPki.Shared.Server.Certificate.RawData));
        await client.WriteAsync(MessageChunk.Encode(MessageType.OpenChannel, 0, header, 0, () => 1, 1, e.ToArray(), 65535, 0, 0, StatusCodes.BadRequestTooLarge).Single(), cts.Token);
        var error = await client.ReadFrameAsync(cts.Token);

        Assert.Equal(MessageType.Acknowledge, ack!.Type);
        Assert.Equal(MessageType.Error, error!.Type);
        Assert.Equal(StatusCodes.BadSecurityPolicyRejected, TcpMessages.DecodeError(error.Body, EncodingLimits.Default).Status.Code);
        Assert.Null(await client.ReadFrameAsync(cts.Token));
    }

    private static EndpointDescription Endpoint(string policy, MessageSecurityMode mode, byte level) => new()
    {
        SecurityPolicyUri = policy, SecurityMode = mode, SecurityLevel = level, TransportProfileUri = SecurityPolicies.UaTcpTransport,
        UserIdentityTokens = [new UserTokenPolicy { TokenType = UserTokenType.Anonymous }],
    };

    // Part 4 §5.4.4: the client starts from the most secure policy both sides support; SHA-1 policies only when explicitly allowed.
    [Fact]
    public void Selector_prefers_the_strongest_common_policy_and_skips_SHA1_by_default()
    {
        var implemented = new HashSet<string>(SecurityPolicy.All.Select(p => p.Uri)) { SecurityPolicies.None, SecurityPolicies.Basic256 };
        EndpointDescription[] offered =
        [
            Endpoint(SecurityPolicies.None, MessageSecurityMode.None, 0),
            Endpoint(SecurityPolicies.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, 100),
            Endpoint(SecurityPolicies.Aes128Sha256RsaOaep, MessageSecurityMode.Sign, 5),
            Endpoint(SecurityPolicies.Aes128Sha256RsaOaep, MessageSecurityMode.SignAndEncrypt, 6),
        ];
        var defaults = new ClientOptions().AllowedPolicies;

        var best = EndpointSelector.Select(offered, defaults, implemented, UserTokenType.Anonymous);
        var sha1Only = Assert.Throws<UaException>(() => EndpointSelector.Select([Endpoint(SecurityPolicies.Basic256, MessageSecurityMode.SignAndEncrypt, 9)], defaults, implemented, UserTokenType.Anonymous));
        var sha1Allowed = EndpointSelector.Select([Endpoint(SecurityPolicies.Basic256, MessageSecurityMode.SignAndEncrypt, 9)], [SecurityPolicies.Basic256], implemented, UserTokenType.Anonymous);

        Assert.Equal(SecurityPolicies.Aes128Sha256RsaOaep, best.SecurityPolicyUri);
        Assert.Equal(MessageSecurityMode.SignAndEncrypt, best.SecurityMode);
        Assert.Equal(StatusCodes.BadSecurityPolicyRejected, sha1Only.StatusCode.Code);
        Assert.Equal(SecurityPolicies.Basic256, sha1Allowed.SecurityPolicyUri);
    }
}
