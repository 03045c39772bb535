using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Security;
using Twin.Pki.Authority;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;

/// <summary>A CA with RSA-2048 application certificates for both servers and both clients of the bench, issued by Twin.Pki.</summary>
internal sealed class BenchPki
{
    public const string ServerUri = "urn:planttrust:bench:server";
    public const string ClientUri = "urn:planttrust:bench:client";
    public const string NodeServerUri = "urn:node-opcua:peer:server";
    public const string NodeClientUri = "urn:planttrust:bench:node-client";

    public required byte[] CaCertificate { get; init; }
    public required byte[] Crl { get; init; }
    public required (X509Certificate2 Cert, KeyPair Key) Server { get; init; }
    public required (X509Certificate2 Cert, KeyPair Key) Client { get; init; }
    public required (X509Certificate2 Cert, KeyPair Key) NodeServer { get; init; }
    public required (X509Certificate2 Cert, KeyPair Key) NodeClient { get; init; }

    public static BenchPki Create()
    {
        var start = DateTimeOffset.UtcNow.AddDays(-1);
        var ca = CertificateAuthority.CreateRoot("CN=Bench CA", KeyGenerator.Generate(KeyAlgorithm.Rsa2048), start, start.AddYears(1));
        (X509Certificate2, KeyPair) Issue(string cn, string uri)
        {
            var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
            var der = ca.Issue(new IssuanceRequest($"CN={cn}", key.PublicKey, CertificateProfile.OpcUaApplication, start, start.AddMonths(6)) { UriNames = [uri], DnsNames = ["localhost"], IpAddresses = [IPAddress.Loopback] }).GetDer();
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(key.ExportPkcs8(), out _);
            using var cert = X509CertificateLoader.LoadCertificate(der);
            return (cert.CopyWithPrivateKey(rsa), key);
        }
        return new BenchPki
        {
            CaCertificate = ca.Certificate.GetDer(), Crl = ca.IssueCrl(start, start.AddMonths(6)).GetDer(),
            Server = Issue("Bench server", ServerUri), Client = Issue("Bench client", ClientUri),
            NodeServer = Issue("node-opcua bench server", NodeServerUri), NodeClient = Issue("node-opcua bench client", NodeClientUri),
        };
    }

    public PkiCertificateValidator Validator() => Validator(CaCertificate, Crl);

    public static PkiCertificateValidator Validator(byte[] ca, byte[] crl)
    {
        var v = new PkiCertificateValidator();
        v.AddTrusted(ca);
        v.AddRevocationList(crl);
        return v;
    }

    /// <summary>Writes an identity as cert.pem/key PEM files plus the CA and its CRL as DER, for a server or client in another process.</summary>
    public void Write((X509Certificate2 Cert, KeyPair Key) identity, string folder, string name)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, name + ".pem"), identity.Cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(folder, name + ".key"), Pem.Encode("PRIVATE KEY", identity.Key.ExportPkcs8()));
        File.WriteAllBytes(Path.Combine(folder, "ca.der"), CaCertificate);
        File.WriteAllBytes(Path.Combine(folder, "ca.crl"), Crl);
    }

    /// <summary>A node-opcua certificate manager folder that trusts the CA and holds its CRL.</summary>
    public void WriteNodePki(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "trusted", "certs"));
        Directory.CreateDirectory(Path.Combine(folder, "trusted", "crl"));
        File.WriteAllBytes(Path.Combine(folder, "trusted", "certs", "ca.der"), CaCertificate);
        File.WriteAllBytes(Path.Combine(folder, "trusted", "crl", "ca.crl"), Crl);
    }
}
