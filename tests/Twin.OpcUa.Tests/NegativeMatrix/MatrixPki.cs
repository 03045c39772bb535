using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Security;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.NegativeMatrix;

/// <summary>The certificate faults of the negative matrix (Part 4 §6.1.3, Table 106).</summary>
public enum Fault
{
    None,
    Untrusted,
    Expired,
    NotYetValid,
    Revoked,
    IssuerRevoked,
    CrlMissing,
    WrongApplicationUri,
}

/// <summary>
/// A plant PKI issued by Twin.Pki for the negative matrix: a trusted root; an issuing CA with a CRL, one the root has
/// revoked and one that never publishes a CRL; an untrusted root that is only known as an issuer. For each peer identity
/// (node-opcua's client, node-opcua's server) one certificate per <see cref="Fault"/>, all on that identity's key.
/// </summary>
public sealed class MatrixPki
{
    public const string ImpostorUri = "urn:planttrust:test:impostor";

    private static readonly Lazy<MatrixPki> Lazy = new(() => new MatrixPki());
    private readonly CertificateAuthority _root, _issuing, _revokedIssuing, _silentIssuing, _rogue;
    private readonly List<byte[]> _crls = [];

    private MatrixPki()
    {
        var now = DateTimeOffset.UtcNow;
        var start = now.AddDays(-90);
        _root = CertificateAuthority.CreateRoot("CN=Matrix Root", KeyGenerator.Generate(KeyAlgorithm.Rsa2048), start, start.AddYears(5));
        _rogue = CertificateAuthority.CreateRoot("CN=Matrix Rogue Root", KeyGenerator.Generate(KeyAlgorithm.Rsa2048), start, start.AddYears(5));
        CertificateAuthority Sub(string cn)
        {
            var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
            return new CertificateAuthority(_root.Issue(new IssuanceRequest(cn, key.PublicKey, CertificateProfile.IssuingCa, start, start.AddYears(4))), key);
        }
        _issuing = Sub("CN=Matrix Issuing CA");
        _revokedIssuing = Sub("CN=Matrix Revoked Issuing CA");
        _silentIssuing = Sub("CN=Matrix Silent Issuing CA");

        OurServer = Issue(_issuing, "CN=Matrix server", TestPki.ServerUri, KeyGenerator.Generate(KeyAlgorithm.Rsa2048), now.AddDays(-1), now.AddYears(1));
        OurClient = Issue(_issuing, "CN=Matrix client", TestPki.ClientUri, KeyGenerator.Generate(KeyAlgorithm.Rsa2048), now.AddDays(-1), now.AddYears(1));
        NodeClient = Faulty("node-opcua client", TestPki.NodeClientUri, now);
        NodeServer = Faulty("node-opcua server", TestPki.NodeServerUri, now);

        _root.Revoke(_revokedIssuing.Certificate.SerialNumber, RevocationReason.CACompromise, now.AddHours(-2));
        _issuing.Revoke(new SerialNumber(NodeClient[Fault.Revoked].Certificate.SerialNumberBytes.ToArray()), RevocationReason.KeyCompromise, now.AddHours(-2));
        _issuing.Revoke(new SerialNumber(NodeServer[Fault.Revoked].Certificate.SerialNumberBytes.ToArray()), RevocationReason.KeyCompromise, now.AddHours(-2));
        foreach (var ca in new[] { _root, _issuing, _revokedIssuing, _rogue })
            _crls.Add(ca.IssueCrl(now.AddHours(-1), now.AddDays(2)).GetDer());
    }

    public static MatrixPki Shared => Lazy.Value;

    public (X509Certificate2 Certificate, KeyPair Key) OurServer { get; }
    public (X509Certificate2 Certificate, KeyPair Key) OurClient { get; }
    public IReadOnlyDictionary<Fault, (X509Certificate2 Certificate, KeyPair Key)> NodeClient { get; }
    public IReadOnlyDictionary<Fault, (X509Certificate2 Certificate, KeyPair Key)> NodeServer { get; }

