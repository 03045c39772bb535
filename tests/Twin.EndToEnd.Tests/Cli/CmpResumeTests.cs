using Twin.Tests.Support;

namespace Twin.EndToEnd.Tests.Cli;

/// <summary>
/// Domain members enroll over CMP (ir with a one-time secret, MAC-protected; then kur signed with the certificate they renew).
/// A run killed with SIGKILL at a chosen step of an exchange and started again on the same journal ends with the digest of an
/// uninterrupted run: the device sends its journaled PKIMessage again at its instant, the registrar answers a transaction it
/// decided without deciding again, the CA repeats what it issued, and the device recalls its secret by reference.
/// </summary>
public sealed class CmpResumeTests
{
    // Three members, certificates of 20 days renewed at ¾: ir at the start, kur on days 15, 30 and 45.
    private const string Plant = """
        name: Resumed CMP plant
        run: resumed-cmp
        seed: 4210
        start: 2030-01-01T00:00:00Z
        duration: P50D
        clock: { mode: max }
        design: { deviceLifetime: P20D, crlInterval: PT12H, crlValidity: P2D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Cmp Root,O=Operator" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Cmp Issuing,O=Operator" }
          devices:
            - { id: "sensor-{n}", count: 3, ca: ca-issuing, subject: "CN={id},O=Operator" }
          domains:
            - name: plant
              issuingCa: ca-issuing
              members: [sensor-001, sensor-002, sensor-003]
              templates: [ { name: ldevid, profile: LDevId, lifetime: P20D } ]
        expect:
          - crlLapsed: { ca: ca-issuing, never: true }
        """;

    private static readonly Lazy<Task<(string Digest, int Events)>> Uninterrupted =
        new(() => KillResume.UninterruptedAsync("cmp-resume-whole", folder => RepoPaths.WriteText(folder, "plant.yaml", Plant)));

    // The process kills itself just before the N-th event of a kind reaches the journal (RFC 9483 §4.1.1 ir, §4.1.3 kur):
    // - dev.cmp-requested #2: the registrar handed out a one-time reference, the device's ir is not written (it asks again and gets the same reference);
    // - reg.decision #2 / #5: an ir / a kur is journaled by the device, the registrar has not decided (its CA may have issued: it repeats that certificate);
    // - dev.cert-installed #2 / #5: the registrar granted the ir (MAC) / the kur (signature), the device never installed it (the registrar answers again).
    [Theory]
    [InlineData("dev.cmp-requested.v1#2", false)]
    [InlineData("reg.decision.v1#2", true)]
    [InlineData("dev.cert-installed.v1#2", true)]
    [InlineData("reg.decision.v1#5", true)]
    [InlineData("dev.cert-installed.v1#5", true)]
    public async Task A_run_killed_mid_exchange_resumes_to_the_uninterrupted_digest(string killBefore, bool inFlight)
    {
        var folder = RepoPaths.NewScratch("cmp-resume-at");
        var scenario = RepoPaths.WriteText(folder, "plant.yaml", Plant);
        var db = Path.Combine(folder, "run.db");

        var journaled = await KillResume.KillBeforeAsync(scenario, folder, killBefore);
        if (inFlight)
            Assert.True(await CountAsync(db, "dev.cmp-requested.v1") > await CountAsync(db, "dev.cert-installed.v1"), "no CMP request was in flight at the kill");

        await KillResume.AssertResumesLikeAsync(scenario, folder, journaled, Uninterrupted.Value);
        // Nothing refused on the way: no reuse of a transactionID was held against the retransmission.
        Assert.Equal(0, await CountAsync(db, "dev.cmp-refused.v1"));
    }

    private static Task<long> CountAsync(string db, string? manifest = null) => KillResume.CountAsync(db, manifest);
}
