using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Tests.Keys;

/// <summary>
/// ML-DSA in X.509 (RFC 9881): certificates, CRLs and PKCS#10 requests signed with ML-DSA-44/65/87. openssl asn1parse
/// cuts each into its signed part and signature, @noble/post-quantum verifies the signature with the signer's
/// raw public key; and what noble signs, Twin.Pki accepts. A flipped bit fails both ways.
/// </summary>
public sealed class MlDsaX509OracleTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Theory]
    [InlineData(KeyAlgorithm.MlDsa44)]
    [InlineData(KeyAlgorithm.MlDsa65)]
    [InlineData(KeyAlgorithm.MlDsa87)]
    public async Task Certificate_crl_and_csr_signed_with_ml_dsa_verify_with_noble_over_the_parts_openssl_cuts(KeyAlgorithm algorithm)
    {
        var caKey = KeyGenerator.Generate(algorithm);
        var root = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=PQ Root", caKey, Start, Start.AddYears(10));
        var deviceKey = KeyGenerator.Generate(algorithm);
        var csr = CertificationRequest.Create("C=DE,O=PlantTrust,CN=pq-device", deviceKey);
        var leaf = root.Issue(csr, CertificateProfile.LDevId, Start, Start.AddYears(1));
        root.Revoke(leaf.SerialNumber, RevocationReason.Superseded, Start.AddDays(1));
        var crl = root.IssueCrl(Start.AddDays(1), Start.AddDays(3));

        var signed = new (string What, byte[] Der, PublicKey Signer)[]
        {
            ("root certificate", root.Certificate.GetDer(), caKey.PublicKey),
            ("leaf certificate", leaf.GetDer(), caKey.PublicKey),
            ("CRL", crl.GetDer(), caKey.PublicKey),
            ("PKCS#10 request", csr.GetDer(), deviceKey.PublicKey),
        };
        foreach (var (what, der, signer) in signed)
        {
            var parts = await MlDsaPeers.SplitWithOpenSslAsync(der);
            var raw = MlDsaPeers.RawPublicKey(signer);
            // RFC 9881 §2: the AlgorithmIdentifier is id-ml-dsa-* with the parameters field absent.
            Assert.Equal(MlDsaPeers.Oid(algorithm), parts.AlgorithmOid);
            Assert.False(parts.AlgorithmHasParameters, $"{what}: parameters must be absent");
            Assert.True(await MlDsaPeers.NobleVerifiesAsync(algorithm, raw, parts.Signed, parts.Signature), $"{what}: noble rejects our signature");
            Assert.False(await MlDsaPeers.NobleVerifiesAsync(algorithm, raw, MlDsaPeers.Flip(parts.Signed, -1), parts.Signature), $"{what}: noble accepts a flipped bit in the signed part");
            Assert.False(await MlDsaPeers.NobleVerifiesAsync(algorithm, raw, parts.Signed, MlDsaPeers.Flip(parts.Signature, 7)), $"{what}: noble accepts a flipped bit in the signature");
        }

        // Ours agrees, and refuses the same flipped bit.
        Assert.True(leaf.IsSignedBy(caKey.PublicKey));
        Assert.True(crl.IsSignedBy(caKey.PublicKey));
        Assert.True(csr.IsSignatureValid);
        Assert.Equal(algorithm, leaf.PublicKey.Algorithm);
        Assert.False(Certificate.FromDer(MlDsaPeers.Flip(leaf.GetDer(), -1)).IsSignedBy(caKey.PublicKey));
        Assert.False(CertificateRevocationList.FromDer(MlDsaPeers.Flip(crl.GetDer(), -1)).IsSignedBy(caKey.PublicKey));
        Assert.False(CertificationRequest.FromDer(MlDsaPeers.Flip(csr.GetDer(), -1)).IsSignatureValid);
    }

    [Theory]
    [InlineData(KeyAlgorithm.MlDsa44)]
    [InlineData(KeyAlgorithm.MlDsa65)]
    [InlineData(KeyAlgorithm.MlDsa87)]
    public async Task Request_and_self_signed_certificate_signed_by_noble_verify_with_ours_and_a_flipped_bit_does_not(KeyAlgorithm algorithm)
    {
        var seed = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
        var raw = await MlDsaPeers.NoblePublicKeyAsync(algorithm, seed);
        var spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(new DerObjectIdentifier(MlDsaPeers.Oid(algorithm))), raw);
        var publicKey = PublicKey.FromSubjectPublicKeyInfo(spki.GetDerEncoded());
        var signatureAlgorithm = new AlgorithmIdentifier(new DerObjectIdentifier(MlDsaPeers.Oid(algorithm)));
        Assert.Equal(algorithm, publicKey.Algorithm);

        // RFC 2986 §4: CertificationRequestInfo, signed by noble.
        var info = new Org.BouncyCastle.Asn1.Pkcs.CertificationRequestInfo(new X509Name("C=DE,O=PlantTrust,CN=noble-device"), spki, new DerSet());
        var infoSignature = await MlDsaPeers.NobleSignAsync(algorithm, seed, info.GetDerEncoded());
        byte[] Request(byte[] signature) => new Org.BouncyCastle.Asn1.Pkcs.CertificationRequest(info, signatureAlgorithm, new DerBitString(signature)).GetDerEncoded();
        var csr = CertificationRequest.FromDer(Request(infoSignature));

        // RFC 5280 §4.1: a self-signed TBSCertificate, signed by noble.
        var tbsGenerator = new V3TbsCertificateGenerator();
        tbsGenerator.SetSerialNumber(DerInteger.ValueOf(4711));
        tbsGenerator.SetSignature(signatureAlgorithm);
        tbsGenerator.SetIssuer(new X509Name("C=DE,O=PlantTrust,CN=noble Root"));
        tbsGenerator.SetSubject(new X509Name("C=DE,O=PlantTrust,CN=noble Root"));
        tbsGenerator.SetStartDate(new Time(Start.UtcDateTime));
        tbsGenerator.SetEndDate(new Time(Start.AddYears(5).UtcDateTime));
        tbsGenerator.SetSubjectPublicKeyInfo(spki);
        var tbs = tbsGenerator.GenerateTbsCertificate();
        var tbsSignature = await MlDsaPeers.NobleSignAsync(algorithm, seed, tbs.GetDerEncoded());
        byte[] Cert(byte[] signature) => new DerSequence(tbs, signatureAlgorithm, new DerBitString(signature)).GetDerEncoded();
        var certificate = Certificate.FromDer(Cert(tbsSignature));

        Assert.True(csr.IsSignatureValid);
        Assert.False(CertificationRequest.FromDer(Request(MlDsaPeers.Flip(infoSignature, 7))).IsSignatureValid);
        Assert.True(certificate.IsSignedBy(publicKey));
        Assert.True(certificate.IsSelfSigned);
        Assert.False(Certificate.FromDer(Cert(MlDsaPeers.Flip(tbsSignature, 7))).IsSignedBy(publicKey));

        // The noble-signed request is good enough for our CA: it certifies noble's key.
        var (_, issuing) = TestPki.Hierarchy("Noble");
        var issued = issuing.Issue(csr, CertificateProfile.LDevId, Start, Start.AddDays(90));
        Assert.Equal(publicKey, issued.PublicKey);
    }
}
