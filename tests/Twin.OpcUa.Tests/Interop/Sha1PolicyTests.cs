using Twin.OpcUa.Client;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Server;
using Twin.OpcUa.Tests.NegativeMatrix;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Interop;

/// <summary>
/// The deprecated SHA-1 policies of Part 7 (Basic128Rsa15: RSA-PKCS#1 v1.5, 16-byte nonces, AES-128; Basic256: RSA-OAEP,
/// AES-256; both RSA-SHA1, HMAC-SHA1, P_SHA1) work with node-opcua in both directions once listed explicitly.
/// The default refusal is proven by PolicyTests and the negative matrix.
/// </summary>
public sealed class Sha1PolicyTests
{
    /// <summary>
    /// Node 20 refuses RSA-PKCS#1 v1.5 private-key decryption (CVE-2023-46809, Marvin attack) unless told otherwise, and
    /// Basic128Rsa15 needs it: the node peers that decrypt Basic128Rsa15 run with this flag (node-opcua's own advice).
    /// </summary>
    internal const string AllowPkcs1Decryption = "--security-revert=CVE-2023-46809";

    // Part 6 §6.7.2 chunks and §6.7.5 P_SHA1 keys, Part 4 §7.41.4 a PKCS#1 v1.5 / OAEP encrypted password, §5.6.2 RSA-SHA1 session signatures.
    [Theory]
    [InlineData("Basic128Rsa15", "SignAndEncrypt", true)]
    [InlineData("Basic256", "Sign", false)]
    [InlineData("Basic256", "SignAndEncrypt", true)]
    public async Task Node_opcua_client_works_on_our_server_when_SHA1_policies_are_enabled(string policy, string mode, bool userName)
    {
        var options = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
            SecurityPolicyUris = [SecurityPolicies.Basic256, SecurityPolicies.Basic128Rsa15],
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        var folder = RepoPaths.NewScratch("sha1-node-client");
        TestPki.WritePem(TestPki.Shared.NodeClient, folder, "client");
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "certs"));
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "crl"));
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
        string[] user = userName ? ["operator", "op-secret"] : [];

        var r = await NodeOpcUaClientTests.RunClientAsync([AllowPkcs1Decryption], host.EndpointUrl, [policy, mode, folder, .. user]);

        Assert.Equal(21.5, r.GetProperty("temperature").GetDouble());
        Assert.Equal(42.5, r.GetProperty("setpoint").GetDouble());
        Assert.Equal(5.5, r.GetProperty("call").GetProperty("out")[0].GetDouble());
        Assert.Equal(77, r.GetProperty("changes").EnumerateArray().Last().GetDouble());
        Assert.Equal(userName ? "Good" : "BadUserAccessDenied", r.GetProperty("operatorOnly").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Our_client_works_on_a_node_opcua_server_with_SHA1_policies_only_when_they_are_listed()
    {
        var pki = MatrixPki.Shared;
        var folder = RepoPaths.NewScratch("sha1-node-server");
        var (cert, key) = MatrixPki.WritePem(pki.NodeServer[Fault.None], folder, "server");
        await using var node = await NodeServers.StartAsync(new
        {
            serverPki = pki.NodePkiFolder("sha1-node-server-pki"), clientPki = pki.NodePkiFolder("sha1-node-client-pki"),
            servers = new[] { new { name = "sha1", port = NodePeerServer.FreePort(), cert, key, policies = new[] { "Basic256", "Basic128Rsa15" }, appUri = TestPki.NodeServerUri } },
        }, AllowPkcs1Decryption);
        var options = new ClientOptions { ApplicationUri = TestPki.ClientUri, Certificate = pki.OurClient.Certificate, ServerCertificateValidator = pki.Validator(), AutoReconnect = false };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var refused = await Assert.ThrowsAsync<Twin.OpcUa.Encoding.UaException>(() => ClientSession.ConnectAsync(node.Urls["sha1"], options with { SecurityMode = MessageSecurityMode.SignAndEncrypt }, cts.Token));
        await using var basic128 = await ClientSession.ConnectAsync(node.Urls["sha1"], options with
        {
            AllowedPolicies = [SecurityPolicies.Basic128Rsa15], SecurityMode = MessageSecurityMode.SignAndEncrypt, User = ("operator", "op-secret"),
        }, cts.Token);
        var viaBasic128 = await basic128.ReadValueAsync(2259u, cts.Token);
        await using var basic256 = await ClientSession.ConnectAsync(node.Urls["sha1"], options with { AllowedPolicies = [SecurityPolicies.Basic256], SecurityMode = MessageSecurityMode.Sign }, cts.Token);
        await basic256.RenewChannelAsync(cts.Token);
        var viaBasic256 = await basic256.ReadValueAsync(2259u, cts.Token);

        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadSecurityPolicyRejected, refused.StatusCode.Code);
        Assert.Equal(SecurityPolicies.Basic128Rsa15, basic128.Endpoint.SecurityPolicyUri);
        Assert.Equal(0, viaBasic128.Value.Value);
        Assert.Equal(SecurityPolicies.Basic256, basic256.Endpoint.SecurityPolicyUri);
        Assert.Equal(0, viaBasic256.Value.Value);
    }
}
