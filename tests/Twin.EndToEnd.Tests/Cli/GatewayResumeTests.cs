using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// A gateway enrolls into a further domain besides its first (its own key and LDevID there: ir with that domain's one-time secret,
/// then kur signed with that domain's credential). A run killed with SIGKILL while such a request is open and started again on the
/// same journal ends with the digest of an uninterrupted run: the gateway sends the journaled PKIMessage again at its instant, recalls
/// the secret by its reference, and the domain's registrar answers a transaction it decided without deciding it again.
/// </summary>
public sealed class GatewayResumeTests
{
    // Certificates of two days renewed at ¾: line B's ir at the start, kur at 36 h, 72 h and 108 h.
    private const string Plant = """
        name: Resumed gateway
        run: resumed-gateway
        seed: 5
        start: 2030-01-01T00:00:00Z
        duration: P5D
        clock: { mode: max }
        design: { deviceLifetime: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Root,O=PlantTrust" }
          cas:
            - { id: ca-line-a, parent: ca-root, subject: "CN=Line A Issuing,O=PlantTrust" }
            - { id: ca-line-b, parent: ca-root, subject: "CN=Line B Issuing,O=PlantTrust" }
          devices:
            - { id: gateway, subject: "CN=gateway,O=PlantTrust" }
            - { id: sensor, subject: "CN=sensor,O=PlantTrust" }
          domains:
            - { name: line-a, issuingCa: ca-line-a, members: [gateway, sensor], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
            - { name: line-b, issuingCa: ca-line-b, members: [gateway], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
        """;

    private static readonly Lazy<Task<(string Digest, int Events)>> Uninterrupted =
        new(() => KillResume.UninterruptedAsync("gateway-resume-whole", folder => RepoPaths.WriteText(folder, "plant.yaml", Plant)));

    // The process kills itself just before the N-th event of a kind reaches the journal:
    // - dev.domain-credential #1: line B's registrar granted the gateway's ir (MAC, one-time secret), the gateway never installed it;
    // - dev.domain-credential #2: the same for its first kur (signed with line B's credential);
    // - dev.domain-requested #2: the kur's key is made, the request not journaled (it is made again, from the same entropy).
    [Theory]
    [InlineData("dev.domain-credential.v1#1", true)]
    [InlineData("dev.domain-credential.v1#2", true)]
    [InlineData("dev.domain-requested.v1#2", false)]
    public async Task A_run_killed_with_a_further_domain_request_open_resumes_to_the_uninterrupted_digest(string killBefore, bool inFlight)
    {
        var folder = RepoPaths.NewScratch("gateway-resume-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant);
        var db = Path.Combine(folder, "run.db");

        var journaled = await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        if (inFlight)
            Assert.True(await KillResume.CountAsync(db, "dev.domain-requested.v1") > await KillResume.CountAsync(db, "dev.domain-credential.v1"), "no further-domain request was open at the kill");

        await KillResume.AssertResumesLikeAsync(scenario, folder, journaled, Uninterrupted.Value);
        // Nothing refused on the way: the retransmission was answered, not held against the transactionID it reuses.
        Assert.Equal(0, await KillResume.CountAsync(db, "dev.domain-refused.v1"));
        Assert.Equal(0, await KillResume.CountAsync(db, "dev.cmp-refused.v1"));
    }
}
