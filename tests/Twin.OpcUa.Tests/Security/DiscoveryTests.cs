using Twin.OpcUa.Client;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Server;

namespace Twin.OpcUa.Tests.Security;

/// <summary>Part 4 §5.4.2: discovery stays reachable over SecurityPolicy None even on a server that offers no None endpoint.</summary>
public sealed class DiscoveryTests
{
    [Fact]
    public async Task A_server_without_a_None_endpoint_still_answers_GetEndpoints_with_only_secure_endpoints()
    {
        var options = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri,
            Certificate = TestPki.Shared.Server.Certificate,
            CertificateValidator = TestPki.Shared.Validator(),
            OfferNone = false,
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);

        var endpoints = await ClientSession.GetEndpointsAsync(host.EndpointUrl);

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.NotEqual(MessageSecurityMode.None, e.SecurityMode));
    }
}
