using Twin.Actors.Keys;
using Twin.Actors.Scenarios;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>design.keyStorage: one store for all, one per role, and clear errors with file:line:column.</summary>
public sealed class KeyStorageLoaderTests
{
    private const string Topology = """
        topology:
          rootCa: { id: ca-root, subject: CN=Root }
          devices:
            - { id: sensor-1 }
          peas:
            - { id: pea-1 }
          pol: { id: pol }
        """;

    private static Scenario Load(string design) =>
        ScenarioLoader.Load($"name: k\nstart: 2030-01-01T00:00:00Z\n{design}\n{Topology}\n", "keys.yaml");

    [Fact]
    public void One_value_puts_every_entity_that_holds_keys_in_that_store()
    {
        var plant = Load("design: { keyStorage: tpm }").ToPlant();

        Assert.All(plant.Devices, d => Assert.Equal(KeyStoreKind.Tpm, d.Settings.KeyStorage));
        Assert.All(plant.Authorities, a => Assert.Equal(KeyStoreKind.Tpm, a.Settings.KeyStorage));
    }

    [Fact]
    public void Per_role_values_reach_each_role_and_roles_left_out_stay_software()
    {
        var plant = Load("design:\n  keyStorage: { pea: tpm, ca: hsm }").ToPlant();

        var byId = plant.Devices.ToDictionary(d => d.Id.Value, d => d.Settings.KeyStorage);
        Assert.Equal(KeyStoreKind.Software, byId["sensor-1"]);
        Assert.Equal(KeyStoreKind.Tpm, byId["pea-1"]);
        Assert.Equal(KeyStoreKind.Software, byId["pol"]);
        Assert.Equal(KeyStoreKind.Hsm, Assert.Single(plant.Authorities).Settings.KeyStorage);
    }

    [Fact]
    public void Pkcs11_is_accepted_for_the_roles_whose_keys_only_sign()
    {
        var plant = Load("design:\n  keyStorage: { device: pkcs11, ca: pkcs11, pea: tpm }").ToPlant();

        var byId = plant.Devices.ToDictionary(d => d.Id.Value, d => d.Settings.KeyStorage);
        Assert.Equal(KeyStoreKind.Pkcs11, byId["sensor-1"]);
        Assert.Equal(KeyStoreKind.Tpm, byId["pea-1"]);
        Assert.Equal(KeyStoreKind.Software, byId["pol"]);
        Assert.Equal(KeyStoreKind.Pkcs11, Assert.Single(plant.Authorities).Settings.KeyStorage);
    }

    [Fact]
    public void Pkcs11_for_the_ca_role_is_refused_when_registrars_would_follow_it()
    {
        const string yaml = "name: k\nstart: 2030-01-01T00:00:00Z\ndesign:\n  keyStorage: { ca: pkcs11 }\ntopology:\n  rootCa: { id: ca-root, subject: CN=Root }\n  devices:\n    - { id: sensor-1 }\n  domains:\n    - { name: plant, issuingCa: ca-root, members: [sensor-1] }\n";

        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(yaml, "keys.yaml"));

        Assert.StartsWith("keys.yaml:4:21: design.keyStorage.ca: 'pkcs11' would also hold the keys of the registrars of 'plant'", Assert.Single(error.Problems).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Registrars_keep_their_keys_in_the_store_of_the_ca_role()
    {
        const string yaml = "name: k\nstart: 2030-01-01T00:00:00Z\ndesign:\n  keyStorage: { ca: hsm }\ntopology:\n  rootCa: { id: ca-root, subject: CN=Root }\n  devices:\n    - { id: sensor-1 }\n  domains:\n    - { name: plant, issuingCa: ca-root, members: [sensor-1] }\n";

        var plant = ScenarioLoader.Load(yaml, "keys.yaml").ToPlant();

        Assert.Equal(KeyStoreKind.Hsm, Assert.Single(plant.Registrars).Settings.KeyStorage);
        Assert.Equal(KeyStoreKind.Software, plant.DeviceKeyStorage);
    }

    [Fact]
    public void Without_the_knob_every_key_is_in_software()
    {
        var plant = Load("design: { renewAt: 0.75 }").ToPlant();

        Assert.All(plant.Devices, d => Assert.Equal(KeyStoreKind.Software, d.Settings.KeyStorage));
        Assert.All(plant.Authorities, a => Assert.Equal(KeyStoreKind.Software, a.Settings.KeyStorage));
    }

    [Theory]
    [InlineData("design: { keyStorage: pkcs11 }", "keys.yaml:3:23: design.keyStorage: 'pkcs11' cannot hold every key: the twin's PKCS#11 token keys sign (ECDSA P-256/P-384, RSA PKCS#1 v1.5) but do not decrypt")]
    [InlineData("design:\n  keyStorage: { ca: pkcs11, pea: pkcs11 }", "keys.yaml:4:34: design.keyStorage.pea: 'pkcs11' cannot hold a PEA server's OPC UA application key")]
    [InlineData("design:\n  keyStorage: { pol: pkcs11 }", "keys.yaml:4:22: design.keyStorage.pol: 'pkcs11' cannot hold the POL's OPC UA application key")]
    [InlineData("design: { keyStorage: vault }", "keys.yaml:3:23: design.keyStorage: 'vault' is not one of 'software', 'tpm', 'hsm', 'pkcs11'.")]
    [InlineData("design:\n  keyStorage: { pea: tpm, ca: smartcard }", "keys.yaml:4:31: design.keyStorage.ca: 'smartcard' is not one of 'software', 'tpm', 'hsm', 'pkcs11'.")]
    [InlineData("design:\n  keyStorage: { registrar: hsm }", "keys.yaml:4:17: design.keyStorage (one store for all, or one per role): unknown key 'registrar'; expected one of device, pea, pol, ca.")]
    public void A_wrong_value_is_refused_with_file_line_and_column(string design, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => Load(design));

        Assert.StartsWith(expected, Assert.Single(error.Problems).ToString(), StringComparison.Ordinal);
    }
}
