using System.Text.RegularExpressions;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Model;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using YamlDotNet.RepresentationModel;

namespace Twin.Actors.Scenarios;

// topology.domains: operator domains and how their registrars serve CMP (reference: docs/enrollment.md).
public static partial class ScenarioLoader
{
    private static readonly CertificateProfile[] TemplateProfiles =
        [CertificateProfile.LDevId, CertificateProfile.TlsClient, CertificateProfile.TlsServer, CertificateProfile.OpcUaApplication];

    private static List<RegistrarSettings> ReadDomains(ScenarioReader r, YamlNode? node, HashSet<EntityId> cas, HashSet<EntityId> devices, string file)
    {
        var domains = new List<RegistrarSettings>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var membership = new Dictionary<EntityId, string>();
        foreach (var item in r.Sequence(node, "topology.domains")?.Children ?? [])
        {
            var map = r.Mapping(item, "domain", "name", "issuingCa", "signatureSuite", "mode", "upstream", "allowList", "templates", "implicitConfirm", "secretValidity", "members", "confirmWaitTime");
            if (map is null) continue;
            var nameNode = r.Required(map, item, "name", "domain");
            var name = r.Text(nameNode, "domain.name");
            var caNode = r.Required(map, item, "issuingCa", "domain");
            var ca = Id(r, caNode, "domain.issuingCa");
            var suite = r.Enum(ScenarioReader.Get(map, "signatureSuite"), "domain.signatureSuite", KeyAlgorithms) ?? KeyAlgorithm.EcdsaP256;
            var modeNode = ScenarioReader.Get(map, "mode");
            var modeText = r.Text(modeNode, "domain.mode") ?? "ca";
            RegistrarMode? mode = modeText.ToLowerInvariant() switch { "ca" => RegistrarMode.Ca, "ra" => RegistrarMode.Ra, _ => null };
            if (mode is null) r.Problem(modeNode!, $"domain.mode: '{modeText}' is not one of ca, ra.");
            var upstream = ReadUpstream(r, ScenarioReader.Get(map, "upstream"), file);
            var allowList = ReadAllowList(r, ScenarioReader.Get(map, "allowList"), file);
            var templates = ReadTemplates(r, ScenarioReader.Get(map, "templates"));
            var implicitConfirm = r.Parse<bool>(ScenarioReader.Get(map, "implicitConfirm"), "domain.implicitConfirm", "true or false", t => bool.Parse(t)) ?? true;
            var secretValidity = r.Duration(ScenarioReader.Get(map, "secretValidity"), "domain.secretValidity") ?? TimeSpan.FromDays(7);
            var confirmWait = r.Duration(ScenarioReader.Get(map, "confirmWaitTime"), "domain.confirmWaitTime") ?? TimeSpan.FromMinutes(15);
            var members = new List<EntityId>();
            foreach (var m in r.Sequence(ScenarioReader.Get(map, "members"), "domain.members")?.Children ?? [])
            {
                if (Id(r, m, "domain.members") is not { } member) continue;
                if (!devices.Contains(member)) r.Problem(m, $"domain.members: '{member}' is not a device of this scenario.");
                else if (members.Contains(member)) r.Problem(m, $"domain.members: '{member}' is listed twice.");
                else { membership.TryAdd(member, name ?? ""); members.Add(member); } // in several domains: a gateway, one LDevID per domain
            }
            if (name is null || ca is null || mode is null) continue;
            if (!DomainName().IsMatch(name)) { r.Problem(nameNode!, $"domain.name: '{name}' must be 1–40 characters of a-z, 0-9, '-' (it appears in /.well-known/cmp/p/{name})."); continue; }
            if (!names.Add(name)) { r.Problem(nameNode!, $"domain.name: '{name}' is used twice."); continue; }
            if (!cas.Contains(ca.Value)) { r.Problem(caNode!, $"domain.issuingCa: '{ca}' is not a CA of this scenario."); continue; }
            if (mode == RegistrarMode.Ra && upstream is null) { r.Problem(item, $"domain '{name}': mode ra needs an upstream (url, recipient, reference, secret)."); continue; }
            domains.Add(new RegistrarSettings(name, ca.Value, suite, mode.Value)
            {
                Upstream = upstream,
                AllowList = allowList,
                Templates = templates.Count > 0 ? templates : [DomainTemplate.Default],
                GrantImplicitConfirm = implicitConfirm,
                ConfirmWaitTime = confirmWait,
                SecretValidity = secretValidity,
                Members = members,
            });
        }
        return domains;
    }

