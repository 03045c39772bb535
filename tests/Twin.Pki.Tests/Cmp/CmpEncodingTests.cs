using System.Formats.Asn1;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Pki.Tests.Cmp;

/// <summary>
/// The CMP writer frames the header, the body, the protection and extraCerts itself (each encoded once, the certificates as
/// held); the reader takes extraCerts from the bytes received. Both must give exactly what a DER encoder gives.
/// </summary>
public sealed class CmpEncodingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Theory] // X.690 §8.1.3: definite length, short form below 128, else the fewest length octets
    [InlineData(0)]
    [InlineData(0x7F)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    [InlineData(0x100)]
    [InlineData(0xFFFF)]
    [InlineData(0x10000)]
    public void Framing_writes_the_length_as_a_DER_encoder_does(int length)
    {
        var contents = new byte[length];
        Random.Shared.NextBytes(contents);
        var oracle = new AsnWriter(AsnEncodingRules.DER);
        oracle.WriteOctetString(contents, new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true));
        var expected = oracle.Encode();
        // An OCTET STRING under a constructed tag is not DER, so compare the frame only: tag, length octets, contents.
        expected[0] = 0xA1;
        Assert.Equal(expected, DerFraming.Tagged(0xA1, [contents[..(length / 2)], contents[(length / 2)..]]));
    }

    [Fact] // RFC 4210 §5.1 (PKIMessage), §5.1.3 (protection over the DER of ProtectedPart), RFC 9483 §3.3 (extraCerts)
    public void A_signed_ip_is_DER_and_carries_the_chain_as_held()
    {
        var (registrarKey, registrar, issuingCa, root) = Chain();
        var issuing = issuingCa.Certificate;
        var device = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var ir = CmpMessage.Decode(CmpRequests.CertRequest(CmpBodyType.Ir, new CmpSender("CN=device", CmpProtector.Signature(device, SelfSigned(device)), Now, PkiRandom.System),
            registrar.Subject, device, "CN=device", implicitConfirm: true).Der);
        var issued = issuingCa.Issue(new IssuanceRequest("CN=device", device.PublicKey, CertificateProfile.LDevId, Now, Now.AddDays(30)));
        var from = new CmpSender(registrar.Subject, CmpProtector.Signature(registrarKey, registrar, [issuing, root]), Now, PkiRandom.System);

        var ip = CmpReplies.Certificate(ir, from, 0, issued, [], implicitConfirm: true, [issuing, root, issuing]);

        Assert.Equal(PkiMessage.GetInstance(ip).GetEncoded(Asn1Encodable.Der), ip); // BouncyCastle's DER encoder gives the same bytes
        var decoded = CmpMessage.Decode(ip);
        Assert.Equal([registrar.GetDer(), issuing.GetDer(), root.GetDer()], decoded.ExtraCerts.Select(c => c.GetDer())); // once each, protection certificate first
        Assert.True(decoded.VerifySignature(registrar.PublicKey));
        Assert.Equal(issued, Assert.Single(decoded.CertResponses()).Certificate);
        Assert.True(decoded.Header.ImplicitConfirm);
    }

    [Fact] // RFC 4210 §5.1.3.1: a MAC-protected answer has no extraCerts; an unprotected error has neither protection nor extraCerts
    public void MAC_protected_and_unprotected_answers_are_DER()
    {
        var secret = "s3cret"u8.ToArray();
        var device = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var ir = CmpMessage.Decode(CmpRequests.CertRequest(CmpBodyType.Ir, new CmpSender("CN=device", CmpProtector.PasswordBasedMac("ref"u8.ToArray(), secret, PkiRandom.System), Now, PkiRandom.System),
            "CN=Registrar", device, "CN=device").Der);

        var error = CmpReplies.Error(ir, new CmpSender("CN=Registrar", CmpProtector.MacLike(ir, secret, PkiRandom.System), Now, PkiRandom.System), CmpFailure.BadPop, "no");
        var unprotected = CmpReplies.Error(null, new CmpSender("CN=Registrar", null, Now, PkiRandom.System), CmpFailure.BadDataFormat, "malformed");

        Assert.Equal(PkiMessage.GetInstance(error).GetEncoded(Asn1Encodable.Der), error);
        Assert.True(CmpMessage.Decode(error).VerifyMac(secret));
        Assert.Empty(CmpMessage.Decode(error).ExtraCerts);
        Assert.Equal(PkiMessage.GetInstance(unprotected).GetEncoded(Asn1Encodable.Der), unprotected);
        Assert.Equal(CmpProtectionKind.None, CmpMessage.Decode(unprotected).Protection);
    }

    [Theory] // messages written by openssl (Data/cmp): extraCerts are the certificates BouncyCastle finds in them, byte for byte
    [InlineData("cr-sig.der")]
    [InlineData("kur-sig.der")]
    [InlineData("cp-sig.der")]
    [InlineData("rr-sig.der")]
    [InlineData("genm-sig.der")]
    [InlineData("ip-mac.der")]
    public void ExtraCerts_are_read_from_the_bytes_received(string fixture)
    {
        var der = File.ReadAllBytes(Path.Combine(CmpFixtureTests.DataDir, fixture));
        var expected = (PkiMessage.GetInstance(der).GetExtraCerts() ?? []).Where(c => c.IsX509v3PKCert).Select(c => c.X509v3PKCert.GetEncoded(Asn1Encodable.Der)).ToList();

        var decoded = CmpMessage.Decode(der);

        Assert.Equal(expected, decoded.ExtraCerts.Select(c => c.GetDer()));
    }

    private static (KeyPair Key, Certificate Registrar, CertificateAuthority Issuing, Certificate Root) Chain()
    {
        var root = CertificateAuthority.CreateRoot("CN=Encoding Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), Now.AddDays(-1), Now.AddYears(5));
        var issuing = root.CreateSubordinate("CN=Encoding Issuing", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), CertificateProfile.IssuingCa, Now.AddDays(-1), Now.AddYears(4));
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var registrar = issuing.Issue(new IssuanceRequest("CN=PlantTrust Registrar encoding", key.PublicKey, CertificateProfile.LDevId, Now.AddDays(-1), Now.AddYears(1)));
        return (key, registrar, issuing, root.Certificate);
    }

    private static Certificate SelfSigned(KeyPair key) =>
        CertificateAuthority.CreateRoot("CN=device", key, Now.AddDays(-1), Now.AddYears(1)).Certificate;
}
