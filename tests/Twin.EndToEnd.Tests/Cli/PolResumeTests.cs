using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// Scenarios with a POL, killed (SIGKILL) at chosen points and resumed on their journal, end with the uninterrupted run's digest.
/// scenarios/rogue-device.yaml — two PEAs served on loopback, a POL probing them every hour and orchestrating their services, CRLs
/// published daily, a rogue device on day 1 and 2 — killed (SIGKILL) at chosen points and resumed on its journal ends with the
/// uninterrupted run's digest. The resumed clock starts at the latest journaled instant (not at its last saved position, which may
/// lag); the POL finishes the probe round due then and keeps its grid; it reopens the orchestration sessions it held without
/// journaling them and carries its recipe on from the journal; a service call it journaled but its PEA did not is made again.
/// scenarios/pea-key-compromise-ocsp.yaml — relying parties cache OCSP answers for 15 minutes and probe every 15 minutes, a PEA's
/// key is revoked at 13:05, the CA goes offline on day 2 (its delegated responder keeps answering): a restarted relying party
/// reloads the answers it had cached (dev.ocsp-cached) instead of asking again and learning of the revocation early.
/// </summary>
public sealed class PolResumeTests
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<(string Digest, int Events)>>> Uninterrupted = new();

    // By the scenario's text: a plant written into each test's scratch folder runs uninterrupted once.
    private static Task<(string Digest, int Events)> UninterruptedAsync(string scenario) =>
        Uninterrupted.GetOrAdd(File.ReadAllText(scenario), _ => new(() => KillResume.UninterruptedAsync(scenario, "pol-resume-whole"))).Value;

    // - pol.attempt.v1#60: mid-way through a probe round on day 2 (one PEA's attempt journaled, the other's not);
    // - pol.service-call.v1#2: the PEAs moved to Starting and the POL journaled one Start; the other PEA's state change may be lost;
    // - pol.service-observed.v1#5: the POL saw a state change through its subscription and had not written it yet (the clock
    //   waits for it: ServiceObservations), so the resumed POL sees it again through the subscription it reopens;
    // - ca.crl-published.v1#4: a CRL publication instant (the POL's probes after it judge the new CRL);
    // - pol.service-session.v1#3: the POL reopens its sessions because the trust list changed.
    [Theory]
    [InlineData("pol.attempt.v1#60")]
    [InlineData("pol.service-call.v1#2")]
    [InlineData("pol.service-observed.v1#5")]
    [InlineData("ca.crl-published.v1#4")]
    [InlineData("pol.service-session.v1#3")]
    public Task The_rogue_device_scenario_killed_at_a_chosen_point_resumes_to_the_uninterrupted_digest(string killBefore) =>
        KillAndResumeAsync("rogue-device.yaml", killBefore);

    // - dev.ocsp-cached.v1#40: mid-morning, answers cached and journaled by the POL and the PEAs, one not yet written;
    // - pol.attempt.v1#60: mid-morning, in the middle of a probe round, with answers cached a quarter of an hour ago.
    // - pol.attempt.v1#150 and dev.ocsp-cached.v1#150: the afternoon, after the revocation at 13:05, the POL still holding its
    //   orchestration session to the revoked pea-002: the resumed POL reopens it and pea-002 takes the POL's certificate as held,
    //   without the OCSP lookup (and dev.ocsp-cached) the uninterrupted pea-002 never made (before: 685 events instead of 684);
    // - dev.trust-list-pulled.v1#5: midnight, between two relying parties' trust-list pulls.
    [Theory]
    [InlineData("dev.ocsp-cached.v1#40")]
    [InlineData("pol.attempt.v1#60")]
    [InlineData("pol.attempt.v1#150")]
    [InlineData("dev.ocsp-cached.v1#150")]
    [InlineData("dev.trust-list-pulled.v1#5")]
    public Task The_ocsp_compromise_scenario_killed_at_a_chosen_point_resumes_to_the_uninterrupted_digest(string killBefore) =>
        KillAndResumeAsync("pea-key-compromise-ocsp.yaml", killBefore);

    // One orchestrated PEA with two-day certificates: it renews (and restarts its server) at midnight of day 1 and day 2; the POL
    // probes every 5 hours, so it finds the new server at 01:00 of day 1 and reopens its session "at a new endpoint".
    private const string RenewedPea = """
        name: PEA renewed under the POL
        run: pol-renewed-pea
        seed: 21
        start: 2030-01-01T00:00:00Z
        duration: P2DT12H
        clock: { mode: max }
        design:
          lifetimes: { pea: P2D, pol: P30D }
          crlInterval: P1D
          crlValidity: P2D
        topology:
          rootCa: { id: ca-root, subject: "CN=Root" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Issuing" }
          peas:
            - { id: pea-001, ca: ca-issuing, subject: "CN=pea-001" }
          pol: { id: pol, ca: ca-issuing, subject: "CN=POL", probe: PT5H }
        expect:
          - connected: { pea: pea-001 }
        """;

    // - dev.cert-installed.v1#3: pea-001's first renewal is under way (its request journaled, the certificate not installed);
    // - pol.attempt.v1#6: pea-001 renewed and serves its new certificate; the POL's next probe (at 01:00) is not journaled yet;
    // - pol.service-session.v1#2: the POL probed the renewed PEA and had not journaled the new session: the resumed POL does not
    //   quietly reopen the session it held (it went with the old server) but opens one "at a new endpoint", as the uninterrupted did.
    [Theory]
    [InlineData("dev.cert-installed.v1#3")]
    [InlineData("pol.attempt.v1#6")]
    [InlineData("pol.service-session.v1#2")]
    public Task A_PEA_renewed_before_the_kill_is_reopened_for_its_new_endpoint_as_in_the_uninterrupted_run(string killBefore)
    {
        var folder = RepoPaths.NewScratch("pol-renewed-pea");
        return KillAndResumeAsync(RepoPaths.WriteText(folder, "plant.yaml", RenewedPea), killBefore);
    }

    private static async Task KillAndResumeAsync(string file, string killBefore)
    {
        var scenario = Path.IsPathRooted(file) ? file : Path.Combine(RepoPaths.Root, "scenarios", file);
        var folder = RepoPaths.NewScratch("pol-resume");
        var journaled = await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        await KillResume.AssertResumesLikeAsync(scenario, folder, journaled, UninterruptedAsync(scenario));
    }
}
