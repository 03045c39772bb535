using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Crmf;
using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Cmp;

/// <summary>
/// Answers to a request (RFC 9483 §3.1): sent to the request's sender, with its transactionID echoed,
/// recipNonce = its senderNonce, a fresh senderNonce, and the same pvno.
/// </summary>
public static class CmpReplies
{
    /// <summary>ip, cp or kup (by the request's body) granting <paramref name="issued"/> for <paramref name="certReqId"/>.</summary>
    public static byte[] Certificate(CmpMessage request, CmpSender from, int certReqId, Certificate issued, IEnumerable<Certificate>? caPubs, bool implicitConfirm, IEnumerable<Certificate>? extraCerts = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(issued);
        var kind = ResponseTo(request.BodyType);
        var response = new CertResponse(DerInteger.ValueOf(certReqId), CmpWriter.Status(0, null, null),
            new CertifiedKeyPair(new CertOrEncCert(CmpWriter.Cmp(issued))), null);
        var pubs = caPubs?.Select(CmpWriter.Cmp).ToArray();
        var body = new PkiBody((int)kind, new CertRepMessage(pubs is { Length: > 0 } ? pubs : null, [response]));
        return Reply(request, from, body, implicitConfirm, extraCerts);
    }

    /// <summary>An error message (RFC 4210 §5.3.21) with status rejection, the failure bit and a reason text.</summary>
    public static byte[] Error(CmpMessage? request, CmpSender from, CmpFailure failure, string text)
    {
        ArgumentNullException.ThrowIfNull(from);
        var body = new PkiBody(PkiBody.TYPE_ERROR, new ErrorMsgContent(CmpWriter.Status(2, failure, text)));
        if (request is null)
            return CmpWriter.Write(from, null, 2, null, CmpWriter.NewNonce(from.Random), null, false, body);
        return Reply(request, from, body, false, null);
    }

    /// <summary>rp with one status per RevDetails: null failure for accepted, else rejection with the failure and text.</summary>
    public static byte[] Revocation(CmpMessage request, CmpSender from, IReadOnlyList<(CmpFailure? Failure, string? Text)> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var statuses = outcomes.Select(o => (Asn1Encodable)CmpWriter.Status(o.Failure is null ? 0 : 2, o.Failure, o.Text)).ToArray();
        var body = new PkiBody(PkiBody.TYPE_REVOCATION_REP, new DerSequence(new DerSequence(statuses)));
        return Reply(request, from, body, false, null);
    }

    /// <summary>pkiConf after a certConf.</summary>
    public static byte[] Confirmation(CmpMessage request, CmpSender from) =>
        Reply(request, from, new PkiBody(PkiBody.TYPE_CONFIRM, DerNull.Instance), false, null);

    /// <summary>genp with the given InfoTypeAndValues.</summary>
    public static byte[] General(CmpMessage request, CmpSender from, IEnumerable<CmpInfo> infos)
    {
        ArgumentNullException.ThrowIfNull(infos);
        var itavs = infos.Select(i => i.ValueDer is null ? new InfoTypeAndValue(new DerObjectIdentifier(i.TypeOid)) : new InfoTypeAndValue(new DerObjectIdentifier(i.TypeOid), Asn1Object.FromByteArray(i.ValueDer))).ToArray();
        return Reply(request, from, new PkiBody(PkiBody.TYPE_GEN_REP, new GenRepContent(itavs)), false, null);
    }

    /// <summary>The response body that answers <paramref name="request"/>.</summary>
    public static CmpBodyType ResponseTo(CmpBodyType request) => request switch
    {
        CmpBodyType.Ir => CmpBodyType.Ip,
        CmpBodyType.Cr or CmpBodyType.P10cr => CmpBodyType.Cp,
        CmpBodyType.Kur => CmpBodyType.Kup,
        CmpBodyType.Rr => CmpBodyType.Rp,
        CmpBodyType.Genm => CmpBodyType.Genp,
        CmpBodyType.CertConf => CmpBodyType.PkiConf,
        _ => throw new CmpException(CmpFailure.BadRequest, $"{CmpMessage.NameOf(request)} is not a request this server answers."),
    };

