using System.Diagnostics;
using System.Text.Json;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.NegativeMatrix;

/// <summary>
/// The negative matrix, our client against node-opcua's servers: one node process serves one server per certificate
/// fault (and one offering only SHA-1 policies); our client must refuse each with the Part 4 code, and node-opcua's
/// certificate manager, given the same trust, is asked for its verdict on each server certificate.
/// </summary>
public sealed class OurClientNegativeTests
{
    private static readonly Fault[] Faults = Enum.GetValues<Fault>();

    // Part 4 §6.1.3 Table 106 (the client checks the server certificate, with the endpoint's ApplicationUri, before OPN),
    // §5.6.3 (user token), §5.4.4 and Part 7 (policy selection; SHA-1 policies deprecated).
    [Fact]
    public async Task Our_client_refuses_faulty_node_opcua_servers_with_the_Part_4_codes()
    {
        var pki = MatrixPki.Shared;
        var folder = RepoPaths.NewScratch("negative-server-certs");
        var specs = Faults.Select(f => (Name: f.ToString(), Identity: pki.NodeServer[f], Policies: new[] { "Basic256Sha256" })).ToList();
        specs.Add(("Sha1Only", pki.NodeServer[Fault.None], ["Basic256", "Basic128Rsa15"]));
        var servers = specs.Select(s =>
            {
                var (cert, key) = MatrixPki.WritePem(s.Identity, folder, s.Name);
                return new { name = s.Name, port = NodePeerServer.FreePort(), cert, key, policies = s.Policies, appUri = TestPki.NodeServerUri };
            }).ToList();
        await using var node = await NodeServers.StartAsync(new { serverPki = pki.NodePkiFolder("negative-node-server-pki"), clientPki = pki.NodePkiFolder("negative-node-client-pki"), servers });
        var rejected = new RejectionRecorder();
        var options = new ClientOptions
        {
            ApplicationUri = TestPki.ClientUri, Certificate = pki.OurClient.Certificate, ServerCertificateValidator = pki.Validator(rejected),
            AllowedPolicies = [SecurityPolicies.Basic256Sha256], SecurityMode = MessageSecurityMode.SignAndEncrypt, AutoReconnect = false,
        };
        async Task<uint> Connect(string server, ClientOptions o)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await using var session = await ClientSession.ConnectAsync(node.Urls[server], o, cts.Token);
                await session.ReadValueAsync(2259u, cts.Token);
                return StatusCodes.Good;
            }
            catch (UaException e)
            {
                return e.StatusCode.Code;
            }
        }

        var good = await Connect("None", options);
        var wrongPassword = await Connect("None", options with { User = ("operator", "not-the-password") });
        var notOffered = await Connect("None", options with { AllowedPolicies = [SecurityPolicies.Aes256Sha256RsaPss] });
        var sha1 = await Connect("Sha1Only", options with { AllowedPolicies = new ClientOptions().AllowedPolicies });

        Assert.Equal(StatusCodes.Good, good);
        Assert.Equal("Good", node.Verdicts["None"]);
        Assert.Equal(StatusCodes.BadUserAccessDenied, wrongPassword);
        Assert.Equal(StatusCodes.BadSecurityPolicyRejected, notOffered);
        Assert.Equal(StatusCodes.BadSecurityPolicyRejected, sha1);
        foreach (var (fault, code) in new[]
        {
            (Fault.Untrusted, StatusCodes.BadCertificateUntrusted),
            (Fault.Expired, StatusCodes.BadCertificateTimeInvalid),
            (Fault.NotYetValid, StatusCodes.BadCertificateTimeInvalid),
            (Fault.Revoked, StatusCodes.BadCertificateRevoked),
            (Fault.IssuerRevoked, StatusCodes.BadCertificateIssuerRevoked),
            (Fault.CrlMissing, StatusCodes.BadCertificateRevocationUnknown),
            (Fault.WrongApplicationUri, StatusCodes.BadCertificateUriInvalid),
        })
        {
            var raised = await Connect(fault.ToString(), options);
            var kept = rejected.CodesFor(pki.NodeServer[fault].Certificate);
            Assert.True(code == raised, $"{fault}: our client raised {StatusCodes.NameOf(raised)}");
            Assert.True(kept.Count > 0 && kept.All(k => k == code), $"{fault}: rejected list has {string.Join(',', kept.Select(StatusCodes.NameOf))}");
            // node-opcua: a revoked issuer is BadSecurityChecksFailed, and its certificate manager does not check URIs.
            var expectedNode = fault switch
            {
                Fault.IssuerRevoked => "BadSecurityChecksFailed",
                Fault.WrongApplicationUri => "Good",
                _ => StatusCodes.NameOf(code),
            };
            Assert.True(expectedNode == node.Verdicts[fault.ToString()], $"{fault}: node-opcua says {node.Verdicts[fault.ToString()]}");
        }
    }
}
