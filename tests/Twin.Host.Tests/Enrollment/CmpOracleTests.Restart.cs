using System.Net.Http.Json;
using System.Text.Json;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

public sealed partial class CmpOracleTests
{
    [Fact] // RFC 9483 §4.1.1: openssl's certConf reaches a registrar that was killed after it sent the ip; the journal kept the wait
    public async Task Openssl_certConf_is_accepted_by_a_registrar_restarted_after_the_ip()
    {
        await using var relay = await RegistrarKillingRelay.StartAsync(twin, "plant");
        var (reference, secret) = await twin.OtpAsync("plant");
        var key = await twin.NewKeyAsync("restart.key");
        var cert = twin.File("restart.pem");
        var ir = await Peer.RunAsync("openssl", ["cmp", "-cmd", "ir", "-server", $"127.0.0.1:{relay.Port}", "-path", "cmp", "-attime", twin.Epoch, "-msg_timeout", "30", "-total_timeout", "60",
            "-ref", reference, "-secret", $"pass:{secret}", "-recipient", Recipient, "-newkey", key, "-subject", "/CN=restart-1", "-certout", cert],
            workingDirectory: twin.Folder, timeout: TimeSpan.FromSeconds(75));
        Assert.True(ir.ExitCode == 0, ir.All); // openssl got the pkiConf, MAC-protected with its secret, from the new incarnation
        Assert.Equal(1, relay.Killed);
        await AssertVerifiesAsync(cert);
        var serial = (await Peer.OpenSslAsync("x509", "-in", cert, "-noout", "-serial")).StdOut.Trim()["serial=".Length..].ToLowerInvariant();

        var audit = await twin.AuditAsync("plant");
        Assert.Contains(audit, d => d.GetProperty("what").GetString() == "certConf" && d.GetProperty("verdict").GetString() == "confirmed" && d.GetProperty("reason").GetString()!.Contains(serial, StringComparison.Ordinal));
        await CmpTwinFixture.UntilAsync(async () => (await twin.Http.GetAsync("/api/entities/plant.restart-1")).IsSuccessStatusCode);
        var entity = await twin.Http.GetFromJsonAsync<JsonElement>("/api/entities/plant.restart-1");
        Assert.Equal(serial, entity.GetProperty("currentSerial").GetString());
    }
}
