using Twin.Pki.Authority;
using Twin.Pki.Cms;
using Twin.Pki.Keys;
using Twin.Pki.Validation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Cms;

/// <summary>Post-quantum firmware signatures: CMS SignedData with an ML-DSA-65 signer (RFC 9882), the signature checked by @noble/post-quantum.</summary>
public sealed class CmsMlDsaTests
{
    [Fact]
    public async Task Ml_dsa_cms_signature_verifies_with_ours_and_its_signer_info_with_noble()
    {
        var start = TestPki.Start;
        var rootKey = KeyGenerator.Generate(KeyAlgorithm.MlDsa65);
        var root = CertificateAuthority.CreateRoot("CN=PQ Root", rootKey, start, start.AddYears(5));
        var signerKey = KeyGenerator.Generate(KeyAlgorithm.MlDsa65);
        var signer = root.Issue(new IssuanceRequest("CN=PQ Firmware Signer", signerKey.PublicKey, CertificateProfile.CodeSigning, start, start.AddYears(1)));
        var firmware = new byte[4096];
        new Random(3).NextBytes(firmware);

        var p7s = CmsSigner.SignDetached(firmware, signer, signerKey, start.AddDays(1));
        var ours = CmsVerifier.Verify(p7s, firmware, new PathValidator([root.Certificate], new ValidationPolicy { Revocation = RevocationMode.Off }), start.AddDays(2));
        var (signedAttributes, signature) = SignerInfoParts(p7s);

        // RFC 5652 §5.4: the signature covers the DER of the signed attributes as a SET OF.
        var script = $$"""
            import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
            const h = (s) => Uint8Array.from(Buffer.from(s, 'hex'));
            console.log(ml_dsa65.verify(h('{{Convert.ToHexString(signature)}}'), h('{{Convert.ToHexString(signedAttributes)}}'), h('{{Convert.ToHexString(signerKey.PublicKey.SubjectPublicKeyInfo[^1952..])}}')));
            """;
        var node = await Peer.RunAsync("node", ["--input-type=module"], workingDirectory: Path.Combine(RepoPaths.Root, "tests", "peers"), stdin: System.Text.Encoding.UTF8.GetBytes(script));

        Assert.True(ours.IsValid, ours.Problem);
        Assert.True(node.ExitCode == 0, node.All);
        Assert.Equal("true", node.StdOut.Trim());
    }

    private static (byte[] SignedAttributes, byte[] Signature) SignerInfoParts(byte[] p7s)
    {
        var content = Org.BouncyCastle.Asn1.Cms.ContentInfo.GetInstance(Org.BouncyCastle.Asn1.Asn1Object.FromByteArray(p7s));
        var signedData = Org.BouncyCastle.Asn1.Cms.SignedData.GetInstance(content.Content);
        var info = Org.BouncyCastle.Asn1.Cms.SignerInfo.GetInstance(signedData.SignerInfos[0]);
        return (info.SignedAttrs.GetEncoded("DER"), info.Signature.GetOctets());
    }
}
