using System.Net;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Encoding;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Gds;

/// <summary>Our push management client against node-opcua 2.157.0's server with push certificate management installed.</summary>
public sealed class NodePushServerTests
{
    // node-opcua 2.157.0 answers CloseAndUpdate with Good but ignores the file (promote_trust_list.js), so the trust list
    // goes over as AddCertificate calls, which it applies at once.
    // Part 12 §7.10: trust list first, then CreateSigningRequest → our CA → UpdateCertificate → ApplyChanges on a foreign server.
    [Fact]
    public async Task Our_push_client_renews_a_node_opcua_server_certificate_and_trust_list()
    {
        var pki = RepoPaths.NewScratch("node-gds-pki");
        foreach (var dir in new[] { "own/certs", "own/private", "trusted/certs", "trusted/crl", "issuers/certs", "issuers/crl", "rejected" })
            Directory.CreateDirectory(Path.Combine(pki, dir));
        File.WriteAllText(Path.Combine(pki, "own", "certs", "certificate.pem"), TestPki.Shared.NodeServer.Certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(pki, "own", "private", "private_key.pem"), Pem.Encode("PRIVATE KEY", TestPki.Shared.NodeServer.Key.ExportPkcs8()));
        File.WriteAllBytes(Path.Combine(pki, "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
        File.WriteAllBytes(Path.Combine(pki, "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
        await using var server = await NodePeerServer.StartWithPushManagementAsync(pki);
        var options = new ClientOptions
        {
            ApplicationUri = TestPki.ClientUri, Certificate = TestPki.Shared.Client.Certificate, ServerCertificateValidator = TestPki.Shared.Validator(),
            SecurityMode = MessageSecurityMode.SignAndEncrypt, AllowedPolicies = [SecurityPolicies.Basic256Sha256], User = ("admin", "admin-secret"), AutoReconnect = false,
        };
        var extra = TestPki.Shared.NodeClient.Certificate.RawData;

        byte[] installed;
        await using (var session = await ClientSession.ConnectAsync(server.EndpointUrl, options))
        {
            var push = new PushManagementClient(session);
            var trust = await push.ReadTrustListAsync();
            Assert.Contains(TestPki.Shared.Ca.Certificate.GetDer(), trust.TrustedCertificates);
            installed = await push.PushAsync(trust with { TrustedCertificates = [.. trust.TrustedCertificates, extra] }, (csr, _) =>
            {
                var request = CertificationRequest.FromDer(csr);
                Assert.Contains(TestPki.NodeServerUri, request.RequestedUris);
                var start = DateTimeOffset.UtcNow.AddMinutes(-5);
                return Task.FromResult(TestPki.Shared.Ca.Issue(request, CertificateProfile.OpcUaApplication, start, start.AddDays(90),
                    r => r with { IpAddresses = [IPAddress.Loopback], DnsNames = ["localhost"] }).GetDer());
            }, transfer: TrustListTransfer.AddRemove);
        }

        // node-opcua keeps its certificate as a file: it now holds what we pushed.
        using var own = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(pki, "own", "certs", "certificate.pem")));
        Assert.Equal(installed, own.RawData);

        await using var fresh = await ReconnectAsync(server.EndpointUrl, options);
        Assert.Equal(installed, fresh.Endpoint.ServerCertificate);
        Assert.True((await fresh.ReadValueAsync(new NodeId(2258u))).StatusCode.IsGood);
        var after = await new PushManagementClient(fresh).ReadTrustListAsync();
        Assert.Contains(extra, after.TrustedCertificates);
        Assert.Contains(TestPki.Shared.Ca.Certificate.GetDer(), after.TrustedCertificates);
        Assert.Contains(Directory.GetFiles(Path.Combine(pki, "trusted", "certs")).Select(Load), d => d.AsSpan().SequenceEqual(extra));
    }

    // node-opcua suspends its endpoints while it swaps the certificate and resumes them on a timer of its own: nothing to
    // await, so reconnect as a client would, a bounded number of times.
    private static async Task<ClientSession> ReconnectAsync(string url, ClientOptions options)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { return await ClientSession.ConnectAsync(url, options); }
            catch (UaException e) when (attempt < 100 && e.StatusCode.Code is StatusCodes.BadNotConnected or StatusCodes.BadConnectionClosed or StatusCodes.BadSecureChannelClosed)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }
    }

    private static byte[] Load(string file)
    {
        var bytes = File.ReadAllBytes(file);
        return bytes.Length > 0 && bytes[0] == (byte)'-' ? X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes)).RawData : bytes;
    }
}
