using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// design.ocspValidity and design.ocspResponder: how the CAs' OCSP responders answer under design.revocation: ocsp. They are
// read under every revocation design (so `compare --vary revocation=...` runs one file) and act only under ocsp.
public static partial class ScenarioLoader
{
    private static readonly TimeSpan MinOcspValidity = TimeSpan.FromMinutes(1);

    private static DesignKnobs ReadOcspKnobs(ScenarioReader r, YamlMappingNode map, DesignKnobs design)
    {
        var validityNode = ScenarioReader.Get(map, "ocspValidity");
        var validity = r.Duration(validityNode, "design.ocspValidity");
        if (validity is { } v && v < MinOcspValidity)
            r.Problem(validityNode!, $"design.ocspValidity: {Iso.Format(v)} is shorter than {Iso.Format(MinOcspValidity)}: answers carry whole seconds and every check would ask the responder again.");
        var responderNode = ScenarioReader.Get(map, "ocspResponder");
        var responder = r.Text(responderNode, "design.ocspResponder");
        if (responder is not (null or "ca" or "delegated"))
            r.Problem(responderNode!, $"design.ocspResponder: '{responder}' is not one of ca (the CA key signs; its responder is down while it is cut off), delegated (a responder certificate with id-kp-OCSPSigning signs, and answers while the CA is cut off).");
        return design with
        {
            OcspValidity = validity ?? design.OcspValidity,
            OcspDelegated = responder == "delegated",
        };
    }
}
