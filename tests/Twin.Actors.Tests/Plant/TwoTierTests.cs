using System.Globalization;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Pki.Keys;
using Twin.Actors.Tests.Support;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Plant;

/// <summary>A root certifies an issuing CA, which certifies the devices: openssl accepts the chains the twin built.</summary>
public sealed class TwoTierTests
{
    [Fact]
    public async Task Devices_of_an_issuing_CA_chain_to_the_root_and_the_issuing_CA_has_path_length_zero()
    {
        var start = SimInstant.Parse("2030-01-01T00:00:00Z");
        var root = new EntityId("ca-root");
        var issuing = new EntityId("ca-issuing");
        var spec = new PlantSpec(new RunId("two-tier"), start, 1, StartRunning: true,
            [
                (root, new CaSettings("CN=Plant Root,O=Operator", KeyAlgorithm.EcdsaP384, TimeSpan.FromDays(7300))),
                (issuing, new CaSettings("CN=Plant Issuing CA,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)) { Parent = root }),
            ],
            [(new EntityId("device-001"), new DeviceSettings(issuing, "CN=device-001,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(90)))])
        {
            Mode = ClockMode.Max,
            Until = start.Add(TimeSpan.FromDays(1)),
        };

        var snapshot = (await PlantRun.ToEndAsync(spec, "two-tier")).Snapshot;
        var folder = RepoPaths.NewScratch("two-tier-oracle");

        string Pem(string entity) => Twin.Pki.Encoding.Pem.Encode("CERTIFICATE", snapshot.Entities[entity].Current!.Der.AsSpan());
        var rootPem = RepoPaths.WriteText(folder, "root.pem", Pem("ca-root"));
        var issuingPem = RepoPaths.WriteText(folder, "issuing.pem", Pem("ca-issuing"));
        var devicePem = RepoPaths.WriteText(folder, "device.pem", Pem("device-001"));
        var at = start.Add(TimeSpan.FromHours(12)).Utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        var verify = await Peer.OpenSslAsync("verify", "-x509_strict", "-attime", at, "-CAfile", rootPem, "-untrusted", issuingPem, devicePem);
        Assert.True(verify.ExitCode == 0, verify.All);
        var text = await Peer.OpenSslAsync("x509", "-in", issuingPem, "-noout", "-text");
        Assert.Contains("CA:TRUE, pathlen:0", text.StdOut, StringComparison.Ordinal);
        Assert.Equal("CN=Plant Issuing CA,O=Operator", snapshot.Entities["device-001"].Current!.Issuer);
        // Each CA publishes its first CRL when it comes into being, then one a day.
        Assert.Equal(2, snapshot.Entities["ca-issuing"].Crl!.Number);
        Assert.Equal(start.Add(TimeSpan.FromDays(1)).Utc, snapshot.Entities["ca-issuing"].Crl!.ThisUpdate);
    }
}
