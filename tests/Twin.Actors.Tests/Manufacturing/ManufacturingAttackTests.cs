using Twin.Actors.Protocol.Events;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Manufacturing;

/// <summary>Attacks on the manufacturing chain: tampered firmware, a tampered MTP package, a clone with a stolen IDevID.</summary>
public sealed class ManufacturingAttackTests
{
    private static string Yaml(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, "scenarios", name));

    private static async Task<(Scenario Scenario, PlantRun.Outcome Run, IReadOnlyList<ExpectationResult> Verdicts)> RunAsync(string yaml, string name)
    {
        var scenario = ScenarioLoader.Load(yaml, name + ".yaml");
        var run = await PlantRun.ToEndAsync(scenario.ToPlant(), name);
        return (scenario, run, ExpectationCheck.Evaluate(scenario.Expectations, run.Journal, scenario.Start, run.Now));
    }

    [Fact] // RFC 5652 §5.6 detached signature over the image; secure boot refuses, the server stops, a good update recovers
    public async Task Tampered_firmware_is_refused_by_secure_boot_the_pea_goes_dark_and_a_signed_update_brings_it_back()
    {
        var (_, run, verdicts) = await RunAsync(Yaml("tampered-firmware.yaml"), "tampered-firmware");

        Assert.All(verdicts, v => Assert.True(v.Passed, $"{v.Label} {v.Expectation}: {v.Detail}"));
        var boots = run.Journal.OfType<DeviceSecureBootChecked>().Where(b => b.Entity.Value == "pea-001").Select(b => (b.Version, b.Passed)).ToList();
        Assert.Equal([("1.0.0", true), ("2.0.0", false), ("2.0.1", true)], boots);
        var refusal = run.Journal.OfType<DeviceSecureBootChecked>().Single(b => !b.Passed);
        Assert.Contains("does not verify", refusal.Reason, StringComparison.Ordinal);
        Assert.Equal(1, run.Metrics.Manufacturing.SecureBootFailures);
        // While it refused to run, the POL found no server: the outage is measured, not assumed.
        Assert.Contains(run.Journal.OfType<ConnectionAttempted>(), a => a.Target.Value == "pea-001" && a.Status == "BadNotConnected");
    }

    [Fact] // the POL imports only packages whose signature and signer chain validate at the simulated instant
    public async Task A_tampered_mtp_package_is_refused_by_the_pol_which_keeps_the_package_it_imported_before()
    {
        var (_, run, verdicts) = await RunAsync(Yaml("tampered-mtp-package.yaml"), "tampered-mtp");

        Assert.All(verdicts, v => Assert.True(v.Passed, $"{v.Label} {v.Expectation}: {v.Detail}"));
        var judged = run.Journal.OfType<MtpPackageJudged>().Where(j => j.Pea.Value == "pea-002").ToList();
        Assert.Equal([true, false], judged.Select(j => j.Imported));
        Assert.Contains("does not verify", judged[1].Reason, StringComparison.Ordinal);
        Assert.Equal(1, run.Metrics.Manufacturing.MtpPackagesRefused);
        Assert.Equal(2, run.Metrics.Manufacturing.MtpPackagesImported);
    }

    [Fact] // RFC 8995 §5.5.4: the MASA's ownership record; with clone detection a serial is vouchered once
    public async Task A_clone_with_a_stolen_idevid_is_refused_a_voucher_when_the_masa_detects_clones()
    {
        var (_, run, verdicts) = await RunAsync(Yaml("stolen-idevid-clone.yaml"), "clone-caught");

        Assert.All(verdicts, v => Assert.True(v.Passed, $"{v.Label} {v.Expectation}: {v.Detail}"));
        Assert.True(Assert.Single(run.Journal.OfType<DeviceIdevidInstalled>(), i => i.Entity.Value == "clone-001").Stolen);
        // The clone keeps trying (every retry interval); every request is refused for the same reason.
        var refused = run.Journal.OfType<VoucherRefused>().ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.Equal("SN-SENSOR-001", r.SerialNumber));
        Assert.All(refused, r => Assert.Contains("already onboarded", r.Reason, StringComparison.Ordinal));
        Assert.Contains(run.Journal.OfType<RegistrarDecided>(), d => d.What == "brski:requestvoucher" && d.Verdict == "refused" && d.Reason.Contains("the MASA refused", StringComparison.Ordinal));
        Assert.All(run.Journal.OfType<DeviceVoucherChecked>().Where(v => v.Entity.Value == "clone-001"), v => Assert.False(v.Accepted));
    }

    [Fact] // the same attack without the MASA's record: the clone onboards and holds an LDevID of the domain
    public async Task Without_clone_detection_the_clone_gets_a_voucher_and_an_ldevid()
    {
        var yaml = Yaml("stolen-idevid-clone.yaml").Replace("cloneDetection: true", "cloneDetection: false", StringComparison.Ordinal);
        var (_, run, verdicts) = await RunAsync(yaml, "clone-missed");

        Assert.Contains(verdicts, v => v.Kind == "onboarded" && v.Expectation.Contains("clone-001", StringComparison.Ordinal) && !v.Passed);
        Assert.Empty(run.Journal.OfType<VoucherRefused>());
        Assert.True(Assert.Single(run.Journal.OfType<DeviceVoucherChecked>(), v => v.Entity.Value == "clone-001").Accepted);
        Assert.Single(run.Journal.OfType<DeviceCertificateInstalled>(), c => c.Entity.Value == "clone-001");
    }
}
