using Twin.Pki.Authority;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Keys;

/// <summary>ML-DSA (FIPS 204) signatures and certificates made by Twin.Pki, verified by @noble/post-quantum (an independent implementation).</summary>
public sealed class MlDsaOracleTests
{
    [Theory]
    [InlineData(KeyAlgorithm.MlDsa44, "ml_dsa44", 1312)]
    [InlineData(KeyAlgorithm.MlDsa65, "ml_dsa65", 1952)]
    [InlineData(KeyAlgorithm.MlDsa87, "ml_dsa87", 2592)]
    public async Task Ml_dsa_signature_and_certificate_verify_with_noble(KeyAlgorithm algorithm, string nobleName, int publicKeyLength)
    {
        var key = KeyGenerator.Generate(algorithm);
        var message = System.Text.Encoding.UTF8.GetBytes("PlantTrust firmware 1.2.3");
        var signature = key.Sign(message);
        var root = CertificateAuthority.CreateRoot("CN=PQ Root", key, TestPki.Start, TestPki.Start.AddYears(5));
        var der = root.Certificate.GetDer();
        var (tbs, certSignature) = SplitCertificate(der);
        // SubjectPublicKeyInfo for ML-DSA holds the raw FIPS 204 public key in the BIT STRING (RFC 9881 §4): its last bytes.
        var raw = key.PublicKey.SubjectPublicKeyInfo[^publicKeyLength..];

        var script = $$"""
            import { {{nobleName}} } from '@noble/post-quantum/ml-dsa.js';
            const h = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
            const pk = h('{{Convert.ToHexString(raw)}}');
            const a = {{nobleName}}.verify(h('{{Convert.ToHexString(signature)}}'), h('{{Convert.ToHexString(message)}}'), pk);
            const b = {{nobleName}}.verify(h('{{Convert.ToHexString(certSignature)}}'), h('{{Convert.ToHexString(tbs)}}'), pk);
            const tampered = h('{{Convert.ToHexString(message)}}'); tampered[0] ^= 1;
            const c = {{nobleName}}.verify(h('{{Convert.ToHexString(signature)}}'), tampered, pk);
            console.log(JSON.stringify({ message: a, certificate: b, tampered: c }));
            """;
        // The script comes on stdin so that '@noble/post-quantum' resolves from tests/peers/node_modules.
        var node = await Peer.RunAsync("node", ["--input-type=module"], workingDirectory: Path.Combine(RepoPaths.Root, "tests", "peers"), stdin: System.Text.Encoding.UTF8.GetBytes(script));

        Assert.True(node.ExitCode == 0, node.All);
        Assert.Contains("\"message\":true,\"certificate\":true,\"tampered\":false", node.StdOut, StringComparison.Ordinal);
    }

    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 §4.1).
    private static (byte[] Tbs, byte[] Signature) SplitCertificate(byte[] der)
    {
        var seq = (Org.BouncyCastle.Asn1.Asn1Sequence)Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(der);
        var tbs = seq[0].ToAsn1Object().GetEncoded("DER");
        var sig = ((Org.BouncyCastle.Asn1.DerBitString)seq[2]).GetOctets();
        return (tbs, sig);
    }
}
