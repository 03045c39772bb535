using System.Text;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Pki.Tests.Cmp;

/// <summary>Decodes messages written by openssl's CMP client and its mock server (Data/cmp, make-fixtures.sh).</summary>
public sealed class CmpFixtureTests
{
    private static readonly byte[] Secret = System.Text.Encoding.UTF8.GetBytes("fixture-secret");

    internal static string DataDir => Path.Combine(RepoPaths.Root, "tests", "Twin.Pki.Tests", "Data", "cmp");

    internal static CmpMessage Load(string name) => CmpMessage.Decode(File.ReadAllBytes(Path.Combine(DataDir, name)));

    private static Certificate Ee => Certificate.FromPem(File.ReadAllText(Path.Combine(DataDir, "ee.pem")));

    private static Certificate Ca => Certificate.FromPem(File.ReadAllText(Path.Combine(DataDir, "ca.pem")));

    [Fact] // RFC 4210 §5.1.3.1, RFC 9483 §4.1.5
    public void Ir_with_PasswordBasedMac_verifies_with_the_secret_only()
    {
        var ir = Load("ir-mac.der");
        Assert.Equal(CmpBodyType.Ir, ir.BodyType);
        Assert.Equal(CmpProtectionKind.Mac, ir.Protection);
        Assert.True(ir.VerifyMac(Secret));
        Assert.False(ir.VerifyMac(System.Text.Encoding.UTF8.GetBytes("wrong-secret")));
        Assert.Equal("4711", System.Text.Encoding.ASCII.GetString(ir.Header.SenderKid!));
        Assert.Equal(16, ir.Header.TransactionId!.Length); // RFC 9483 §3.1: 128 bits
        Assert.Equal(16, ir.Header.SenderNonce!.Length);
        Assert.Equal(2, ir.Header.Pvno);
    }

    [Fact] // RFC 4211 §4.1: signature POP over the CertRequest
    public void Ir_template_names_subject_key_and_san_with_a_valid_pop()
    {
        var request = Assert.Single(Load("ir-mac.der").CertRequests());
        Assert.Equal(0, request.CertReqId);
        Assert.Equal("CN=fixture-device", request.Subject);
        Assert.Equal(["urn:fixture:device"], request.UriNames);
        Assert.True(request.PopVerified, request.PopProblem);
        Assert.Equal(KeyPair.ImportPkcs8Pem(File.ReadAllText(Path.Combine(DataDir, "ee.key"))).PublicKey, request.PublicKey);
    }

    [Fact] // RFC 9483 §3.1: the response echoes transactionID, recipNonce = request senderNonce
    public void Ip_from_the_mock_server_echoes_the_transaction_and_carries_cert_and_caPubs()
    {
        var ir = Load("ir-mac.der");
        var ip = Load("ip-mac.der");
        Assert.Equal(CmpBodyType.Ip, ip.BodyType);
        Assert.True(ip.VerifyMac(Secret));
        Assert.Equal(ir.Header.TransactionId, ip.Header.TransactionId);
        Assert.Equal(ir.Header.SenderNonce, ip.Header.RecipNonce);
        var response = Assert.Single(ip.CertResponses());
        Assert.True(response.Status.Granted);
        Assert.Equal(Ee, response.Certificate);
        Assert.Equal([Ca], ip.CaPubs());
    }

    [Fact] // RFC 4210 §5.3.18
    public void CertConf_hash_is_the_certificate_hash_our_client_would_send()
    {
        var ip = Load("ip-mac.der");
        var conf = Load("certconf-mac.der");
        Assert.Equal(CmpBodyType.CertConf, conf.BodyType);
        Assert.Equal(ip.Header.SenderNonce, conf.Header.RecipNonce);
        var status = Assert.Single(conf.Confirmations());
        Assert.True(status.Accepted);
        Assert.Equal(CertHash.Of(Ee), status.CertHash);
        Assert.Equal(CmpBodyType.PkiConf, Load("pkiconf-mac.der").BodyType);
    }

