using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Pki.Tests.Keys;

/// <summary>
/// Mixed chains (an ML-DSA issuing CA under an ECDSA or RSA root and the other way round) and CMP signature
/// protection with ML-DSA (RFC 9483 §3.2, RFC 9881 for the algorithm identifier); every ML-DSA signature on the way
/// checked by @noble/post-quantum as well.
/// </summary>
public sealed class MlDsaChainAndCmpTests
{
    private static readonly DateTimeOffset Start = TestPki.Start;

    [Theory]
    [InlineData(KeyAlgorithm.EcdsaP256, KeyAlgorithm.MlDsa65, KeyAlgorithm.EcdsaP256)]
    [InlineData(KeyAlgorithm.Rsa2048, KeyAlgorithm.MlDsa87, KeyAlgorithm.MlDsa44)]
    [InlineData(KeyAlgorithm.MlDsa65, KeyAlgorithm.EcdsaP256, KeyAlgorithm.MlDsa65)]
    [InlineData(KeyAlgorithm.MlDsa44, KeyAlgorithm.Rsa2048, KeyAlgorithm.EcdsaP256)]
    public async Task Mixed_chain_validates_and_fails_on_a_flipped_signature_bit_or_a_revocation(KeyAlgorithm rootAlgorithm, KeyAlgorithm issuingAlgorithm, KeyAlgorithm leafAlgorithm)
    {
        var rootKey = KeyGenerator.Generate(rootAlgorithm);
        var issuingKey = KeyGenerator.Generate(issuingAlgorithm);
        var leafKey = KeyGenerator.Generate(leafAlgorithm);
        var root = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Mixed Root", rootKey, Start, Start.AddYears(20));
        var issuing = root.CreateSubordinate("C=DE,O=PlantTrust,CN=Mixed Issuing CA", issuingKey, CertificateProfile.IssuingCa, Start, Start.AddYears(10));
        var leaf = issuing.Issue(CertificationRequest.Create("C=DE,O=PlantTrust,CN=mixed-device", leafKey), CertificateProfile.LDevId, Start, Start.AddYears(1));
        var other = issuing.Issue(CertificationRequest.Create("C=DE,O=PlantTrust,CN=revoked-device", leafKey), CertificateProfile.LDevId, Start, Start.AddYears(1));
        issuing.Revoke(other.SerialNumber, RevocationReason.KeyCompromise, Start.AddDays(1));
        var at = Start.AddDays(2);
        CertificateRevocationList[] crls = [root.IssueCrl(at.AddHours(-1), at.AddDays(1)), issuing.IssueCrl(at.AddHours(-1), at.AddDays(1))];
        var validator = new PathValidator([root.Certificate]);

        var good = validator.Validate(leaf, at, [issuing.Certificate], crls);
        var tamperedIssuing = Certificate.FromDer(MlDsaPeers.Flip(issuing.Certificate.GetDer(), -1));
        var tampered = validator.Validate(leaf, at, [tamperedIssuing], crls);
        var revoked = validator.Validate(other, at, [issuing.Certificate], crls);

        Assert.True(good.IsValid, good.ToString());
        Assert.Contains(ValidationReason.SignatureInvalid, tampered.Errors);
        Assert.Contains(ValidationReason.Revoked, revoked.Errors);

        // Each ML-DSA signature of the path (certificates and CRLs), checked by noble with its signer's key.
        var links = new (byte[] Der, ISigningKey Signer)[]
        {
            (issuing.Certificate.GetDer(), rootKey), (crls[0].GetDer(), rootKey), (leaf.GetDer(), issuingKey), (crls[1].GetDer(), issuingKey),
        };
        foreach (var (der, signer) in links.Where(l => l.Signer.Algorithm is KeyAlgorithm.MlDsa44 or KeyAlgorithm.MlDsa65 or KeyAlgorithm.MlDsa87))
        {
            var parts = await MlDsaPeers.SplitWithOpenSslAsync(der);
            Assert.Equal(MlDsaPeers.Oid(signer.Algorithm), parts.AlgorithmOid);
            Assert.True(await MlDsaPeers.NobleVerifiesAsync(signer.Algorithm, MlDsaPeers.RawPublicKey(signer.PublicKey), parts.Signed, parts.Signature));
        }
    }

