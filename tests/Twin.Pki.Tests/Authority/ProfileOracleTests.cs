using System.Net;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Authority;

/// <summary>Every certificate profile, issued by Twin.Pki and judged by openssl: verify at the simulated instant, and the extensions `openssl x509 -text` shows.</summary>
public sealed class ProfileOracleTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;
    private static readonly Lazy<(CertificateAuthority Root, CertificateAuthority Issuing)> Pki = new(() => TestPki.Hierarchy("Profiles"));

    public static TheoryData<string> Profiles() =>
    [
        "LDevId", "IDevId", "OpcUaApplication", "OpcUaApplicationRsa", "TlsServer", "TlsClient", "CodeSigning", "OcspSigner",
        "IntermediateCa", "IssuingCa", "CrossCertificate",
    ];

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task Profile_certificate_passes_openssl_verify_and_shows_its_extensions(string name)
    {
        var (root, issuing) = Pki.Value;
        var (cert, purpose, expected) = Issue(name, root, issuing);
        var dir = RepoPaths.NewScratch("pki-profile");
        var certFile = RepoPaths.WriteText(dir, "cert.pem", cert.ToPem());
        var issuedByRoot = name is "IntermediateCa" or "CrossCertificate" or "IssuingCa";
        string[] untrusted = issuedByRoot ? [] : ["-untrusted", RepoPaths.WriteText(dir, "issuing.pem", issuing.Certificate.ToPem())];
        string[] purposeArgs = purpose is null ? [] : ["-purpose", purpose];

        // Current CRLs from both CAs, so openssl also checks revocation along the whole path (-crl_check_all).
        var at = Start.AddDays(10);
        var crls = RepoPaths.WriteText(dir, "crls.pem", root.IssueCrl(at.AddDays(-1), at.AddDays(6)).ToPem() + issuing.IssueCrl(at.AddDays(-1), at.AddDays(6)).ToPem());
        var verify = await Peer.OpenSslAsync(["verify", "-x509_strict", "-attime", TestPki.Epoch(at), "-crl_check_all", "-CRLfile", crls,
            "-CAfile", RepoPaths.WriteText(dir, "root.pem", root.Certificate.ToPem()), .. untrusted, .. purposeArgs, certFile]);
        var text = await Peer.OpenSslAsync("x509", "-in", certFile, "-noout", "-text");

        Assert.True(verify.ExitCode == 0, verify.All);
        foreach (var e in expected)
            Assert.True(text.StdOut.Contains(e, StringComparison.Ordinal), $"'{e}' missing in\n{text.StdOut}");
    }

    private static (Certificate Cert, string? Purpose, string[] Expected) Issue(string name, CertificateAuthority root, CertificateAuthority issuing)
    {
        var key = name == "OpcUaApplicationRsa" ? KeyGenerator.Generate(KeyAlgorithm.Rsa2048) : TestPki.P256();
        IssuanceRequest Req(CertificateProfile p, string subject) => new($"C=DE,O=PlantTrust,{subject}", key.PublicKey, p, Start, Start.AddYears(1));
        string[] ee = ["CA:FALSE", "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier"];
        return name switch
        {
            "LDevId" => (issuing.Issue(Req(CertificateProfile.LDevId, "CN=pea-7") with { UriNames = ["urn:planttrust:device:pea-7"] }), "sslclient",
                [.. ee, "Digital Signature", "TLS Web Client Authentication", "URI:urn:planttrust:device:pea-7"]),
            // IEEE 802.1AR §8.6 serialNumber in the subject; RFC 4108 §5 hardwareModuleName as otherName.
            "IDevId" => (issuing.Issue(Req(CertificateProfile.IDevId, "CN=valve-9,SERIALNUMBER=SN-0042") with { HardwareModule = new HardwareModuleName("1.3.6.1.4.1.99999.1", "SN-0042"u8.ToArray()) }), null,
                [.. ee, "serialNumber = SN-0042", "othername:", "Digital Signature"]),
            // OPC 10000-6 §6.2.2: ApplicationUri plus host names; serverAuth and clientAuth.
            "OpcUaApplication" => (issuing.Issue(Req(CertificateProfile.OpcUaApplication, "CN=PEA 1") with { UriNames = ["urn:planttrust:pea:1"], DnsNames = ["pea1.plant.example"], IpAddresses = [IPAddress.Parse("10.0.0.7")] }), "sslserver",
                [.. ee, "Digital Signature, Non Repudiation", "TLS Web Server Authentication, TLS Web Client Authentication", "URI:urn:planttrust:pea:1", "DNS:pea1.plant.example", "IP Address:10.0.0.7"]),
            "OpcUaApplicationRsa" => (issuing.Issue(Req(CertificateProfile.OpcUaApplication, "CN=POL") with { UriNames = ["urn:planttrust:pol"], DnsNames = ["pol.plant.example"] }), "sslclient",
                [.. ee, "Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment", "TLS Web Server Authentication, TLS Web Client Authentication", "URI:urn:planttrust:pol"]),
            "TlsServer" => (issuing.Issue(Req(CertificateProfile.TlsServer, "CN=registrar") with { DnsNames = ["registrar.plant.example"] }), "sslserver",
                [.. ee, "TLS Web Server Authentication", "DNS:registrar.plant.example"]),
            "TlsClient" => (issuing.Issue(Req(CertificateProfile.TlsClient, "CN=operator")), "sslclient", [.. ee, "TLS Web Client Authentication"]),
            "CodeSigning" => (issuing.Issue(Req(CertificateProfile.CodeSigning, "CN=Firmware Signer")), null, [.. ee, "Code Signing", "Digital Signature"]),
            // RFC 6960 §4.2.2.2.1: id-pkix-ocsp-nocheck.
            "OcspSigner" => (issuing.Issue(Req(CertificateProfile.OcspSigner, "CN=OCSP")), "ocsphelper", [.. ee, "OCSP Signing", "OCSP No Check"]),
            "IntermediateCa" => (root.Issue(Req(CertificateProfile.IntermediateCa, "CN=Domain CA") with { PathLength = 1, NameConstraints = new NameConstraints { PermittedDnsNames = ["plant.example"], PermittedDirectoryNames = ["C=DE,O=PlantTrust"] } }), null,
                ["CA:TRUE, pathlen:1", "Certificate Sign, CRL Sign", "X509v3 Name Constraints: critical", "DNS:plant.example", "DirName:C = DE, O = PlantTrust"]),
            "IssuingCa" => (root.Issue(Req(CertificateProfile.IssuingCa, "CN=Line CA")), null, ["CA:TRUE, pathlen:0", "Certificate Sign, CRL Sign"]),
            "CrossCertificate" => (root.CrossCertify(CertificateAuthority.CreateRoot("C=FR,O=Partner,CN=Partner Root", key, Start, Start.AddYears(5)).Certificate, Start, Start.AddYears(1), pathLength: 1), null,
                ["CA:TRUE, pathlen:1", "Subject: C = FR, O = Partner, CN = Partner Root", "Issuer: C = DE, O = PlantTrust, CN = Profiles Root"]),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Fact]
    public void Issuing_ca_refuses_to_certify_another_ca_unless_misissuance_is_simulated()
    {
        var (_, issuing) = TestPki.Hierarchy("PathLen");
        var request = new IssuanceRequest("CN=Sub", TestPki.P256().PublicKey, CertificateProfile.IntermediateCa, Start, Start.AddYears(1));
        var before = issuing.IssuedSerials.Count;

        // RFC 5280 §4.2.1.9: pathLen 0 means no CA certificate may follow.
        var error = Assert.Throws<PolicyViolationException>(() => issuing.Issue(request));
        issuing.AllowMisissuance = true;
        var rogue = issuing.Issue(request);

        Assert.Contains("pathLen 0", error.Message, StringComparison.Ordinal);
        Assert.Equal(before + 1, issuing.IssuedSerials.Count);
        Assert.True(rogue.IsCa);
    }

    [Fact]
    public void Idevid_without_serialNumber_attribute_is_refused_and_no_serial_is_consumed()
    {
        var (_, issuing) = TestPki.Hierarchy("Rules");
        var before = issuing.IssuedSerials.Count;

        var error = Assert.Throws<PolicyViolationException>(() => issuing.Issue(new IssuanceRequest("CN=valve", TestPki.P256().PublicKey, CertificateProfile.IDevId, Start, Start.AddYears(1))));

        Assert.Contains("serialNumber", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, issuing.IssuedSerials.Count);
    }

    [Theory]
    [InlineData("no-uri")]
    [InlineData("relative-uri")]
    [InlineData("no-host")]
    public void Opc_ua_application_certificate_rules_are_enforced(string defect)
    {
        var (_, issuing) = TestPki.Hierarchy("Rules");
        var request = new IssuanceRequest("CN=PEA", TestPki.P256().PublicKey, CertificateProfile.OpcUaApplication, Start, Start.AddYears(1))
        {
            UriNames = defect == "no-uri" ? [] : [defect == "relative-uri" ? "pea-1" : "urn:pea:1"],
            DnsNames = defect == "no-host" ? [] : ["pea.plant.example"],
        };

        var error = Assert.Throws<PolicyViolationException>(() => issuing.Issue(request));

        Assert.Contains("OPC 10000-6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validity_is_clamped_to_the_issuer_and_serials_carry_at_least_64_random_bits()
    {
        var (_, issuing) = TestPki.Hierarchy("Clamp");
        var cert = issuing.Issue(new IssuanceRequest("CN=x", TestPki.P256().PublicKey, CertificateProfile.TlsClient, Start.AddYears(-5), Start.AddYears(50)));

        Assert.Equal(issuing.Certificate.NotBefore, cert.NotBefore);
        Assert.Equal(issuing.Certificate.NotAfter, cert.NotAfter);
        Assert.True(cert.SerialNumber.Hex.Length * 4 >= 64 + 8);
    }
}
