using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Security;

/// <summary>`profile`: the cost of the steps a secure session costs the server, one thread, to say what dominates.</summary>
internal static class ProfileMode
{
    public static void Run()
    {
        var pki = BenchPki.Create();
        var validator = pki.Validator();
        using var serverKey = pki.Server.Cert.GetRSAPrivateKey()!;
        using var clientPublic = pki.Client.Cert.GetRSAPublicKey()!;
        var block = clientPublic.Encrypt(new byte[214], RSAEncryptionPadding.OaepSHA1);
        var serverBlock = serverKey.Encrypt(new byte[214], RSAEncryptionPadding.OaepSHA1);
        var data = new byte[1024];
        var signature = serverKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var check = new CertificateCheck(pki.Client.Cert.RawData, [], CertificateUse.ApplicationInstance, null, DateTimeOffset.UtcNow);
        Measure("RSA-2048 private decrypt (OAEP-SHA1), one block", () => serverKey.Decrypt(serverBlock, RSAEncryptionPadding.OaepSHA1));
        Measure("RSA-2048 sign (SHA-256, PKCS#1 v1.5)", () => serverKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Measure("RSA-2048 verify", () => serverKey.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Measure("RSA-2048 public encrypt, one block", () => clientPublic.Encrypt(new byte[214], RSAEncryptionPadding.OaepSHA1));
        Measure("certificate path validation (Twin.Pki, CA + CRL)", () => validator.Validate(check));
        var leaf = Twin.Pki.Certificates.Certificate.FromDer(pki.Client.Cert.RawData);
        var ca = Twin.Pki.Certificates.Certificate.FromDer(pki.CaCertificate);
        var crl = Twin.Pki.Revocation.CertificateRevocationList.FromDer(pki.Crl);
        Measure("  of which: certificate parse (Twin.Pki)", () => Twin.Pki.Certificates.Certificate.FromDer(pki.Client.Cert.RawData));
        Measure("  of which: leaf signature check (BouncyCastle)", () => leaf.IsSignedBy(ca.PublicKey));
        Measure("  of which: CRL signature check (BouncyCastle)", () => crl.IsSignedBy(ca.PublicKey));
        Measure("  of which: path validation alone", () => new Twin.Pki.Validation.PathValidator([ca]).Validate(leaf, DateTimeOffset.UtcNow, [], [crl]));
        Measure("private key from X509Certificate2 (per channel)", () => pki.Server.Cert.GetRSAPrivateKey()!.Dispose());
        Measure("peer certificate load + public key (per channel)", () =>
        {
            using var c = X509CertificateLoader.LoadCertificate(pki.Client.Cert.RawData);
            c.GetRSAPublicKey()!.Dispose();
        });
        GC.KeepAlive(block);
    }

    private static void Measure(string what, Action action)
    {
        for (var i = 0; i < 20; i++) action();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        const int n = 200;
        for (var i = 0; i < n; i++) action();
        var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"| {what} | {spent.TotalMilliseconds / n:0.000} ms CPU |");
    }
}
