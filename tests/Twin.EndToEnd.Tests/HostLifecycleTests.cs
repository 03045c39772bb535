using System.Net.Sockets;
using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests;

/// <summary>The executable as a user runs it: start, serve, survive a hard kill, and fail clearly on bad configuration.</summary>
public sealed class HostLifecycleTests
{
    // Live speed: nothing renews during the test, so any new serial after a restart would be a re-issue.
    private static readonly string[] LiveSpeed = ["--speed", "1"];

    [Fact]
    public async Task Host_killed_and_restarted_on_the_same_data_folder_shows_the_same_certificates()
    {
        var db = Path.Combine(RepoPaths.NewScratch("restart"), "data", "planttrust.db");
        List<EntityDto> before;
        await using (var host = await HostProcess.StartAsync(db, LiveSpeed))
        {
            var health = await host.Http.GetAsync("/api/health");
            Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
            await host.WaitForEntitiesAsync(HasDeviceCertificates);
            before = await host.SettledEntitiesAsync(); // the onboarding's last writes are in the list
            await host.KillAsync(); // SIGKILL: only what was journaled survives
        }

        await using var revived = await HostProcess.StartAsync(db, LiveSpeed);
        await revived.WaitForEntitiesAsync(HasDeviceCertificates);
        var after = await revived.SettledEntitiesAsync(); // the restarted read model has read the whole journal again

        Assert.Equal(Serials(before), Serials(after));
        var ca = Assert.Single(after, e => e.Kind == "ca");
        Assert.Equal("Valid", Assert.Single(ca.Certificates).Status);
        Assert.All(after.Where(e => e.Kind != "ca"), d => Assert.Equal(d.Certificates[^1].Issuer, ca.Certificates[0].Subject));
    }

    [Fact]
    public async Task An_unwritable_data_folder_ends_with_one_clear_message_and_no_stack_trace()
    {
        var (code, _, stderr) = await HostProcess.RunToExitAsync(["--db", "/proc/planttrust/journal.db", "--urls", "http://127.0.0.1:0"]);
        Assert.Equal(2, code);
        Assert.Contains("/proc/planttrust/journal.db", stderr, StringComparison.Ordinal);
        Assert.Contains("cannot be created or written", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_ends_with_one_clear_message_and_no_stack_trace()
    {
        using var squatter = new TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var db = Path.Combine(RepoPaths.NewScratch("port"), "planttrust.db");

        var (code, _, stderr) = await HostProcess.RunToExitAsync(["--db", db, "--urls", $"http://127.0.0.1:{port}"]);

        Assert.Equal(1, code);
        Assert.Contains($"cannot listen on http://127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.Contains("address already in use", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_option_is_named_with_its_value_and_what_was_expected()
    {
        var db = Path.Combine(RepoPaths.NewScratch("setting"), "planttrust.db");
        var (code, _, stderr) = await HostProcess.RunToExitAsync(["--db", db, "--urls", "http://127.0.0.1:0", "--speed", "-3"]);
        Assert.Equal(2, code);
        Assert.Contains("--speed '-3'", stderr, StringComparison.Ordinal);
        Assert.Contains("positive number", stderr, StringComparison.Ordinal);
    }

    // Every entity of the demo (the CA, two devices, two PEAs, the POL) holds its certificate: nothing is mid-enrollment.
    private static bool HasDeviceCertificates(List<EntityDto> entities) =>
        entities.Any(e => e.Kind == "ca") && entities.Count(e => e.Kind != "ca") >= 5 && entities.All(e => e.Certificates.Count > 0);

    private static List<string> Serials(List<EntityDto> entities) =>
        entities.OrderBy(e => e.Id, StringComparer.Ordinal).SelectMany(e => e.Certificates.Select(c => $"{e.Id}:{c.Serial}")).ToList();
}
