using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Interop;

/// <summary>node-opcua's client against our server with the secure policies, both modes, Anonymous and UserName; certificates from Twin.Pki.</summary>
public sealed class NodeOpcUaSecureClientTests
{
    private static ServerOptions Secure(Twin.OpcUa.Security.ICertificateValidator validator) => TestPlant.Options with
    {
        ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = validator,
        UserCertificateValidator = TestPki.Shared.Validator(),
        UserCertificateRoles = c => c.Subject.Contains("operator", StringComparison.Ordinal) ? new HashSet<string> { Roles.Operator } : new HashSet<string>(),
    };

    private static string ClientFolder()
    {
        var folder = RepoPaths.NewScratch("node-client-cert");
        TestPki.WritePem(TestPki.Shared.NodeClient, folder, "client");
        TestPki.WritePem(TestPki.Shared.User, folder, "user");
        File.WriteAllBytes(Path.Combine(folder, "user.der"), TestPki.Shared.User.Certificate.RawData);
        // node-opcua validates our server's certificate: it trusts the test CA and holds the CA's CRL.
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "certs"));
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "crl"));
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
        return folder;
    }

    // Part 6 §6.7.2 asymmetric and symmetric chunks, §6.7.5 key derivation; Part 4 §5.6.2/§5.6.3 session signatures; §7.41.4 encrypted password.
    [Theory]
    [InlineData("Basic256Sha256", "SignAndEncrypt", false)]
    [InlineData("Basic256Sha256", "Sign", true)]
    [InlineData("Aes128_Sha256_RsaOaep", "SignAndEncrypt", true)]
    [InlineData("Aes128_Sha256_RsaOaep", "Sign", false)]
    [InlineData("Aes256_Sha256_RsaPss", "SignAndEncrypt", true)]
    [InlineData("Aes256_Sha256_RsaPss", "Sign", false)]
    public async Task Secure_session_browses_reads_writes_calls_and_subscribes(string policy, string mode, bool userName)
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Secure(TestPki.Shared.Validator()));
        string[] user = userName ? ["operator", "op-secret"] : [];

        var r = await NodeOpcUaClientTests.RunClientAsync(host.EndpointUrl, [policy, mode, ClientFolder(), .. user]);

        Assert.Equal(21.5, r.GetProperty("temperature").GetDouble());
        Assert.Equal(42.5, r.GetProperty("setpoint").GetDouble());
        Assert.Equal(5.5, r.GetProperty("call").GetProperty("out")[0].GetDouble());
        Assert.Equal(77, r.GetProperty("changes").EnumerateArray().Last().GetDouble());
        Assert.Equal(userName ? "Good" : "BadUserAccessDenied", r.GetProperty("operatorOnly").GetProperty("status").GetString());
        Assert.Equal(4000, r.GetProperty("manyReads").GetProperty("count").GetInt32());
        Assert.Equal(4000, r.GetProperty("manyReads").GetProperty("good").GetInt32());
    }

    // Part 4 §7.41.5: an X509 identity token signed with the user's key over our certificate and nonce; the certificate maps to a role.
    [Theory]
    [InlineData("Basic256Sha256", "SignAndEncrypt")]
    [InlineData("Aes256_Sha256_RsaPss", "Sign")]
    [InlineData("None", "None")]
    public async Task Node_opcua_signs_in_with_a_user_certificate(string policy, string mode)
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Secure(TestPki.Shared.Validator()));

        var r = await NodeOpcUaClientTests.RunClientAsync(host.EndpointUrl, [policy, mode, ClientFolder(), "x509"]);

        Assert.Equal("Good", r.GetProperty("operatorOnly").GetProperty("status").GetString());
        Assert.Equal(7, r.GetProperty("operatorOnly").GetProperty("value").GetInt32());
    }

    // Part 4 §7.41.4: node-opcua encrypts the password for our certificate even on the None endpoint.
    [Fact]
    public async Task Node_opcua_sends_an_encrypted_password_on_the_None_endpoint()
    {
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Secure(TestPki.Shared.Validator()));

        var r = await NodeOpcUaClientTests.RunClientAsync(host.EndpointUrl, ["None", "None", ClientFolder(), "operator", "op-secret"]);

        Assert.Equal("Good", r.GetProperty("operatorOnly").GetProperty("status").GetString());
    }

    // Part 4 §6.1.3: a client certificate from an issuer the server does not trust is refused and lands in the rejected list.
    [Fact]
    public async Task Untrusted_client_certificate_is_refused_and_recorded()
    {
        var validator = new Twin.OpcUa.Security.PkiCertificateValidator();
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Secure(validator));

        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "client.js");
        var result = await Peer.RunAsync("node", [script, host.EndpointUrl, "Basic256Sha256", "SignAndEncrypt", ClientFolder()], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(90));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(validator.RejectedStore.Rejected, c => c.RawData.AsSpan().SequenceEqual(TestPki.Shared.NodeClient.Certificate.RawData));
    }

    // Part 4 §6.1.3 on Twin.Pki's path validator: a client certificate its CA has revoked is refused,
    // and the server records it with BadCertificateRevoked; node-opcua sees the channel refused.
    [Fact]
    public async Task Revoked_client_certificate_is_refused_with_BadCertificateRevoked()
    {
        var rejected = new ReasonRecorder();
        var validator = new Twin.OpcUa.Security.PkiCertificateValidator(rejected);
        validator.AddTrusted(TestPki.Shared.Ca.Certificate.GetDer());
        validator.AddRevocationList(TestPki.Shared.CrlRevoking(TestPki.Shared.NodeClient.Certificate));
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), Secure(validator));

        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "client.js");
        var result = await Peer.RunAsync("node", [script, host.EndpointUrl, "Basic256Sha256", "SignAndEncrypt", ClientFolder()], Path.Combine(RepoPaths.Root, "tests", "peers"), TimeSpan.FromSeconds(90));

        Assert.NotEqual(0, result.ExitCode);
        var entry = Assert.Single(rejected.Entries, e => e.Certificate.RawData.AsSpan().SequenceEqual(TestPki.Shared.NodeClient.Certificate.RawData));
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadCertificateRevoked, entry.Reason.Code);
    }

    private sealed class ReasonRecorder : Twin.OpcUa.Security.IRejectedCertificateStore
    {
        public List<(System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate, Twin.OpcUa.Encoding.StatusCode Reason)> Entries { get; } = [];

        public void Add(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Twin.OpcUa.Encoding.StatusCode reason)
        {
            lock (Entries) Entries.Add((certificate, reason));
        }

        public IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> Rejected
        {
            get { lock (Entries) return [.. Entries.Select(e => e.Certificate)]; }
        }
    }
}