    private static byte[] Reply(CmpMessage request, CmpSender from, PkiBody body, bool implicitConfirm, IEnumerable<Certificate>? extraCerts)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(from);
        var h = request.Header;
        var pvno = h.Pvno is 2 or 3 ? h.Pvno : 2;
        return CmpWriter.Write(from, h.Sender, pvno, h.TransactionId, CmpWriter.NewNonce(from.Random), h.SenderNonce, implicitConfirm, body, extraCerts);
    }
}

/// <summary>InfoTypeAndValues of a genp (RFC 9483 §4.3).</summary>
public static class CmpInfos
{
    /// <summary>id-it-caCerts (1.3.6.1.5.5.7.4.17).</summary>
    public const string CaCertsOid = "1.3.6.1.5.5.7.4.17";
    /// <summary>id-it-rootCaKeyUpdate (1.3.6.1.5.5.7.4.18).</summary>
    public const string RootCaKeyUpdateOid = "1.3.6.1.5.5.7.4.18";
    /// <summary>id-it-certReqTemplate (1.3.6.1.5.5.7.4.19).</summary>
    public const string CertReqTemplateOid = "1.3.6.1.5.5.7.4.19";
    /// <summary>id-it-rootCaCert (1.3.6.1.5.5.7.4.20), sent in a genm for a root CA update.</summary>
    public const string RootCaCertOid = "1.3.6.1.5.5.7.4.20";
    /// <summary>id-it-crlStatusList (1.3.6.1.5.5.7.4.22), sent in a genm for CRL update retrieval.</summary>
    public const string CrlStatusListOid = "1.3.6.1.5.5.7.4.22";
    /// <summary>id-it-crls (1.3.6.1.5.5.7.4.23), the answer to a CRL update retrieval.</summary>
    public const string CrlsOid = "1.3.6.1.5.5.7.4.23";
    /// <summary>id-it-currentCRL (1.3.6.1.5.5.7.4.6, RFC 4210).</summary>
    public const string CurrentCrlOid = "1.3.6.1.5.5.7.4.6";

    /// <summary>caCerts: SEQUENCE OF CMPCertificate.</summary>
    public static CmpInfo CaCerts(IEnumerable<Certificate> certificates) =>
        new(CaCertsOid, new DerSequence(certificates.Select(c => (Asn1Encodable)CmpWriter.Cmp(c)).ToArray()).GetEncoded(Asn1Encodable.Der));

    /// <summary>rootCaKeyUpdate: absent value when there is no update (RFC 9483 §4.3.2), else newWithNew [, newWithOld, oldWithNew].</summary>
    public static CmpInfo RootCaKeyUpdate(Certificate? newWithNew, Certificate? newWithOld = null, Certificate? oldWithNew = null) =>
        new(RootCaKeyUpdateOid, newWithNew is null ? null
            : new RootCaKeyUpdateContent(CmpWriter.Cmp(newWithNew), newWithOld is null ? null : CmpWriter.Cmp(newWithOld), oldWithNew is null ? null : CmpWriter.Cmp(oldWithNew)).GetEncoded(Asn1Encodable.Der));

    /// <summary>certReqTemplate (RFC 9483 §4.3.3): the subject to use (or null), and the key algorithm the domain's signature suite requires.</summary>
    public static CmpInfo CertReqTemplate(string? subject, KeyAlgorithm algorithm)
    {
        var template = new CertTemplateBuilder();
        if (subject is not null) template.SetSubject(DistinguishedNames.Parse(subject));
        var keySpec = new DerSequence(new AttributeTypeAndValue(CmpObjectIdentifiers.id_regCtrl_algId, KeyAlgorithmIdentifier(algorithm)));
        return new(CertReqTemplateOid, new CertReqTemplateContent(template.Build(), keySpec).GetEncoded(Asn1Encodable.Der));
    }

    /// <summary>crls: SEQUENCE OF CertificateList (RFC 9483 §4.3.4).</summary>
    public static CmpInfo Crls(IEnumerable<byte[]> crlDers) =>
        new(CrlsOid, new DerSequence(crlDers.Select(d => (Asn1Encodable)CertificateList.GetInstance(Asn1Object.FromByteArray(d))).ToArray()).GetEncoded(Asn1Encodable.Der));

    /// <summary>currentCRL (RFC 4210 §5.3.19.6).</summary>
    public static CmpInfo CurrentCrl(byte[] crlDer) => new(CurrentCrlOid, CertificateList.GetInstance(Asn1Object.FromByteArray(crlDer)).GetEncoded(Asn1Encodable.Der));

