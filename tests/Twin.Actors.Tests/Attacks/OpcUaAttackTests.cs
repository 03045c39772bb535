using Twin.Actors.Attacks;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;

namespace Twin.Actors.Tests.Attacks;

/// <summary>The attacks over the real stack against a real server on loopback; what the server keeps is read back over OPC UA.</summary>
public sealed class OpcUaAttackTests
{
    private const string AttackerUri = "urn:planttrust:test:pea-maintenance";

    // Part 4 §6.1.3 / Part 6 §6.7.4: an untrusted client certificate is refused at OpenSecureChannel; Part 12 §7.10.9: it is in the rejected list.
    [Fact]
    public async Task A_rogue_device_with_a_self_signed_certificate_is_refused_and_lands_in_the_rejected_list_without_a_session()
    {
        await using var server = AttackServerFixture.Start();
        using var rogue = OpcUaAttacks.SelfSigned("pea-maintenance", AttackerUri, DateTimeOffset.UtcNow);

        var outcome = await OpcUaAttacks.RogueDeviceAsync(server.Url, rogue, AttackerUri, TimeProvider.System);

        Assert.True(outcome.Refused, outcome.Detail);
        Assert.Equal(StatusCodes.BadSecurityChecksFailed, outcome.StatusCode);
        Assert.Equal(0, server.Host.SessionCount);
        await using var admin = await server.AdminSessionAsync();
        var rejected = await new PushManagementClient(admin).GetRejectedListAsync();
        Assert.Contains(rejected, der => der.AsSpan().SequenceEqual(rogue.RawData));
    }

    // Part 6 §6.7.4: a server that does not offer None serves only discovery on a None channel.
    [Fact]
    public async Task A_plaintext_session_is_refused_by_a_server_that_does_not_offer_None_and_accepted_by_one_that_does()
    {
        await using var strict = AttackServerFixture.Start(offerNone: false);
        await using var lax = AttackServerFixture.Start(offerNone: true);

        var refused = await OpcUaAttacks.PlaintextSessionAsync(strict.Url, TimeProvider.System);
        var accepted = await OpcUaAttacks.PlaintextSessionAsync(lax.Url, TimeProvider.System);

        Assert.True(refused.Refused);
        Assert.Equal(StatusCodes.BadSecurityPolicyRejected, refused.StatusCode);
        Assert.False(accepted.Refused, accepted.Detail);
    }

    // Part 12 §7.10.3 / §7.8.2: trust list changes need SecurityAdmin over SignAndEncrypt; read back over OPC UA, nothing changed.
    [Fact]
    public async Task A_rogue_GDS_is_refused_at_every_step_and_the_trust_list_reads_back_unchanged()
    {
        await using var server = AttackServerFixture.Start();
        TrustListData before;
        await using (var admin = await server.AdminSessionAsync())
            before = await new PushManagementClient(admin).ReadTrustListAsync();
        Assert.Equal(3, before.TrustedCertificates.Count);
        var insider = server.Insider;

        var outcomes = await AttackPlay.OnServerAsync(OpcUaAttack.RogueGds, server.Url, AttackerUri, insider, server, TimeProvider.System);

        var byStep = outcomes.ToDictionary(o => o.Step, o => o.Status);
        Assert.All(outcomes, o => Assert.True(o.Refused, $"{o.Step}: {o.Status} {o.Detail}"));
        Assert.Equal("BadSecurityChecksFailed", byStep["AddCertificate with a self-signed identity"]);
        Assert.Equal("BadUserAccessDenied", byStep["AddCertificate as Anonymous over SignAndEncrypt"]);
        Assert.Equal("BadUserAccessDenied", byStep["TrustList Open for writing as Anonymous over SignAndEncrypt"]);
        Assert.Equal("BadSecurityModeInsufficient", byStep["AddCertificate over a Sign-only channel"]);
        await using var after = await server.AdminSessionAsync();
        var read = await new PushManagementClient(after).ReadTrustListAsync();
        Assert.Equal(before.TrustedCertificates.Select(Convert.ToBase64String).Order(), read.TrustedCertificates.Select(Convert.ToBase64String).Order());
        Assert.Empty(read.IssuerCertificates);
        Assert.Equal(("trust list read back", true), (outcomes[^1].Step, outcomes[^1].Refused));
    }

    // The twin's control case: an administrator doing the same is let through, so the refusals above are the server's judgement.
    [Fact]
    public async Task A_SecurityAdmin_may_add_a_certificate_where_the_rogue_GDS_may_not()
    {
        await using var server = AttackServerFixture.Start();
        await using var admin = await server.AdminSessionAsync();
        var rogueCa = OpcUaAttacks.RogueCa(DateTimeOffset.UtcNow);

        await admin.CallMethodAsync(GdsIds.TrustList, GdsIds.TrustListAddCertificate, [new Variant(BuiltInType.ByteString, rogueCa), new Variant(BuiltInType.Boolean, true)]);

        Assert.True(server.TrustListState.Staged || server.TrustListState.LastUpdate > DateTime.MinValue);
    }
}
