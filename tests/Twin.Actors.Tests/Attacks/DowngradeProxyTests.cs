using Twin.Actors.Attacks;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;

namespace Twin.Actors.Tests.Attacks;

/// <summary>A man in the middle rewriting GetEndpoints, against our client: Part 4 §5.6.2.2's comparison catches it.</summary>
public sealed class DowngradeProxyTests
{
    [Fact]
    public async Task A_faithful_relay_changes_nothing_and_the_client_connects_through_it()
    {
        await using var server = AttackServerFixture.Start(offerNone: true);
        await using var proxy = new DiscoveryRewritingProxy(server.Url, e => e);

        await using var session = await ClientSession.ConnectAsync(proxy.EndpointUrl, server.ClientOptions(server.Insider));

        Assert.Equal(1, proxy.Rewritten);
        Assert.Equal(MessageSecurityMode.SignAndEncrypt, session.Endpoint.SecurityMode);
    }

    // Part 4 §5.6.2.2: serverEndpoints in CreateSessionResponse must match what GetEndpoints returned, or BadSecurityChecksFailed.
    [Fact]
    public async Task A_client_that_would_take_None_detects_the_rewritten_discovery_when_the_server_names_its_real_endpoints()
    {
        await using var server = AttackServerFixture.Start(offerNone: true);
        await using var proxy = new DiscoveryRewritingProxy(server.Url, DiscoveryRewritingProxy.OnlyNone);

        var e = await Assert.ThrowsAsync<UaException>(() => ClientSession.ConnectAsync(proxy.EndpointUrl, server.ClientOptions(server.Insider)));

        Assert.Equal(StatusCodes.BadSecurityChecksFailed, e.StatusCode.Code);
        Assert.Contains("discovery answer was altered", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, proxy.Rewritten);
    }

    [Fact]
    public async Task A_client_that_settles_for_Sign_detects_the_dropped_SignAndEncrypt_endpoints()
    {
        await using var server = AttackServerFixture.Start(offerNone: false);
        await using var proxy = new DiscoveryRewritingProxy(server.Url, DiscoveryRewritingProxy.OnlySign);

        var e = await Assert.ThrowsAsync<UaException>(() => ClientSession.ConnectAsync(proxy.EndpointUrl, server.ClientOptions(server.Insider)));

        Assert.Equal(StatusCodes.BadSecurityChecksFailed, e.StatusCode.Code);
    }

    [Fact]
    public async Task A_client_that_never_speaks_None_refuses_a_None_only_discovery_answer_before_any_session()
    {
        await using var server = AttackServerFixture.Start(offerNone: false);
        var options = server.ClientOptions(server.Insider) with { AllowedPolicies = [.. new ClientOptions().AllowedPolicies.Where(p => p != SecurityPolicies.None)] };

        var outcomes = await AttackPlay.InterceptAsync(server.Url, options);

        Assert.Equal(["discovery rewritten to None only", "discovery rewritten to Sign only"], outcomes.Select(o => o.Step));
        Assert.Equal(StatusCodes.BadSecurityPolicyRejected, outcomes[0].StatusCode);
        Assert.Equal(StatusCodes.BadSecurityChecksFailed, outcomes[1].StatusCode);
        Assert.All(outcomes, o => Assert.True(o.Refused));
        Assert.Equal(0, server.Host.SessionCount);
    }
}
