using Twin.Actors.Keys;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Manufacturing;

/// <summary>
/// Zero-touch onboarding with every device key in a TPM and every authority key (CAs, the maker's CA, MASA and signing key) in an
/// HSM: the same lifecycle as with software keys. And the stolen-IDevID clone, which needs the original's key read out: a TPM
/// does not give it.
/// </summary>
public sealed class TpmOnboardingTests
{
    private static string Yaml(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, "scenarios", name));

    private static Scenario WithKeys(string yaml, string keyStorage, string name) =>
        ScenarioLoader.Load(yaml.Replace("design:\n", $"design:\n  keyStorage: {keyStorage}\n", StringComparison.Ordinal), name);

    [Fact] // RFC 8995 §5.2–§5.6 with the pledge's IDevID key in its TPM
    public async Task Devices_with_TPM_keys_onboard_zero_touch_and_renew_under_authorities_with_HSM_keys()
    {
        var scenario = WithKeys(Yaml("zero-touch-onboarding.yaml"), "{ device: tpm, pea: tpm, pol: tpm, ca: hsm }", "zero-touch-tpm.yaml");

        var run = await PlantRun.ToEndAsync(scenario.ToPlant(), "zero-touch-tpm");

        var verdicts = ExpectationCheck.Evaluate(scenario.Expectations, run.Journal, scenario.Start, run.Now);
        Assert.All(verdicts, v => Assert.True(v.Passed, $"{v.Label} {v.Expectation}: {v.Detail}"));
        foreach (var sensor in new[] { "sensor-001", "sensor-002", "sensor-003", "sensor-004" })
        {
            var mine = run.Journal.Where(e => e.Entity.Value == sensor).ToList();
            Assert.Equal(KeyStoreKind.Tpm, KeyRefs.KindOf(Assert.Single(mine.OfType<DeviceIdevidInstalled>()).KeyRef));
            Assert.True(Assert.Single(mine.OfType<DeviceVoucherChecked>()).Accepted);
            Assert.All(mine.OfType<DeviceKeyGenerated>(), k => Assert.Equal("tpm", k.KeyStore));
            Assert.True(mine.OfType<DeviceCertificateInstalled>().Count() >= 3, $"{sensor} did not renew");
            Assert.Equal(KeyStores.Tpm, run.Snapshot.Entities[sensor].KeyStore);
        }
        var maker = Assert.Single(run.Journal.OfType<ManufacturerEstablished>());
        Assert.All(new[] { maker.CaKeyRef, maker.MasaKeyRef, maker.SigningKeyRef }, r => Assert.Equal(KeyStoreKind.Hsm, KeyRefs.KindOf(r)));
        Assert.Equal(4, run.Journal.OfType<VoucherIssued>().Count());
        // The domain's registrar follows the ca role: its CMP protection key, which signed every voucher request and answer, is in an HSM.
        Assert.All(run.Journal.OfType<RegistrarCertified>(), c => Assert.Equal(KeyStoreKind.Hsm, KeyRefs.KindOf(c.KeyRef)));
        Assert.NotEmpty(run.Journal.OfType<RegistrarCertified>());
    }

    [Fact] // the clone attack presumes the IDevID key can be read out of the original
    public async Task A_clone_cannot_copy_an_IDevID_key_out_of_a_TPM_and_never_onboards()
    {
        var yaml = Yaml("stolen-idevid-clone.yaml").Replace("cloneDetection: true", "cloneDetection: false", StringComparison.Ordinal);
        var scenario = WithKeys(yaml, "{ device: tpm }", "clone-tpm.yaml");

        var run = await PlantRun.ToEndAsync(scenario.ToPlant(), "clone-tpm");

        var failed = Assert.Single(run.Journal.OfType<DeviceIdevidTheftFailed>());
        Assert.Equal(("clone-001", "sensor-001"), (failed.Entity.Value, failed.Original.Value));
        Assert.Contains("cannot be exported", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(run.Journal.OfType<DeviceIdevidInstalled>(), i => i.Entity.Value == "clone-001");
        Assert.DoesNotContain(run.Journal.OfType<DeviceCertificateInstalled>(), c => c.Entity.Value == "clone-001");
        Assert.Contains(run.Journal.OfType<DeviceCertificateInstalled>(), c => c.Entity.Value == "sensor-001");
    }
}