    /// <summary>The certificates of a caCerts value.</summary>
    public static IReadOnlyList<Certificate> ReadCaCerts(CmpInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.ValueDer is null) return [];
        return [.. Asn1Sequence.GetInstance(info.ValueDer).Cast<Asn1Encodable>().Select(e => Twin.Pki.Certificates.Certificate.FromDer(CmpCertificate.GetInstance(e).GetEncoded(Asn1Encodable.Der)))];
    }

    /// <summary>The CRLs of a crls or currentCRL value.</summary>
    public static IReadOnlyList<CertificateRevocationList> ReadCrls(CmpInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.ValueDer is null) return [];
        if (info.TypeOid == CurrentCrlOid) return [CertificateRevocationList.FromDer(info.ValueDer)];
        return [.. Asn1Sequence.GetInstance(info.ValueDer).Cast<Asn1Encodable>().Select(e => CertificateRevocationList.FromDer(e.GetEncoded(Asn1Encodable.Der)))];
    }

    /// <summary>crlStatusList (RFC 9483 §4.3.4): for each CRL the requester holds, its thisUpdate (absent entries are omitted).</summary>
    public static CmpInfo CrlStatusList(IEnumerable<(string Issuer, DateTimeOffset ThisUpdate)> held) =>
        new(CrlStatusListOid, new DerSequence(held.Select(h => (Asn1Encodable)new CrlStatus(
            new CrlSource(null, new GeneralNames(new GeneralName(DistinguishedNames.Parse(h.Issuer)))), new Time(h.ThisUpdate.UtcDateTime))).ToArray()).GetEncoded(Asn1Encodable.Der));

    /// <summary>The thisUpdate instants a crlStatusList names (the newest CRL the requester already holds per source).</summary>
    public static IReadOnlyList<DateTimeOffset> ReadCrlStatusThisUpdates(CmpInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.ValueDer is null) return [];
        return [.. Asn1Sequence.GetInstance(info.ValueDer).Cast<Asn1Encodable>().Select(CrlStatus.GetInstance)
            .Where(c => c.ThisUpdate is not null).Select(c => new DateTimeOffset(c.ThisUpdate!.ToDateTime(), TimeSpan.Zero))];
    }

    /// <summary>rootCaCert (RFC 9483 §4.3.2): the root the requester trusts now, asking whether it is being replaced.</summary>
    public static CmpInfo RootCaCert(Certificate root) => new(RootCaCertOid, CmpWriter.Cmp(root).GetEncoded(Asn1Encodable.Der));

    /// <summary>The key algorithm a certReqTemplate's keySpec asks for, or null.</summary>
    public static string? ReadTemplateKeyAlgorithmOid(CmpInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.ValueDer is null) return null;
        var content = CertReqTemplateContent.GetInstance(Asn1Sequence.GetInstance(info.ValueDer));
        if (content.KeySpecControls is null) return null;
        foreach (var atv in content.KeySpecControls.ToAttributeTypeAndValueArray())
        {
            if (atv.Type.Equals(CmpObjectIdentifiers.id_regCtrl_algId)) return AlgorithmIdentifier.GetInstance(atv.Value).Algorithm.Id;
        }
        return null;
    }

    private static AlgorithmIdentifier KeyAlgorithmIdentifier(KeyAlgorithm algorithm) => algorithm switch
    {
        KeyAlgorithm.EcdsaP256 => new AlgorithmIdentifier(Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.IdECPublicKey, Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP256r1),
        KeyAlgorithm.EcdsaP384 => new AlgorithmIdentifier(Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.IdECPublicKey, Org.BouncyCastle.Asn1.Sec.SecObjectIdentifiers.SecP384r1),
        KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096 => new AlgorithmIdentifier(Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.RsaEncryption, DerNull.Instance),
        KeyAlgorithm.MlDsa44 => new AlgorithmIdentifier(Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.id_ml_dsa_44),
        KeyAlgorithm.MlDsa65 => new AlgorithmIdentifier(Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.id_ml_dsa_65),
        KeyAlgorithm.MlDsa87 => new AlgorithmIdentifier(Org.BouncyCastle.Asn1.Nist.NistObjectIdentifiers.id_ml_dsa_87),
        _ => throw new UnsupportedAlgorithmException($"No key algorithm identifier for {algorithm}."),
    };
}