    [Fact] // RFC 9483 §3.2: signature protection, protection certificate first in extraCerts
    public void Cr_is_signed_by_the_protection_certificate_in_extraCerts()
    {
        var cr = Load("cr-sig.der");
        Assert.Equal(CmpBodyType.Cr, cr.BodyType);
        Assert.Equal(CmpProtectionKind.Signature, cr.Protection);
        Assert.Equal(Ee, cr.ProtectionCertificate);
        Assert.True(cr.VerifySignature(Ee.PublicKey));
        Assert.False(cr.VerifySignature(Ca.PublicKey));
        Assert.False(cr.VerifyMac(Secret));
        var cp = Load("cp-sig.der");
        Assert.True(cp.VerifySignature(Ca.PublicKey));
        Assert.Equal(CmpBodyType.Cp, cp.BodyType);
    }

    [Fact] // RFC 9483 §4.1.3 kur; §3.1 implicitConfirm in generalInfo
    public void Kur_asks_for_implicit_confirmation()
    {
        var kur = Load("kur-sig.der");
        Assert.Equal(CmpBodyType.Kur, kur.BodyType);
        Assert.True(kur.Header.ImplicitConfirm);
        Assert.True(kur.VerifySignature(Ee.PublicKey));
        Assert.Equal(CmpBodyType.Kup, Load("kup-sig.der").BodyType);
        Assert.False(Load("cr-sig.der").Header.ImplicitConfirm);
    }

    [Fact] // RFC 9483 §4.1.4
    public void P10cr_carries_a_pkcs10_request_with_a_valid_signature()
    {
        var p10 = Load("p10cr-sig.der");
        Assert.Equal(CmpBodyType.P10cr, p10.BodyType);
        var csr = p10.P10Request();
        Assert.Equal("CN=fixture-device", csr.Subject);
        Assert.True(csr.IsSignatureValid);
        Assert.Equal(File.ReadAllBytes(Path.Combine(DataDir, "p10.csr.der")), csr.GetDer());
    }

    [Fact] // RFC 9483 §4.2
    public void Rr_names_issuer_serial_and_reason_and_rp_grants_it()
    {
        var rr = Load("rr-sig.der");
        var details = Assert.Single(rr.RevocationRequests());
        Assert.Equal("CN=Fixture CA", details.Issuer);
        Assert.Equal(Ee.SerialNumber.Hex, details.SerialHex);
        Assert.Equal(RevocationReason.KeyCompromise, details.Reason);
        Assert.True(Assert.Single(Load("rp-sig.der").RevocationStatuses()).Granted);
    }

    [Fact] // RFC 4210 §5.3.19
    public void Genm_lists_the_requested_info_types()
    {
        Assert.Equal(["1.3.6.1.5.5.7.4.2"], Load("genm-sig.der").GeneralInfo().Select(i => i.TypeOid));
        Assert.Empty(Load("genm-mac.der").GeneralInfo());
        Assert.Equal(CmpBodyType.Genp, Load("genp-sig.der").BodyType);
    }

    [Fact]
    public void Malformed_and_oversized_input_is_badDataFormat()
    {
        var der = File.ReadAllBytes(Path.Combine(DataDir, "ir-mac.der"));
        Assert.Equal(CmpFailure.BadDataFormat, Assert.Throws<CmpException>(() => CmpMessage.Decode(der.AsSpan(0, der.Length - 7))).Failure);
        Assert.Equal(CmpFailure.BadDataFormat, Assert.Throws<CmpException>(() => CmpMessage.Decode([.. der, 0x00])).Failure);
        Assert.Equal(CmpFailure.BadDataFormat, Assert.Throws<CmpException>(() => CmpMessage.Decode(new byte[CmpMessage.MaxBytes + 1])).Failure);
        Assert.Equal(CmpFailure.BadDataFormat, Assert.Throws<CmpException>(() => CmpMessage.Decode([])).Failure);
    }
}
