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
            return new KeyStorageDesign(all, all, all, all);
        }
        var map = r.Mapping(node, "design.keyStorage (one store for all, or one per role)", KeyStorageRoles);
        KeyStoreKind Role(string role) => StoreKind(r, ScenarioReader.Get(map, role), "design.keyStorage." + role) ?? KeyStoreKind.Software;
        return new KeyStorageDesign(Role("device"), Role("pea"), Role("pol"), Role("ca"));
    }

    private static KeyStoreKind? StoreKind(ScenarioReader r, YamlNode? node, string what)
    {
        var text = r.Text(node, what);
        if (text is null) return null;
        if (KeyRefs.Parse(text) is { } kind) return kind;
        r.Problem(node!, text == "pkcs11"
            ? $"{what}: 'pkcs11' is not supported by the twin yet (a PKCS#11 token draws its own randomness, so a run could not repeat); the values it runs are {string.Join(", ", KeyRefs.Names.Select(v => $"'{v}'"))}."
            : $"{what}: '{text}' is not one of {string.Join(", ", KeyRefs.Names.Select(v => $"'{v}'"))}.");
        return null;
    }
}

/// <summary>Where each role's keys live (design.keyStorage). Registrars keep software keys: their enrollment-secret MAC key derives from theirs.</summary>
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