    private static UpstreamCa? ReadUpstream(ScenarioReader r, YamlNode? node, string file)
    {
        var map = r.Mapping(node, "domain.upstream", "url", "recipient", "reference", "secret", "certificate");
        if (map is null) return null;
        var urlNode = r.Required(map, node, "url", "domain.upstream");
        var url = r.Text(urlNode, "domain.upstream.url");
        var recipient = r.Text(r.Required(map, node, "recipient", "domain.upstream"), "domain.upstream.recipient");
        var reference = r.Text(r.Required(map, node, "reference", "domain.upstream"), "domain.upstream.reference");
        var secret = r.Text(r.Required(map, node, "secret", "domain.upstream"), "domain.upstream.secret");
        if (url is null || recipient is null || reference is null || secret is null) return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            r.Problem(urlNode!, $"domain.upstream.url: '{url}' is not an http(s) URL.");
            return null;
        }
        var certificateNode = ScenarioReader.Get(map, "certificate");
        byte[]? certificate = null;
        if (r.Text(certificateNode, "domain.upstream.certificate") is { } pinned)
        {
            try
            {
                certificate = Certificate.FromPem(PemOrFile(pinned, file)).GetDer();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Twin.Pki.PkiException or ArgumentException)
            {
                r.Problem(certificateNode!, $"domain.upstream.certificate: cannot read a certificate from '{(pinned.Length > 60 ? pinned[..60] + "…" : pinned)}': {e.Message}");
            }
        }
        return new UpstreamCa(uri, recipient, reference, secret) { CertificateDer = certificate };
    }

    // Inline PEM, or a PEM file relative to the scenario file.
    private static string PemOrFile(string text, string file) =>
        text.Contains("-----BEGIN", StringComparison.Ordinal) ? text : File.ReadAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".", text));

    private static List<AllowListEntry> ReadAllowList(ScenarioReader r, YamlNode? node, string file)
    {
        var entries = new List<AllowListEntry>();
        foreach (var item in r.Sequence(node, "domain.allowList")?.Children ?? [])
        {
            var map = r.Mapping(item, "allowList entry", "manufacturerCa", "serialNumber", "san");
            if (map is null) continue;
            var caNode = r.Required(map, item, "manufacturerCa", "allowList entry");
            var ca = r.Text(caNode, "allowList.manufacturerCa");
            var serial = Pattern(r, ScenarioReader.Get(map, "serialNumber"), "allowList.serialNumber");
            var san = Pattern(r, ScenarioReader.Get(map, "san"), "allowList.san");
            if (ca is null) continue;
            try
            {
                var certificate = Certificate.FromPem(PemOrFile(ca, file));
                if (!certificate.IsCa) { r.Problem(caNode!, $"allowList.manufacturerCa: {certificate.Subject} is not a CA certificate."); continue; }
                entries.Add(new AllowListEntry(certificate.GetDer()) { SerialPattern = serial, SanPattern = san });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Twin.Pki.PkiException or ArgumentException)
            {
                r.Problem(caNode!, $"allowList.manufacturerCa: cannot read a CA certificate from '{(ca.Length > 60 ? ca[..60] + "…" : ca)}': {e.Message}");
            }
        }
        return entries;
    }

    private static List<DomainTemplate> ReadTemplates(ScenarioReader r, YamlNode? node)
    {
        var templates = new List<DomainTemplate>();
        foreach (var item in r.Sequence(node, "domain.templates")?.Children ?? [])
        {
            var map = r.Mapping(item, "template", "name", "profile", "lifetime", "subject");
            if (map is null) continue;
            var name = r.Text(r.Required(map, item, "name", "template"), "template.name");
            var profile = r.Enum(ScenarioReader.Get(map, "profile"), "template.profile", TemplateProfiles) ?? CertificateProfile.LDevId;
            var lifetime = r.Duration(ScenarioReader.Get(map, "lifetime"), "template.lifetime") ?? TimeSpan.FromDays(365);
            var subject = Pattern(r, ScenarioReader.Get(map, "subject"), "template.subject");
            if (name is null) continue;
            templates.Add(new DomainTemplate(name, profile, lifetime) { SubjectPattern = subject });
        }
        return templates;
    }

    private static string? Pattern(ScenarioReader r, YamlNode? node, string what)
    {
        var text = r.Text(node, what);
        if (text is null) return null;
        try
        {
            _ = new Regex(text, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
            return text;
        }
        catch (ArgumentException e)
        {
            r.Problem(node!, $"{what}: '{text}' is not a regular expression: {e.Message}");
            return null;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex DomainName();
}
