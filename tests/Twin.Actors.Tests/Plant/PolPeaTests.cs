using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Timeline;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Encoding;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Actors.Tests.Plant;

/// <summary>
/// The POL opens real secure OPC UA sessions (TCP, Basic256Sha256 or stronger) with a PEA's server,
/// both sides judging certificates at simulated now against the CRLs the CAs distribute. After the
/// PEA's key is reported compromised and revoked, the POL's next attempt is refused with
/// BadCertificateRevoked — within one probe interval, well inside one CRL interval.
/// </summary>
public sealed class PolPeaTests
{
    [Fact]
    public async Task After_the_PEA_certificate_is_revoked_the_POL_is_refused_with_BadCertificateRevoked_at_its_next_attempt()
    {
        var start = SimInstant.Parse("2030-01-01T00:00:00Z");
        var root = new EntityId("ca-root");
        var issuing = new EntityId("ca-issuing");
        var pea = new EntityId("pea-01");
        var pol = new EntityId("pol");
        var spec = new PlantSpec(new RunId("pol-pea"), start, 1, StartRunning: true,
            [
                (root, new CaSettings("CN=Root,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650))),
                (issuing, new CaSettings("CN=Issuing,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(1825)) { Parent = root }),
            ],
            [
                (pea, new DeviceSettings(issuing, "CN=pea-01,O=Operator", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(90))
                {
                    OpcUaApplicationUri = "urn:planttrust:pol-pea:pea-01",
                    ServesOpcUa = true,
                }),
                (pol, new DeviceSettings(issuing, "CN=pol,O=Operator", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(90))
                {
                    OpcUaApplicationUri = "urn:planttrust:pol-pea:pol",
                    ProbeTargets = [pea],
                    ProbeInterval = TimeSpan.FromHours(6),
                }),
            ])
        {
            Mode = ClockMode.Max,
            Seed = 5,
            Until = start.Add(TimeSpan.FromDays(3)),
            Timeline = [new TimelineStep(TimeSpan.FromDays(2) + TimeSpan.FromHours(1), TimelineAction.Revoke, pea) { Reason = RevocationReason.KeyCompromise }],
        };

        var outcome = await PlantRun.ToEndAsync(spec, "pol-pea");

        var attempts = outcome.Events.Where(e => e.Entity == pol && e.Kind == "pol.attempt").ToList();
        var revokedAt = start.Add(TimeSpan.FromDays(2) + TimeSpan.FromHours(1));
        Assert.Contains(attempts, a => a.At < revokedAt);
        Assert.All(attempts.Where(a => a.At < revokedAt), a => Assert.StartsWith("secure OPC UA session", a.Summary, StringComparison.Ordinal));
        var after = attempts.Where(a => a.At > revokedAt).ToList();
        Assert.NotEmpty(after);
        Assert.All(after, a => Assert.Contains("BadCertificateRevoked", a.Summary, StringComparison.Ordinal));
        // The first refusal comes at the first probe after the revocation: within one probe interval.
        Assert.True(after[0].At - revokedAt <= TimeSpan.FromHours(6), after[0].ToString());
        var last = outcome.Snapshot.Entities["pol"].Connections["pea-01"];
        Assert.Equal(StatusCodes.BadCertificateRevoked, last.StatusCode);
        Assert.Equal("pol", outcome.Snapshot.Entities["pol"].Kind);

        // Measured from the attempts themselves: every 6 h from the start to day 3, good until the revocation
        // at 49 h, refused from the 54 h attempt to the end.
        var link = Assert.Single(outcome.Metrics.Links);
        Assert.Equal((13, 9), (link.Attempts, link.Good));
        Assert.Equal(TimeSpan.FromHours(18), link.OutageByCause["BadCertificateRevoked"]);
        Assert.Equal(1, outcome.Metrics.Revocations);
    }
}