    /// <summary>
    /// Our validator: the root is the trust anchor, the CAs below it and the rogue root are known issuers, and every
    /// CA but the silent one has published a CRL.
    /// </summary>
    public PkiCertificateValidator Validator(IRejectedCertificateStore? rejected = null)
    {
        var v = new PkiCertificateValidator(rejected);
        v.AddTrusted(_root.Certificate.GetDer());
        foreach (var ca in new[] { _issuing, _revokedIssuing, _silentIssuing, _rogue }) v.AddIssuer(ca.Certificate.GetDer());
        foreach (var crl in _crls) v.AddRevocationList(crl);
        return v;
    }

    /// <summary>
    /// The same trust for node-opcua's certificate manager. node-opcua accepts a certificate only when its direct issuer
    /// sits in trusted/ (not issuers/), so the plant's own CAs go there; the rogue root stays a known, untrusted issuer.
    /// </summary>
    public string NodePkiFolder(string name)
    {
        var folder = RepoPaths.NewScratch(name);
        void Write(string sub, string file, byte[] der)
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
            File.WriteAllBytes(Path.Combine(folder, sub, file), der);
        }
        foreach (var ca in new[] { _root, _issuing, _revokedIssuing, _silentIssuing })
            Write(Path.Combine("trusted", "certs"), Slug(ca) + ".der", ca.Certificate.GetDer());
        for (var i = 0; i < 3; i++) Write(Path.Combine("trusted", "crl"), $"crl{i}.crl", _crls[i]);
        Write(Path.Combine("issuers", "certs"), "rogue.der", _rogue.Certificate.GetDer());
        Write(Path.Combine("issuers", "crl"), "rogue.crl", _crls[3]);
        return folder;
    }

    /// <summary>Writes certificate and key PEM files for node-opcua; returns the two paths.</summary>
    public static (string Cert, string Key) WritePem((X509Certificate2 Certificate, KeyPair Key) identity, string folder, string name)
    {
        TestPki.WritePem(identity, folder, name);
        return (Path.Combine(folder, name + ".pem"), Path.Combine(folder, name + ".key"));
    }

    private static string Slug(CertificateAuthority ca) => ca.Certificate.Subject.Replace("CN=", "", StringComparison.Ordinal).Replace(' ', '-');

    private Dictionary<Fault, (X509Certificate2, KeyPair)> Faulty(string cn, string uri, DateTimeOffset now)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        (X509Certificate2, KeyPair) From(CertificateAuthority ca, string label, DateTimeOffset from, DateTimeOffset to, string? otherUri = null) =>
            Issue(ca, $"CN={cn} {label}", otherUri ?? uri, key, from, to);
        return new()
        {
            [Fault.None] = From(_issuing, "good", now.AddDays(-1), now.AddYears(1)),
            [Fault.Untrusted] = From(_rogue, "untrusted", now.AddDays(-1), now.AddYears(1)),
            [Fault.Expired] = From(_issuing, "expired", now.AddDays(-60), now.AddDays(-30)),
            [Fault.NotYetValid] = From(_issuing, "not yet valid", now.AddDays(30), now.AddDays(60)),
            [Fault.Revoked] = From(_issuing, "revoked", now.AddDays(-1), now.AddYears(1)),
            [Fault.IssuerRevoked] = From(_revokedIssuing, "issuer revoked", now.AddDays(-1), now.AddYears(1)),
            [Fault.CrlMissing] = From(_silentIssuing, "crl missing", now.AddDays(-1), now.AddYears(1)),
            [Fault.WrongApplicationUri] = From(_issuing, "wrong uri", now.AddDays(-1), now.AddYears(1), ImpostorUri),
        };
    }

    private static (X509Certificate2, KeyPair) Issue(CertificateAuthority ca, string subject, string uri, KeyPair key, DateTimeOffset from, DateTimeOffset to)
    {
        var cert = ca.Issue(new IssuanceRequest(subject, key.PublicKey, CertificateProfile.OpcUaApplication, from, to)
        {
            UriNames = [uri], DnsNames = ["localhost"], IpAddresses = [IPAddress.Loopback],
        });
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(key.ExportPkcs8(), out _);
        using var publicOnly = X509CertificateLoader.LoadCertificate(cert.GetDer());
        return (publicOnly.CopyWithPrivateKey(rsa), key);
    }
}
