using Twin.Actors.Entities.Registrar;
using Twin.Actors.Scenarios;
using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Scenarios;

/// <summary>topology.domains: operator domains and their registrars, read with every problem named by line and column.</summary>
public sealed class DomainLoaderTests
{
    private const string Head = """
        name: Domains
        start: 2030-01-01T00:00:00Z
        topology:
          rootCa: { id: ca-root, subject: "CN=Root" }
          cas:
            - { id: ca-issuing, parent: ca-root, subject: "CN=Issuing" }
          domains:

        """;

    [Fact]
    public void A_domain_becomes_a_registrar_with_its_suite_mode_templates_and_allow_list()
    {
        var folder = RepoPaths.NewScratch("domains");
        File.Copy(Path.Combine(RepoPaths.Root, "tests", "Twin.Pki.Tests", "Data", "cmp", "ca.pem"), Path.Combine(folder, "maker.pem"));
        var file = RepoPaths.WriteText(folder, "s.yaml", Head + """
                - name: plant-a
                  issuingCa: ca-issuing
                  signatureSuite: EcdsaP384
                  implicitConfirm: false
                  allowList: [ { manufacturerCa: maker.pem, serialNumber: "SN-[0-9]+" } ]
                  templates:
                    - { name: opcua, profile: OpcUaApplication, lifetime: P90D, subject: "CN=.*" }
                    - { name: ldevid }
                - name: plant-b
                  issuingCa: ca-root
                  mode: ra
                  confirmWaitTime: PT5M
                  upstream: { url: "http://127.0.0.1:8080/pkix/", recipient: "CN=Up", reference: "1", secret: "s", certificate: maker.pem }
            """);

        var scenario = ScenarioLoader.LoadFile(file);
        var plant = scenario.ToPlant();

        Assert.Equal(["registrar.plant-a", "registrar.plant-b"], plant.Registrars.Select(r => r.Id.Value));
        var a = plant.Registrars[0].Settings;
        Assert.Equal(KeyAlgorithm.EcdsaP384, a.Suite);
        Assert.Equal(RegistrarMode.Ca, a.Mode);
        Assert.False(a.GrantImplicitConfirm);
        Assert.Equal(["opcua", "ldevid"], a.Templates.Select(t => t.Name));
        Assert.Equal(CertificateProfile.OpcUaApplication, a.Templates[0].Profile);
        Assert.Equal(TimeSpan.FromDays(90), a.Templates[0].Lifetime);
        Assert.Equal("SN-[0-9]+", Assert.Single(a.AllowList).SerialPattern);
        var b = plant.Registrars[1].Settings;
        Assert.Equal(RegistrarMode.Ra, b.Mode);
        Assert.Equal(new Uri("http://127.0.0.1:8080/pkix/"), b.Upstream!.Url);
        Assert.DoesNotContain("\"s\"", b.Upstream.ToString(), StringComparison.Ordinal); // the secret is withheld from logs
        Assert.Equal(TimeSpan.FromMinutes(5), b.ConfirmWaitTime);
        Assert.Equal(TimeSpan.FromMinutes(15), a.ConfirmWaitTime);
        Assert.Equal(Convert.FromBase64String(string.Concat(File.ReadAllLines(Path.Combine(folder, "maker.pem")).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))), b.Upstream.CertificateDer);
    }

    [Theory]
    [InlineData("- { name: d, issuingCa: ca-nowhere }", "domain.issuingCa: 'ca-nowhere' is not a CA of this scenario")]
    [InlineData("- { name: d, issuingCa: ca-root, mode: both }", "domain.mode: 'both' is not one of ca, ra")]
    [InlineData("- { name: d, issuingCa: ca-root, mode: ra }", "mode ra needs an upstream")]
    [InlineData("- { name: Big, issuingCa: ca-root }", "domain.name: 'Big' must be")]
    [InlineData("- { name: d, issuingCa: ca-root, templates: [ { name: t, subject: \"CN=(\" } ] }", "template.subject: 'CN=(' is not a regular expression")]
    [InlineData("- { name: d, issuingCa: ca-root, allowList: [ { manufacturerCa: missing.pem } ] }", "allowList.manufacturerCa: cannot read a CA certificate")]
    [InlineData("- { name: d, issuingCa: ca-root, upstream: { url: \"ftp://x\", recipient: CN=u, reference: r, secret: s } }", "domain.upstream.url: 'ftp://x' is not an http(s) URL")]
    [InlineData("- { name: d, issuingCa: ca-root, mode: ra, upstream: { url: \"http://x/\", recipient: CN=u, reference: r, secret: s, certificate: missing.pem } }", "domain.upstream.certificate: cannot read a certificate from 'missing.pem'")]
    [InlineData("- { name: d, issuingCa: ca-root, confirmWaitTime: soon }", "domain.confirmWaitTime")]
    public void A_bad_domain_is_refused_with_what_and_where(string domain, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Head + "    " + domain + "\n", "bad.yaml"));
        var problem = Assert.Single(error.Problems, p => p.Message.Contains(expected, StringComparison.Ordinal));
        Assert.Equal(8, problem.Line);
    }

    [Fact]
    public void A_domain_name_used_twice_is_refused()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioLoader.Load(Head + "    - { name: d, issuingCa: ca-root }\n    - { name: d, issuingCa: ca-issuing }\n", "twice.yaml"));
        Assert.Contains(error.Problems, p => p.Message.Contains("'d' is used twice", StringComparison.Ordinal) && p.Line == 9);
    }
}
