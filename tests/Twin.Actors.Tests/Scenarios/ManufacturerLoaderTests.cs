using Twin.Actors.Entities.Device;
using Twin.Actors.Model;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>topology.manufacturers, design.onboarding, clones, the manufacturing timeline steps and expectations, as the loader reads them.</summary>
public sealed class ManufacturerLoaderTests
{
    [Fact]
    public void Manufacturers_own_what_they_make_and_the_pol_imports_the_packages_of_their_peas()
    {
        var scenario = ScenarioLoader.Load("""
            name: Makers
            run: makers
            start: 2030-01-01T00:00:00Z
            design: { onboarding: brski, cloneDetection: false }
            topology:
              rootCa: { id: ca-root, subject: CN=r }
              manufacturers:
                - { id: maker, subject: "O=Maker,CN=Maker CA", makes: ["s-*", pea], firmware: 3.1.4 }
              devices:
                - { id: "s-{n}", count: 2 }
                - { id: fake, cloneOf: s-001 }
              peas:
                - { id: pea }
              pol: { id: pol }
              domains:
                - { name: plant, issuingCa: ca-root, members: [s-001, s-002] }
            timeline:
              - { at: P1D, action: firmware-update, target: pea, version: 9.9.9, tampered: true }
              - { at: P1D, action: clone-onboard, target: fake }
            """, "makers.yaml");

        var plant = scenario.ToPlant();
        var (_, maker) = Assert.Single(plant.Manufacturers);
        Assert.Equal("plant", maker.Products[new EntityId("s-001")]);
        Assert.Null(maker.Products[new EntityId("pea")]);
        Assert.False(maker.Products.ContainsKey(new EntityId("fake")));
        Assert.Equal("urn:planttrust:makers:pea", maker.PeaApplicationUris[new EntityId("pea")]);
        Assert.False(maker.OneVoucherPerSerial);
        Assert.Equal("3.1.4", maker.FirmwareVersion);
        var devices = plant.Devices.ToDictionary(d => d.Id.Value, d => d.Settings);
        Assert.Equal((new EntityId("maker"), DeviceOnboarding.Brski, "plant"), (devices["s-002"].Manufacturer!.Value, devices["s-002"].Onboarding, devices["s-002"].CmpDomain));
        Assert.Equal((new EntityId("s-001"), "plant"), (devices["fake"].CloneOf!.Value, devices["fake"].CmpDomain));
        Assert.Null(devices["fake"].Manufacturer);
        Assert.Equal([new EntityId("pea")], devices["pol"].MtpTargets);
        var update = scenario.Timeline[0];
        Assert.Equal(("firmware-update", "9.9.9", true), (update.ActionName, update.Version, update.Tampered));
    }

    [Fact]
    public void Manufacturing_mistakes_are_named_with_file_line_and_column()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load("""
            name: Bad makers
            start: 2030-01-01T00:00:00Z
            design: { onboarding: est }
            topology:
              rootCa: { id: ca-root, subject: CN=r }
              manufacturers:
                - { id: maker, subject: CN=m, makes: [ghost-*, d-1] }
              devices:
                - { id: d-1 }
                - { id: d-2 }
                - { id: twin, cloneOf: nobody }
              domains:
                - { name: plant, issuingCa: ca-root, members: [d-1, d-2] }
            timeline:
              - { at: P1D, action: mtp-tamper, target: d-1 }
              - { at: P1D, action: clone-onboard, target: d-2 }
            expect:
              - onboarded: { device: "x-*", by: P1D }
            """, "bad.yaml"));

        Assert.Equal(
        [
            "bad.yaml:3:9: design.onboarding: est needs an IDevID, but d-2 is made by no manufacturer (topology.manufacturers[].makes).",
            "bad.yaml:7:43: manufacturer.makes: 'ghost-*' names no device or PEA of this scenario ('*' matches any characters).",
            "bad.yaml:11:28: device.cloneOf: 'nobody' is not a device listed before this one (a clone copies a plain device's IDevID).",
            "bad.yaml:15:44: timeline.target: 'd-1' is not a PEA; only PEAs ship MTP packages.",
            "bad.yaml:16:47: timeline.target: 'd-2' is not a clone (a device with cloneOf).",
            "bad.yaml:18:26: expect[0].onboarded.device: 'x-*' names no device of this scenario ('*' matches any characters).",
        ], error.Problems.Select(p => p.ToString()));
    }
}
