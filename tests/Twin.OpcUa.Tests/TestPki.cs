using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Security;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;

namespace Twin.OpcUa.Tests;

/// <summary>Application instance certificates issued by Twin.Pki for security tests: one CA, a server and clients, and the CA's CRL.</summary>
public sealed class TestPki
{
    public const string ServerUri = "urn:planttrust:test:server";
    public const string NodeClientUri = "urn:planttrust:test:node-client";
    public const string ClientUri = "urn:planttrust:twin:client";
    public const string NodeServerUri = "urn:node-opcua:peer:server";

    private static readonly Lazy<TestPki> Lazy = new(() => new TestPki());
    private readonly KeyPair _caKey;

    private TestPki()
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        _caKey = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        Ca = CertificateAuthority.CreateRoot("CN=PlantTrust Test CA", _caKey, start, start.AddYears(5));
        Server = Issue("CN=Test Server", ServerUri, start);
        NodeClient = Issue("CN=node-opcua client", NodeClientUri, start);
        Client = Issue("CN=Twin client", ClientUri, start);
        NodeServer = Issue("CN=node-opcua peer server", NodeServerUri, start);
        User = IssueUser("CN=operator", start);
        Crl = BuildCrl(start);
    }

    public static TestPki Shared => Lazy.Value;

    public CertificateAuthority Ca { get; }
    public (X509Certificate2 Certificate, KeyPair Key) Server { get; }
    public (X509Certificate2 Certificate, KeyPair Key) NodeClient { get; }
    public (X509Certificate2 Certificate, KeyPair Key) Client { get; }
    public (X509Certificate2 Certificate, KeyPair Key) NodeServer { get; }

    /// <summary>A user certificate for X509 identity tokens.</summary>
    public (X509Certificate2 Certificate, KeyPair Key) User { get; }
    public byte[] Crl { get; }

    /// <summary>A validator trusting the test CA, with its CRL.</summary>
    public PkiCertificateValidator Validator()
    {
        var v = new PkiCertificateValidator();
        v.AddTrusted(Ca.Certificate.GetDer());
        v.AddRevocationList(Crl);
        return v;
    }

    /// <summary>Writes a certificate and its PKCS#8 key as PEM files (for node-opcua).</summary>
    public static void WritePem((X509Certificate2 Certificate, KeyPair Key) identity, string folder, string name)
    {
        File.WriteAllText(Path.Combine(folder, name + ".pem"), identity.Certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, name + ".key"), Pem.Encode("PRIVATE KEY", identity.Key.ExportPkcs8()));
    }

    /// <summary>A fresh application certificate of the test CA for <paramref name="uri"/> (localhost, 127.0.0.1), valid for a year.</summary>
    public (X509Certificate2 Certificate, KeyPair Key) IssueApplication(string subject, string uri) => Issue(subject, uri, DateTimeOffset.UtcNow.AddDays(-1));

    private (X509Certificate2, KeyPair) Issue(string subject, string uri, DateTimeOffset start)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var cert = Ca.Issue(new IssuanceRequest(subject, key.PublicKey, CertificateProfile.OpcUaApplication, start, start.AddYears(1))
        {
            UriNames = [uri], DnsNames = ["localhost"], IpAddresses = [IPAddress.Loopback],
        });
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.ExportPkcs8(), out _);
        using var publicOnly = X509CertificateLoader.LoadCertificate(cert.GetDer());
        return (publicOnly.CopyWithPrivateKey(rsa), key);
    }

    private (X509Certificate2, KeyPair) IssueUser(string subject, DateTimeOffset start)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var cert = Ca.Issue(new IssuanceRequest(subject, key.PublicKey, CertificateProfile.TlsClient, start, start.AddYears(1)));
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.ExportPkcs8(), out _);
        using var publicOnly = X509CertificateLoader.LoadCertificate(cert.GetDer());
        return (publicOnly.CopyWithPrivateKey(rsa), key);
    }

    /// <summary>A CRL of the test CA, signed by Twin.Pki, that lists <paramref name="revoked"/> for keyCompromise.</summary>
    public byte[] CrlRevoking(params X509Certificate2[] revoked)
    {
        var ca = new CertificateAuthority(Ca.Certificate, _caKey);
        var now = DateTimeOffset.UtcNow;
        foreach (var c in revoked)
        {
            var serial = new SerialNumber(c.SerialNumberBytes.ToArray()); // big-endian, as in the certificate
            ca.RecordIssued(serial);
            ca.Revoke(serial, Twin.Pki.Revocation.RevocationReason.KeyCompromise, now.AddMinutes(-5));
        }
        return ca.IssueCrl(now.AddMinutes(-5), now.AddDays(1)).GetDer();
    }

    private byte[] BuildCrl(DateTimeOffset start)
    {
        using var caCert = X509CertificateLoader.LoadCertificate(Ca.Certificate.GetDer());
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(_caKey.ExportPkcs8(), out _);
        var generator = X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1);
        return new CertificateRevocationListBuilder().Build(caCert.SubjectName, generator, BigInteger.One, start.AddYears(1), HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(caCert, true, false), start);
    }
}
