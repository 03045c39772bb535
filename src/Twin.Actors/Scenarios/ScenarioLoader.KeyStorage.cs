using Twin.Actors.Keys;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// design.keyStorage: one store for every entity (`keyStorage: tpm`) or one per role
// (`keyStorage: { device: tpm, pea: tpm, pol: software, ca: hsm }`, roles left out stay software).
public static partial class ScenarioLoader
{
    private static readonly string[] KeyStorageRoles = ["device", "pea", "pol", "ca"];

    private static KeyStorageDesign ReadKeyStorage(ScenarioReader r, YamlNode? node)
    {
        if (node is null) return KeyStorageDesign.Software;
        if (node is YamlScalarNode)
        {
            var all = StoreKind(r, node, "design.keyStorage") ?? KeyStoreKind.Software;
            if (all == KeyStoreKind.Pkcs11)
            {
                r.Problem(node, $"design.keyStorage: 'pkcs11' cannot hold every key: {Pkcs11SignsOnly} Name it per role, for example {{ device: pkcs11, ca: pkcs11 }}.");
                return KeyStorageDesign.Software;
            }
            return new KeyStorageDesign(all, all, all, all);
        }
        var map = r.Mapping(node, "design.keyStorage (one store for all, or one per role)", KeyStorageRoles);
        KeyStoreKind Role(string role)
        {
            var value = ScenarioReader.Get(map, role);
            var kind = StoreKind(r, value, "design.keyStorage." + role) ?? KeyStoreKind.Software;
            if (kind != KeyStoreKind.Pkcs11 || role is not ("pea" or "pol")) return kind;
            r.Problem(value!, $"design.keyStorage.{role}: 'pkcs11' cannot hold {(role == "pea" ? "a PEA server's" : "the POL's")} OPC UA application key: {Pkcs11SignsOnly} Use 'tpm' or 'hsm' for it.");
            return KeyStoreKind.Software;
        }
        return new KeyStorageDesign(Role("device"), Role("pea"), Role("pol"), Role("ca"));
    }

    // Registrars follow the ca role. One on a PKCS#11 token could not recall its one-time CMP secrets after a restart (they derive
    // from a repeatable signature of its key, and a token's ECDSA signatures are not repeatable), nor serve a GDS (RSA decryption).
    private static void CheckRegistrarKeyStorage(ScenarioReader r, YamlNode? designNode, DesignKnobs design, IEnumerable<Entities.Registrar.RegistrarSettings> domains)
    {
        if (design.KeyStorage.Ca != KeyStoreKind.Pkcs11 || !domains.Any() || designNode is not YamlMappingNode map || ScenarioReader.Get(map, "keyStorage") is not YamlMappingNode storage) return;
        r.Problem(ScenarioReader.Get(storage, "ca")!, $"design.keyStorage.ca: 'pkcs11' would also hold the keys of the registrars of {string.Join(", ", domains.Select(d => $"'{d.Domain}'"))} (registrars follow the ca role), " +
            "and a registrar on a token could neither recall its one-time CMP secrets after a restart (they derive from a repeatable signature of its key; the token's ECDSA signatures are random) nor serve a GDS (RSA decryption). Use 'hsm' for ca when the plant has domains.");
    }

    // What the twin's PKCS#11 store does not do, said where a design asks for it.
    private const string Pkcs11SignsOnly = "the twin's PKCS#11 token keys sign (ECDSA P-256/P-384, RSA PKCS#1 v1.5) but do not decrypt, and OPC UA secure channels need RSA-OAEP decryption and RSA-PSS signatures by the application key.";

    private static KeyStoreKind? StoreKind(ScenarioReader r, YamlNode? node, string what)
    {
        var text = r.Text(node, what);
        if (text is null) return null;
        if (KeyRefs.Parse(text) is { } kind) return kind;
        r.Problem(node!, $"{what}: '{text}' is not one of {string.Join(", ", KeyRefs.Names.Select(v => $"'{v}'"))}.");
        return null;
    }
}

/// <summary>Where each role's keys live (design.keyStorage). Registrars follow the ca role (RegistrarSettings.KeyStorage).</summary>
public sealed record KeyStorageDesign(KeyStoreKind Device, KeyStoreKind Pea, KeyStoreKind Pol, KeyStoreKind Ca)
{
    /// <summary>Every key in software files: the default.</summary>
    public static KeyStorageDesign Software { get; } = new(KeyStoreKind.Software, KeyStoreKind.Software, KeyStoreKind.Software, KeyStoreKind.Software);

    /// <summary>The store of an entity of <paramref name="role"/>.</summary>
    public KeyStoreKind For(DeviceRole role) => role switch
    {
        DeviceRole.Pea => Pea,
        DeviceRole.Pol => Pol,
        _ => Device,
    };
}
