using System.Text.Json;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Manufacturing;

/// <summary>Zero-touch onboarding in process: BRSKI voucher from the manufacturer's MASA through the registrar, then EST; the same bytes as on the wire.</summary>
public sealed class ZeroTouchOnboardingTests
{
    private static Scenario Load() => ScenarioLoader.LoadFile(Path.Combine(RepoPaths.Root, "scenarios", "zero-touch-onboarding.yaml"));

    [Fact] // RFC 8995 §5.2–§5.6, RFC 8366 §5.3, RFC 7030 §4.2
    public async Task Sensors_get_a_voucher_from_the_masa_then_an_ldevid_over_est_and_renew_with_simplereenroll()
    {
        var scenario = Load();
        var run = await PlantRun.ToEndAsync(scenario.ToPlant(), "zero-touch");

        foreach (var sensor in new[] { "sensor-001", "sensor-002", "sensor-003", "sensor-004" })
        {
            var mine = run.Journal.Where(e => e.Entity.Value == sensor).ToList();
            var idevid = Certificate.FromDer(Assert.Single(mine.OfType<DeviceIdevidInstalled>()).CertificateDer);
            Assert.Equal("C=DE,O=Pump Maker,CN=Pump Maker CA", idevid.Issuer);
            Assert.Contains("SERIALNUMBER=SN-" + sensor.ToUpperInvariant(), idevid.Subject, StringComparison.Ordinal);
            Assert.True(Assert.Single(mine.OfType<DeviceSecureBootChecked>()).Passed);
            Assert.True(Assert.Single(mine.OfType<DeviceVoucherChecked>()).Accepted);
            var est = mine.OfType<DeviceEstRequested>().Select(e => e.Operation).ToList();
            Assert.Equal("simpleenroll", est[0]);
            Assert.True(est.Count >= 3 && est.Skip(1).All(o => o == "simplereenroll"), string.Join(", ", est));
            var installed = mine.OfType<DeviceCertificateInstalled>().Select(e => Certificate.FromDer(e.CertificateDer)).ToList();
            Assert.True(installed.Count >= 3, $"{sensor}: {installed.Count} certificates");
            Assert.All(installed, c => Assert.Equal("CN=Plant Issuing,O=Operator", c.Issuer));
        }
        var decisions = run.Journal.OfType<RegistrarDecided>().ToList();
        Assert.Equal(4, decisions.Count(d => d.What == "brski:requestvoucher" && d.Verdict == "granted"));
        Assert.Equal(4, decisions.Count(d => d.What == "est:simpleenroll" && d.Verdict == "granted"));
        Assert.DoesNotContain(decisions, d => d.Verdict == "refused");
        Assert.Equal(4, run.Journal.OfType<VoucherIssued>().Count());
        Assert.Equal(5, run.Metrics.Manufacturing.IdevidsIssued);

        var verdicts = ExpectationCheck.Evaluate(scenario.Expectations, run.Journal, scenario.Start, run.Now);
        Assert.All(verdicts, v => Assert.True(v.Passed, $"{v.Label} {v.Expectation}: {v.Detail}"));

        // Max mode with a seed: the same scenario gives the same events, vouchers and EST bodies included. (The POL's attempts name
        // the PEA's ephemeral loopback port, so they differ by their URL alone.)
        var again = await PlantRun.ToEndAsync(scenario.ToPlant(), "zero-touch-again");
        static List<string> Portless(IEnumerable<string> lines) => [.. lines.Where(l => !l.Contains(" pol.attempt.v1 ", StringComparison.Ordinal))];
        Assert.Equal(Portless(run.DigestLines), Portless(again.DigestLines));
    }

    [Fact] // RFC 8366 §5.3 (JSON fields), §8.3 (id-ct-animaJSONVoucher in CMS); the oracle is openssl cms -verify
    public async Task A_voucher_captured_from_a_simulated_onboarding_verifies_with_openssl_and_has_the_rfc_8366_fields()
    {
        var scenario = Load();
        var run = await PlantRun.ToEndAsync(scenario.ToPlant(), "zero-touch-voucher");
        var checkedVoucher = run.Journal.OfType<DeviceVoucherChecked>().First(v => v.Entity.Value == "sensor-002");
        var idevid = run.Journal.OfType<DeviceIdevidInstalled>().First(i => i.Entity.Value == "sensor-002");
        var registrar = run.Journal.OfType<RegistrarCertified>().Single();
        var folder = RepoPaths.NewScratch("voucher-openssl");
        var voucherFile = Path.Combine(folder, "voucher.p7s");
        var caFile = Path.Combine(folder, "manufacturer-ca.pem");
        await File.WriteAllBytesAsync(voucherFile, checkedVoucher.VoucherCms!);
        await File.WriteAllTextAsync(caFile, Certificate.FromDer(idevid.ManufacturerCaDer).ToPem());
        var json = Path.Combine(folder, "voucher.json");

        var verify = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", voucherFile, "-CAfile", caFile, "-purpose", "any",
            "-attime", scenario.Start.Utc.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), "-out", json);
        Assert.True(verify.ExitCode == 0, verify.All);
        var content = await Peer.OpenSslAsync("cms", "-cmsout", "-print", "-inform", "DER", "-in", voucherFile);
        Assert.Contains("1.2.840.113549.1.9.16.1.40", content.StdOut, StringComparison.Ordinal); // id-ct-animaJSONVoucher

        using var doc = JsonDocument.Parse(await File.ReadAllBytesAsync(json));
        var v = doc.RootElement.GetProperty("ietf-voucher:voucher");
        Assert.Equal("proximity", v.GetProperty("assertion").GetString());
        Assert.Equal("SN-SENSOR-002", v.GetProperty("serial-number").GetString());
        Assert.Equal(registrar.CertificateDer, v.GetProperty("pinned-domain-cert").GetBytesFromBase64());
        Assert.Equal(16, v.GetProperty("nonce").GetBytesFromBase64().Length);
        Assert.True(v.TryGetProperty("created-on", out _));
        Assert.Equal(Twin.Pki.Brski.BrskiIdentity.AuthorityKeyIdOf(Certificate.FromDer(idevid.CertificateDer)), v.GetProperty("idevid-issuer").GetBytesFromBase64());

        // Signed by someone else's CA, openssl refuses it: the check can fail.
        var otherCa = Path.Combine(folder, "other-ca.pem");
        await File.WriteAllTextAsync(otherCa, Certificate.FromDer(registrar.ChainDer[^1]).ToPem());
        var wrong = await Peer.OpenSslAsync("cms", "-verify", "-binary", "-inform", "DER", "-in", voucherFile, "-CAfile", otherCa, "-purpose", "any", "-out", Path.Combine(folder, "x.json"));
        Assert.NotEqual(0, wrong.ExitCode);
    }
}
