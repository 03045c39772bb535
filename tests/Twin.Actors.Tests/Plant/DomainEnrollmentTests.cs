using Twin.Actors.Clock;
using Twin.Actors.Scenarios;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;

namespace Twin.Actors.Tests.Plant;

/// <summary>Domain members enroll the way real devices do: CMP through the registrar, in process, the same bytes as over HTTP.</summary>
public sealed class DomainEnrollmentTests
{
    private const string Yaml = """
        name: Domain members
        run: domain-members
        seed: 7
        start: 2030-01-01T00:00:00Z
        duration: P3D
        clock: { mode: max }
        design: { deviceLifetime: P1D }
        topology:
          rootCa: { id: ca-root, subject: "CN=Root,O=PlantTrust" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Issuing,O=PlantTrust" }
          devices:
            - { id: "member-{n}", count: 3, subject: "CN={id},O=PlantTrust" }
            - { id: outsider, subject: "CN=outsider,O=PlantTrust" }
          domains:
            - name: plant
              issuingCa: ca-issuing
              members: [member-001, member-002, member-003]
              templates: [ { name: ldevid, profile: LDevId, lifetime: P1D } ]
        """;

    [Fact] // RFC 9483 §4.1.5 ir with a one-time secret, §4.1.3 kur signed with the certificate it renews
    public async Task Members_enroll_with_ir_and_renew_with_kur_through_the_registrar_and_runs_repeat()
    {
        var spec = ScenarioLoader.Load(Yaml, "members.yaml").ToPlant();
        var run = await PlantRun.ToEndAsync(spec, "domain-members");

        foreach (var member in new[] { "member-001", "member-002", "member-003" })
        {
            var sent = run.Events.Where(e => e.Entity.Value == member && e.Kind == "dev.cmp-requested").Select(e => e.Summary).ToList();
            Assert.StartsWith("sent a CMP ir", sent[0], StringComparison.Ordinal);
            Assert.True(sent.Skip(1).Any() && sent.Skip(1).All(s => s.StartsWith("sent a CMP kur", StringComparison.Ordinal)), string.Join("; ", sent));
            var view = run.Snapshot.Entities[member];
            Assert.True(view.Certificates.Count >= 3, $"{member}: {view.Certificates.Count} certificates");
            Assert.All(view.Certificates, c => Assert.Equal("CN=Issuing,O=PlantTrust", c.Issuer));
        }
        // The outsider still enrolls with PKCS#10 straight to the root.
        Assert.Contains(run.Events, e => e.Entity.Value == "outsider" && e.Kind == "dev.enroll-requested");
        Assert.DoesNotContain(run.Events, e => e.Entity.Value == "outsider" && e.Kind == "dev.cmp-requested");
        var decisions = run.Events.Where(e => e.Entity.Value == "registrar.plant" && e.Kind == "reg.decision").ToList();
        Assert.Contains(decisions, d => d.Summary.StartsWith("granted ir from otp:", StringComparison.Ordinal));
        Assert.Contains(decisions, d => d.Summary.StartsWith("granted kur from cert:CN=member-", StringComparison.Ordinal));
        Assert.DoesNotContain(decisions, d => d.Summary.StartsWith("refused", StringComparison.Ordinal));

        // Max mode with a seed: the same scenario gives the same events, CMP messages included.
        var again = await PlantRun.ToEndAsync(spec, "domain-members-again");
        Assert.True(run.Digest == again.Digest, string.Join("\n", run.DigestLines.Except(again.DigestLines).Take(6)));
    }
}
