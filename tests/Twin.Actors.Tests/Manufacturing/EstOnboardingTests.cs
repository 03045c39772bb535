using Twin.Actors.Protocol.Events;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Est;

namespace Twin.Actors.Tests.Manufacturing;

/// <summary>design.onboarding: est — the IDevID authenticates an EST simpleenroll straight away, no voucher.</summary>
public sealed class EstOnboardingTests
{
    private const string Yaml = """
        name: EST onboarding
        run: est-onboarding
        seed: 7030
        start: 2030-01-01T00:00:00Z
        duration: P2D
        clock: { mode: max }
        design: { onboarding: est, deviceLifetime: P1D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Root,O=Operator" }
          manufacturers:
            - { id: maker, subject: "C=DE,O=Maker,CN=Maker CA", makes: ["d-*"] }
          devices:
            - { id: "d-{n}", count: 2, subject: "CN={id},O=Operator" }
          domains:
            - name: plant
              issuingCa: ca-root
              members: [d-001, d-002]
              templates: [ { name: ldevid, profile: LDevId, lifetime: P1D } ]
        """;

    [Fact] // RFC 7030 §3.3.2 (client certificate), §4.2.1 (simpleenroll), §4.2.2 (simplereenroll)
    public async Task Members_enroll_over_est_with_their_idevid_and_renew_with_their_ldevid()
    {
        var run = await PlantRun.ToEndAsync(ScenarioLoader.Load(Yaml, "est.yaml").ToPlant(), "est-onboarding");

        Assert.Empty(run.Journal.OfType<DeviceVoucherRequested>());
        Assert.Empty(run.Journal.OfType<VoucherIssued>());
        var decisions = run.Journal.OfType<RegistrarDecided>().ToList();
        Assert.Equal(2, decisions.Count(d => d.What == "est:simpleenroll" && d.Verdict == "granted" && d.Who.StartsWith("idevid:", StringComparison.Ordinal)));
        Assert.Contains(decisions, d => d.What == "est:simplereenroll" && d.Verdict == "granted" && d.Who.StartsWith("cert:CN=d-", StringComparison.Ordinal));
        Assert.DoesNotContain(decisions, d => d.Verdict == "refused");
        // What went on the wire is the RFC 7030 body: base64 of the DER PKCS#10, read back by the EST codec.
        var first = run.Journal.OfType<DeviceEstRequested>().First(r => r.Entity.Value == "d-001");
        Assert.Equal("CN=d-001,O=Operator", EstCodec.ReadCsr(first.Body).Subject);
        Assert.All(run.Journal.OfType<DeviceCertificateInstalled>(), c => Assert.Equal("CN=Root,O=Operator", Certificate.FromDer(c.CertificateDer).Issuer));
        // The registrar's domain record knows each device as the holder of what it enrolled.
        Assert.All(run.Journal.OfType<DomainCertificateEnrolled>(), e => Assert.StartsWith("d-00", e.Holder.Value, StringComparison.Ordinal));
    }
}
