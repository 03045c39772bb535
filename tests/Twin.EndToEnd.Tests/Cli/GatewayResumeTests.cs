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
    private static readonly string Plant = GatewayPlantYaml.Build("Resumed gateway", "resumed-gateway", "P5D");

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

    // Both domains issued by one CA: the gateway's first-domain ir and its line-b ir reach ca-line at the start, one instant.
    private const string SharedCaPlant = """
        name: Resumed gateway, one CA
        run: resumed-gateway-one-ca
        seed: 5
        start: 2030-01-01T00:00:00Z
        duration: P3D
        clock: { mode: max }
        design: { deviceLifetime: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Root,O=PlantTrust" }
          cas:
            - { id: ca-line, parent: ca-root, subject: "CN=Line Issuing,O=PlantTrust" }
          devices:
            - { id: gateway, subject: "CN=gateway,O=PlantTrust" }
          domains:
            - { name: line-a, issuingCa: ca-line, members: [gateway], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
            - { name: line-b, issuingCa: ca-line, members: [gateway], templates: [ { name: ldevid, profile: LDevId, lifetime: P2D } ] }
        """;

    private static readonly Lazy<Task<(string Digest, int Events)>> UninterruptedSharedCa =
        new(() => KillResume.UninterruptedAsync("gateway-one-ca-whole", folder => RepoPaths.WriteText(folder, "plant.yaml", SharedCaPlant)));

    // Killed before the gateway installs its first answer in either domain, with both certificates issued: whichever request the CA
    // answered first comes again and must get the certificate already issued for it, not a third one (the CA once remembered one
    // answer per requester, the later one).
    [Theory]
    [InlineData("dev.cert-installed.v1#1")]
    [InlineData("dev.domain-credential.v1#1")]
    public async Task A_gateway_whose_domains_share_one_CA_killed_before_installing_resumes_to_the_uninterrupted_digest(string killBefore)
    {
        var folder = RepoPaths.NewScratch("gateway-one-ca-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", SharedCaPlant);
        var db = Path.Combine(folder, "run.db");

        var journaled = await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        Assert.Equal(2, await IssuedToAsync(db, "gateway"));

        await KillResume.AssertResumesLikeAsync(scenario, folder, journaled, UninterruptedSharedCa.Value);
    }

    // How many certificates ca-line's journal shows issued to the requester.
    private static async Task<long> IssuedToAsync(string db, string requester)
    {
        await using var c = KillResume.Open(db);
        await using var command = c.CreateCommand();
        command.CommandText = "SELECT message FROM journal WHERE manifest = 'ca.issued.v1'";
        var count = 0L;
        await using var rows = await command.ExecuteReaderAsync();
        while (await rows.ReadAsync())
        {
            using var doc = System.Text.Json.JsonDocument.Parse((byte[])rows.GetValue(0));
            if (doc.RootElement.GetProperty("subject").GetString() == requester) count++;
        }
        return count;
    }
}