    [Theory]
    [InlineData(KeyAlgorithm.MlDsa44)]
    [InlineData(KeyAlgorithm.MlDsa65)]
    [InlineData(KeyAlgorithm.MlDsa87)]
    public async Task Cmp_kur_and_its_answer_protected_with_ml_dsa_verify_with_ours_and_noble(KeyAlgorithm algorithm)
    {
        var caKey = KeyGenerator.Generate(algorithm);
        var ca = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=PQ CMP CA", caKey, Start, Start.AddYears(10));
        var oldKey = KeyGenerator.Generate(algorithm);
        var current = ca.Issue(CertificationRequest.Create("C=DE,O=PlantTrust,CN=pq-device", oldKey), CertificateProfile.LDevId, Start, Start.AddDays(30));
        var newKey = KeyGenerator.Generate(algorithm);
        var random = PkiRandom.SimulationOnlySeeded(7, "cmp");

        // RFC 9483 §4.1.3: kur signed with the key of the certificate it renews; POP by the new key.
        var kur = CmpRequests.CertRequest(CmpBodyType.Kur, new CmpSender(current.Subject, CmpProtector.Signature(oldKey, current), Start.AddDays(20), random), ca.Certificate.Subject, newKey, current.Subject, implicitConfirm: true);
        var request = CmpMessage.Decode(kur.Der);
        var requested = Assert.Single(request.CertRequests());
        var issued = ca.Issue(new IssuanceRequest(current.Subject, requested.PublicKey!, CertificateProfile.LDevId, Start.AddDays(20), Start.AddDays(50)));
        var answer = CmpMessage.Decode(CmpReplies.Certificate(request, new CmpSender(ca.Certificate.Subject, CmpProtector.Signature(caKey, ca.Certificate), Start.AddDays(20), random), 0, issued, null, implicitConfirm: true));

        Assert.Equal(CmpProtectionKind.Signature, request.Protection);
        Assert.Equal(MlDsaPeers.Oid(algorithm), request.Inner.Header.ProtectionAlg.Algorithm.Id);
        Assert.Null(request.Inner.Header.ProtectionAlg.Parameters);
        Assert.True(requested.PopVerified);
        Assert.True(request.VerifySignature(current.PublicKey));
        Assert.False(request.VerifySignature(newKey.PublicKey));
        Assert.True(answer.VerifySignature(ca.Certificate.PublicKey));
        Assert.Equal(issued, Assert.Single(answer.CertResponses()).Certificate);
        // The same message with one bit of its protection flipped (the DER ends with extraCerts, outside the protection).
        var inner = request.Inner;
        var flipped = CmpMessage.Decode(new Org.BouncyCastle.Asn1.Cmp.PkiMessage(inner.Header, inner.Body, new Org.BouncyCastle.Asn1.DerBitString(MlDsaPeers.Flip(inner.Protection.GetBytes(), 7)), inner.GetExtraCerts()).GetDerEncoded());
        Assert.False(flipped.VerifySignature(current.PublicKey));

        // RFC 4210 §5.1.3: the protection is a signature over the DER of ProtectedPart { header, body }.
        foreach (var (message, signer) in new[] { (request, oldKey.PublicKey), (answer, caKey.PublicKey) })
        {
            var part = message.ProtectedPartDer();
            var signature = message.Inner.Protection.GetBytes();
            Assert.True(await MlDsaPeers.NobleVerifiesAsync(algorithm, MlDsaPeers.RawPublicKey(signer), part, signature), $"noble rejects the {message.BodyName} protection");
            Assert.False(await MlDsaPeers.NobleVerifiesAsync(algorithm, MlDsaPeers.RawPublicKey(signer), MlDsaPeers.Flip(part, -1), signature));
        }
        Assert.False(await MlDsaPeers.NobleVerifiesAsync(algorithm, MlDsaPeers.RawPublicKey(oldKey.PublicKey), flipped.ProtectedPartDer(), flipped.Inner.Protection.GetBytes()));
    }
}
