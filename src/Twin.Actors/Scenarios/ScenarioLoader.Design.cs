using Twin.Pki.Keys;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// The `design:` section: the knobs an architect varies. Knobs the twin cannot run yet are refused
// with a message, never silently ignored.
public static partial class ScenarioLoader
{
    private static readonly string[] DesignKeys =
        ["renewAt", "rekeyOnRenewal", "deviceLifetime", "keyAlgorithm", "lifetimes", "keyAlgorithms", "revocation", "crlInterval", "crlValidity", "distribution", "distributionInterval", "retention", "onboarding", "keyStorage", "cloneDetection", "ocspValidity", "ocspResponder", "gds", "trustModel", "requiredLevel", "trustListInterval"];

    // OPC UA's security policies (Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss) are RSA policies.
    private static readonly KeyAlgorithm[] RsaAlgorithms = [KeyAlgorithm.Rsa2048, KeyAlgorithm.Rsa3072, KeyAlgorithm.Rsa4096];

    /// <summary>Values of knobs the format names but the twin does not run yet, with what it does instead.</summary>
    private static readonly (string Knob, string[] Supported, string[] Planned, string Why)[] Unsupported =
    [
        ("revocation", ["crl", "shortLived", "ocsp"], [], "relying parties in the twin check CRLs, OCSP, or nothing for short-lived certificates"),
    ];

    private static DesignKnobs ReadDesign(ScenarioReader r, YamlNode? node)
    {
        var d = DesignKnobs.Default;
        var map = r.Mapping(node, "design", DesignKeys);
        if (map is null) return d;
        foreach (var (knob, supported, planned, why) in Unsupported)
        {
            var valueNode = ScenarioReader.Get(map, knob);
            var text = r.Text(valueNode, "design." + knob);
            if (text is null || supported.Contains(text, StringComparer.Ordinal)) continue;
            var runs = supported.Length == 1 ? $"the only value it runs is '{supported[0]}'" : $"the values it runs are {string.Join(", ", supported.Select(v => $"'{v}'"))}";
            r.Problem(valueNode!, planned.Contains(text, StringComparer.Ordinal)
                ? $"design.{knob}: '{text}' is not supported by the twin yet ({why}); {runs}."
                : $"design.{knob}: '{text}' is not one of {string.Join(", ", supported.Concat(planned))} ({runs}).");
        }

        var lifetimesNode = ScenarioReader.Get(map, "lifetimes");
        var lifetimes = r.Mapping(lifetimesNode, "design.lifetimes", "device", "pea", "pol", "issuingCa", "rootCa", "gds");
        var deviceLifetime = r.Duration(ScenarioReader.Get(map, "deviceLifetime"), "design.deviceLifetime");
        var lifetimeDevice = r.Duration(ScenarioReader.Get(lifetimes, "device"), "design.lifetimes.device");
        if (deviceLifetime is not null && lifetimeDevice is not null)
            r.Problem(lifetimesNode!, "design.lifetimes.device: the device lifetime is also given as design.deviceLifetime; keep one.");

        var algorithmsNode = ScenarioReader.Get(map, "keyAlgorithms");
        var algorithms = r.Mapping(algorithmsNode, "design.keyAlgorithms", "device", "pea", "pol", "ca");
        var keyAlgorithm = r.Enum(ScenarioReader.Get(map, "keyAlgorithm"), "design.keyAlgorithm", KeyAlgorithms);
        var algorithmDevice = r.Enum(ScenarioReader.Get(algorithms, "device"), "design.keyAlgorithms.device", KeyAlgorithms);
        if (keyAlgorithm is not null && algorithmDevice is not null)
            r.Problem(algorithmsNode!, "design.keyAlgorithms.device: the device algorithm is also given as design.keyAlgorithm; keep one.");

        var crlInterval = r.Duration(ScenarioReader.Get(map, "crlInterval"), "design.crlInterval") ?? d.CrlInterval;
        var crlValidityNode = ScenarioReader.Get(map, "crlValidity");
        var crlValidity = r.Duration(crlValidityNode, "design.crlValidity") ?? (crlValidityNode is null && crlInterval > d.CrlValidity / 2 ? crlInterval * 2 : d.CrlValidity);
        if (crlValidity < crlInterval)
            r.Problem(crlValidityNode ?? map, $"design.crlValidity: {Iso.Format(crlValidity)} is shorter than design.crlInterval ({Iso.Format(crlInterval)}): every CRL would lapse before its successor.");

        return ReadTrustModelKnobs(r, map, ReadOcspKnobs(r, map, ReadManufacturingKnobs(r, map, new DesignKnobs(
            r.Number(ScenarioReader.Get(map, "renewAt"), "design.renewAt", 0.05, 0.99) ?? d.RenewAtFraction,
            r.Parse<bool>(ScenarioReader.Get(map, "rekeyOnRenewal"), "design.rekeyOnRenewal", "true or false", t => bool.Parse(t)) ?? d.RekeyOnRenewal,
            deviceLifetime ?? lifetimeDevice ?? d.DeviceLifetime,
            keyAlgorithm ?? algorithmDevice ?? d.KeyAlgorithm,
            crlInterval,
            crlValidity)
        {
            PeaLifetime = r.Duration(ScenarioReader.Get(lifetimes, "pea"), "design.lifetimes.pea"),
            PolLifetime = r.Duration(ScenarioReader.Get(lifetimes, "pol"), "design.lifetimes.pol"),
            GdsLifetime = r.Duration(ScenarioReader.Get(lifetimes, "gds"), "design.lifetimes.gds"),
            CaValidity = r.Duration(ScenarioReader.Get(lifetimes, "issuingCa"), "design.lifetimes.issuingCa") ?? d.CaValidity,
            RootCaValidity = r.Duration(ScenarioReader.Get(lifetimes, "rootCa"), "design.lifetimes.rootCa") ?? d.RootCaValidity,
            PeaAlgorithm = r.Enum(ScenarioReader.Get(algorithms, "pea"), "design.keyAlgorithms.pea (OPC UA policies are RSA policies)", RsaAlgorithms) ?? d.PeaAlgorithm,
            PolAlgorithm = r.Enum(ScenarioReader.Get(algorithms, "pol"), "design.keyAlgorithms.pol (OPC UA policies are RSA policies)", RsaAlgorithms) ?? d.PolAlgorithm,
            CaAlgorithm = r.Enum(ScenarioReader.Get(algorithms, "ca"), "design.keyAlgorithms.ca", KeyAlgorithms) ?? d.CaAlgorithm,
            Revocation = r.Text(ScenarioReader.Get(map, "revocation"), "design.revocation") switch
            {
                "shortLived" => RevocationDesign.ShortLived,
                "ocsp" => RevocationDesign.Ocsp,
                _ => RevocationDesign.Crl,
            },
            TrustListPull = ReadDistribution(r, map),
            Retention = r.Duration(ScenarioReader.Get(map, "retention"), "design.retention"),
            Gds = ReadGds(r, map),
            KeyStorage = ReadKeyStorage(r, ScenarioReader.Get(map, "keyStorage")),
        })));
    }
}
