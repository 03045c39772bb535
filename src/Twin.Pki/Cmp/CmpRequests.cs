using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Crmf;
using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Cmp;

/// <summary>A request ready to send, with what the answer must echo.</summary>
public sealed record CmpOutgoing(byte[] Der, byte[] TransactionId, byte[] SenderNonce);

/// <summary>
/// Builds end-entity requests (RFC 9483 §4): the same bytes a device sends, whether it talks to the
/// twin's registrar in process or over HTTP. A fresh 128-bit transactionID and senderNonce each.
/// </summary>
public static class CmpRequests
{
    /// <summary>ir, cr or kur for <paramref name="newKey"/> with a signature POP (RFC 4211 §4.1); certReqId 0.</summary>
    public static CmpOutgoing CertRequest(CmpBodyType type, CmpSender from, string? recipient, ISigningKey newKey, string subject,
        IEnumerable<string>? uriNames = null, bool implicitConfirm = false, IEnumerable<string>? dnsNames = null, string? certProfile = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(newKey);
        if (type is not (CmpBodyType.Ir or CmpBodyType.Cr or CmpBodyType.Kur))
            throw new ArgumentOutOfRangeException(nameof(type), type, "Certificate requests are ir, cr or kur.");
        var template = new CertTemplateBuilder()
            .SetSubject(DistinguishedNames.Parse(subject))
            .SetSubjectPublicKeyInfo(SubjectPublicKeyInfo.GetInstance(newKey.PublicKey.SubjectPublicKeyInfo));
        var names = (uriNames ?? []).Select(u => new GeneralName(GeneralName.UniformResourceIdentifier, u))
            .Concat((dnsNames ?? []).Select(d => new GeneralName(GeneralName.DnsName, d))).ToArray();
        if (names.Length > 0)
        {
            var ext = new X509ExtensionsGenerator();
            ext.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(names));
            template.SetExtensions(ext.Generate());
        }
        var request = new CertRequest(0, template.Build(), null);
        var pop = new ProofOfPossession(new PopoSigningKey(null, Signing.AlgorithmIdentifier(newKey.Algorithm), new DerBitString(CmpProtector.SignWith(newKey, request.GetEncoded(Asn1Encodable.Der), from.Random))));
        var body = new PkiBody((int)type, new CertReqMessages(new CertReqMsg(request, pop, null)));
        return Send(from, recipient, body, implicitConfirm, certProfile);
    }

    /// <summary>p10cr carrying <paramref name="csrDer"/>.</summary>
    public static CmpOutgoing P10(CmpSender from, string? recipient, byte[] csrDer, bool implicitConfirm = false)
    {
        ArgumentNullException.ThrowIfNull(csrDer);
        var csr = Org.BouncyCastle.Asn1.Pkcs.CertificationRequest.GetInstance(Asn1Object.FromByteArray(csrDer));
        return Send(from, recipient, new PkiBody(PkiBody.TYPE_P10_CERT_REQ, csr), implicitConfirm);
    }

    /// <summary>rr for the certificate <paramref name="certificate"/> with <paramref name="reason"/> (RFC 9483 §4.2).</summary>
    public static CmpOutgoing Revocation(CmpSender from, string? recipient, Certificate certificate, RevocationReason reason)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var template = new CertTemplateBuilder()
            .SetIssuer(certificate.Inner.IssuerDN)
            .SetSerialNumber(new DerInteger(certificate.Inner.SerialNumber))
            .Build();
        var ext = new X509ExtensionsGenerator();
        ext.AddExtension(X509Extensions.ReasonCode, false, new CrlReason((int)reason));
        var body = new PkiBody(PkiBody.TYPE_REVOCATION_REQ, new RevReqContent(new RevDetails(template, ext.Generate())));
        return Send(from, recipient, body, false);
    }

    /// <summary>genm asking for each of <paramref name="infos"/> (RFC 9483 §4.3).</summary>
    public static CmpOutgoing General(CmpSender from, string? recipient, IEnumerable<CmpInfo> infos)
    {
        ArgumentNullException.ThrowIfNull(infos);
        var itavs = infos.Select(i => i.ValueDer is null ? new InfoTypeAndValue(new DerObjectIdentifier(i.TypeOid)) : new InfoTypeAndValue(new DerObjectIdentifier(i.TypeOid), Asn1Object.FromByteArray(i.ValueDer))).ToArray();
        return Send(from, recipient, new PkiBody(PkiBody.TYPE_GEN_MSG, new GenMsgContent(itavs)), false);
    }

    /// <summary>certConf for <paramref name="received"/> in the transaction of <paramref name="response"/>: accepted, or rejected with <paramref name="rejection"/>.</summary>
    public static CmpOutgoing CertConf(CmpSender from, CmpMessage response, Certificate received, int certReqId = 0, string? rejection = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(received);
        var status = rejection is null ? null : CmpWriter.Status(2, CmpFailure.BadCertTemplate, rejection);
        var certStatus = new CertStatus(CertHash.Of(received), new Org.BouncyCastle.Math.BigInteger(certReqId.ToString(System.Globalization.CultureInfo.InvariantCulture)), status);
        var body = new PkiBody(PkiBody.TYPE_CERT_CONFIRM, new DerSequence(certStatus));
        var nonce = CmpWriter.NewNonce(from.Random);
        var tid = response.Header.TransactionId ?? throw new CmpException(CmpFailure.BadRequest, "The response has no transactionID to confirm.");
        return new CmpOutgoing(CmpWriter.Write(from, response.Header.Sender, response.Header.Pvno is 3 ? 3 : 2, tid, nonce, response.Header.SenderNonce, false, body), tid, nonce);
    }

    private static CmpOutgoing Send(CmpSender from, string? recipient, PkiBody body, bool implicitConfirm, string? certProfile = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        var tid = CmpWriter.NewNonce(from.Random);
        var nonce = CmpWriter.NewNonce(from.Random);
        // RFC 9483 §3.1: generalInfo carries implicitConfirm and the certProfile the request asks for.
        var info = new List<InfoTypeAndValue>();
        if (implicitConfirm) info.Add(new InfoTypeAndValue(CmpObjectIdentifiers.it_implicitConfirm, DerNull.Instance));
        if (certProfile is not null) info.Add(new InfoTypeAndValue(CmpObjectIdentifiers.id_it_certProfile, new DerSequence(new DerUtf8String(certProfile))));
        return new CmpOutgoing(CmpWriter.Write(from, recipient, 2, tid, nonce, null, false, body, generalInfo: [.. info]), tid, nonce);
    }
}

/// <summary>certHash of a CertStatus (RFC 4210 §5.3.18): the certificate's DER hashed with its signature's digest.</summary>
public static class CertHash
{
    /// <summary>The hash of <paramref name="certificate"/> as certConf carries it.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "certHash follows the certificate's own signature digest; SHA-1 only for SHA-1-signed certificates.")]
    public static byte[] Of(Certificate certificate, string? hashAlgorithmOid = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var der = certificate.GetDer();
        var oid = hashAlgorithmOid ?? DigestOfSignature(certificate.Inner.SigAlgOid);
        return oid switch
        {
            "1.3.14.3.2.26" => SHA1.HashData(der),
            "2.16.840.1.101.3.4.2.2" => SHA384.HashData(der),
            "2.16.840.1.101.3.4.2.3" => SHA512.HashData(der),
            _ => SHA256.HashData(der),
        };
    }

    private static string DigestOfSignature(string signatureOid) => signatureOid switch
    {
        "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => "2.16.840.1.101.3.4.2.2",
        "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => "2.16.840.1.101.3.4.2.3",
        "1.2.840.10045.4.1" or "1.2.840.113549.1.1.5" => "1.3.14.3.2.26",
        _ => "2.16.840.1.101.3.4.2.1",
    };
}
