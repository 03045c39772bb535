using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Crmf;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Cmp;

/// <summary>One CertReqMsg of an ir, cr or kur (RFC 4211): what the requester asks to have certified.</summary>
/// <param name="CertReqId">certReqId (0 in the Lightweight CMP Profile).</param>
/// <param name="Subject">The template's subject, or null.</param>
/// <param name="PublicKey">The template's public key, or null (central key generation is not offered).</param>
/// <param name="PopVerified">True when a signature POP over the CertRequest verifies with the template key.</param>
public sealed record CmpCertRequest(int CertReqId, string? Subject, PublicKey? PublicKey, bool PopVerified)
{
    /// <summary>URIs of the template's subjectAltName.</summary>
    public IReadOnlyList<string> UriNames { get; init; } = [];

    /// <summary>DNS names of the template's subjectAltName.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    /// <summary>Why the POP did not verify (null when it did).</summary>
    public string? PopProblem { get; init; }
}

/// <summary>One RevDetails of an rr: which certificate to revoke and why.</summary>
public sealed record CmpRevocationRequest(string? Issuer, string? SerialHex, RevocationReason Reason);

/// <summary>One CertStatus of a certConf: the hash of the certificate the requester received and whether it accepts it.</summary>
public sealed record CmpCertConfirmation(int CertReqId, byte[] CertHash, bool Accepted, string? Reason)
{
    /// <summary>The hash algorithm named in the CertStatus (pvno 3), or null for the certificate's signature digest.</summary>
    public string? HashAlgorithmOid { get; init; }
}

/// <summary>A status as responses carry it: granted, rejection with a failure, ...</summary>
public sealed record CmpStatus(int Status, IReadOnlyList<CmpFailure> Failures, string? Text)
{
    /// <summary>True for accepted (0) or grantedWithMods (1).</summary>
    public bool Granted => Status is 0 or 1;
}

/// <summary>One CertResponse of an ip, cp or kup.</summary>
public sealed record CmpCertResponse(int CertReqId, CmpStatus Status, Certificate? Certificate);

/// <summary>One InfoTypeAndValue of a genm or genp: its OID and its value's DER (null when absent).</summary>
public sealed record CmpInfo(string TypeOid, byte[]? ValueDer);

public sealed partial class CmpMessage
{
    /// <summary>The CertReqMsgs of an ir, cr or kur, with their POP checked (once per message: the bytes cannot change).</summary>
    public IReadOnlyList<CmpCertRequest> CertRequests()
    {
        if (BodyType is not (CmpBodyType.Ir or CmpBodyType.Cr or CmpBodyType.Kur))
            throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} carries no certificate requests.");
        if (Volatile.Read(ref _certRequests) is { } done) return done;
        var requests = Body(() => CertReqMessages.GetInstance(Inner.Body.Content).ToCertReqMsgArray().Select(ReadCertRequest).ToList().AsReadOnly());
        Volatile.Write(ref _certRequests, requests);
        return requests;
    }

    private IReadOnlyList<CmpCertRequest>? _certRequests;

    /// <summary>The PKCS#10 request of a p10cr.</summary>
    public CertificationRequest P10Request() => BodyType == CmpBodyType.P10cr
        ? Body(() => CertificationRequest.FromDer(Inner.Body.Content.ToAsn1Object().GetEncoded(Asn1Encodable.Der)))
        : throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} carries no PKCS#10 request.");

    /// <summary>The RevDetails of an rr.</summary>
    public IReadOnlyList<CmpRevocationRequest> RevocationRequests() => BodyType == CmpBodyType.Rr
        ? Body(() => RevReqContent.GetInstance(Inner.Body.Content).ToRevDetailsArray().Select(ReadRevDetails).ToList())
        : throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} carries no revocation requests.");

    /// <summary>The CertStatus entries of a certConf.</summary>
    public IReadOnlyList<CmpCertConfirmation> Confirmations() => BodyType == CmpBodyType.CertConf
        ? Body(() => CertConfirmContent.GetInstance(Inner.Body.Content).ToCertStatusArray().Select(s =>
            new CmpCertConfirmation(s.CertReqID.IntValueExact, s.CertHash.GetOctets(), s.StatusInfo is null || s.StatusInfo.Status.IntValue is 0 or 1,
                s.StatusInfo?.StatusString is { Count: > 0 } t ? t[0].GetString() : null) { HashAlgorithmOid = s.HashAlg?.Algorithm.Id }).ToList())
        : throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} carries no certificate confirmations.");

    /// <summary>The InfoTypeAndValues of a genm or genp.</summary>
    public IReadOnlyList<CmpInfo> GeneralInfo() => BodyType switch
    {
        CmpBodyType.Genm => Body(() => GenMsgContent.GetInstance(Inner.Body.Content).ToInfoTypeAndValueArray().Select(Info).ToList()),
        CmpBodyType.Genp => Body(() => GenRepContent.GetInstance(Inner.Body.Content).ToInfoTypeAndValueArray().Select(Info).ToList()),
        _ => throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} carries no InfoTypeAndValue."),
    };

    /// <summary>The CertResponses of an ip, cp or kup.</summary>
    public IReadOnlyList<CmpCertResponse> CertResponses() => BodyType is CmpBodyType.Ip or CmpBodyType.Cp or CmpBodyType.Kup
        ? Body(() => CertRepMessage.GetInstance(Inner.Body.Content).GetResponse().Select(r => new CmpCertResponse(r.CertReqID.IntValueExact, StatusOf(r.Status),
            r.CertifiedKeyPair?.CertOrEncCert.Certificate is { IsX509v3PKCert: true } c ? Certificate.FromDer(c.X509v3PKCert.GetEncoded(Asn1Encodable.Der)) : null)).ToList())
        : throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} carries no certificate responses.");

    /// <summary>caPubs of an ip, cp or kup.</summary>
    public IReadOnlyList<Certificate> CaPubs() => BodyType is CmpBodyType.Ip or CmpBodyType.Cp or CmpBodyType.Kup
        ? Body(() => (CertRepMessage.GetInstance(Inner.Body.Content).GetCAPubs() ?? []).Where(c => c.IsX509v3PKCert).Select(c => Certificate.FromDer(c.X509v3PKCert.GetEncoded(Asn1Encodable.Der))).ToList())
        : [];

    /// <summary>The statuses of an rp, in request order.</summary>
    public IReadOnlyList<CmpStatus> RevocationStatuses() => BodyType == CmpBodyType.Rp
        ? Body(() => Asn1Sequence.GetInstance(Asn1Sequence.GetInstance(Inner.Body.Content)[0]).Cast<Asn1Encodable>().Select(s => StatusOf(PkiStatusInfo.GetInstance(s))).ToList())
        : throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} carries no revocation statuses.");

    /// <summary>The status of an error message.</summary>
    public CmpStatus ErrorStatus() => BodyType == CmpBodyType.Error
        ? Body(() => StatusOf(ErrorMsgContent.GetInstance(Inner.Body.Content).PkiStatusInfo))
        : throw new CmpException(CmpFailure.BadRequest, $"A {BodyName} is not an error message.");

    private T Body<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not PkiException and not OutOfMemoryException)
        {
            throw new CmpException(CmpFailure.BadDataFormat, $"CMP {BodyName}: malformed body ({e.Message}).", e);
        }
    }

    internal static CmpStatus StatusOf(PkiStatusInfo info) => new(info.Status.IntValue, CmpFailureBits.Decode(info.FailInfo),
        info.StatusString is { Count: > 0 } t ? string.Join("; ", Enumerable.Range(0, t.Count).Select(i => t[i].GetString())) : null);

    private static CmpInfo Info(InfoTypeAndValue i) => new(i.InfoType.Id, i.InfoValue?.ToAsn1Object().GetEncoded(Asn1Encodable.Der));

    private static CmpCertRequest ReadCertRequest(CertReqMsg msg)
    {
        var request = msg.CertReq;
        var template = request.CertTemplate;
        var key = template.PublicKey is { } spki ? PublicKey.FromSubjectPublicKeyInfo(spki.GetEncoded(Asn1Encodable.Der)) : null;
        var (verified, problem) = CheckPop(msg, key);
        var uris = new List<string>();
        var dns = new List<string>();
        if (template.Extensions?.GetExtension(X509Extensions.SubjectAlternativeName) is { } san)
        {
            foreach (var n in GeneralNames.GetInstance(san.GetParsedValue()).GetNames())
            {
                if (n.TagNo == GeneralName.UniformResourceIdentifier) uris.Add(n.Name.ToString()!);
                else if (n.TagNo == GeneralName.DnsName) dns.Add(n.Name.ToString()!);
            }
        }
        return new CmpCertRequest(request.CertReqID.IntValueExact, template.Subject?.ToString(), key, verified) { UriNames = uris, DnsNames = dns, PopProblem = problem };
    }

    // RFC 4211 §4.1: without poposkInput the signature is over the DER of the CertRequest, with the template's key.
    private static (bool, string?) CheckPop(CertReqMsg msg, PublicKey? key)
    {
        var pop = msg.Pop;
        if (pop is null) return (false, "no proof of possession");
        if (pop.Type == ProofOfPossession.TYPE_RA_VERIFIED) return (false, "raVerified is accepted from registration authorities only");
        if (pop.Type != ProofOfPossession.TYPE_SIGNING_KEY) return (false, $"POP type {pop.Type} is not supported (signature POP only)");
        if (key is null) return (false, "the template carries no public key");
        var sk = PopoSigningKey.GetInstance(pop.Object);
        if (sk.PoposkInput is not null) return (false, "poposkInput is not supported (the template names the subject)");
        try
        {
            var signer = SignerUtilities.GetSigner(sk.AlgorithmIdentifier.Algorithm);
            signer.Init(false, key.ToParameter());
            var data = msg.CertReq.GetEncoded(Asn1Encodable.Der);
            signer.BlockUpdate(data, 0, data.Length);
            return signer.VerifySignature(sk.Signature.GetBytes()) ? (true, null) : (false, "the POP signature does not verify with the template's public key");
        }
        catch (Exception e) when (e is SecurityUtilityException or ArgumentException or InvalidCastException or InvalidOperationException or Org.BouncyCastle.Crypto.CryptoException)
        {
            return (false, $"the POP signature cannot be checked ({e.Message})");
        }
    }

    private static CmpRevocationRequest ReadRevDetails(RevDetails d)
    {
        var reason = RevocationReason.Unspecified;
        if (d.CrlEntryDetails?.GetExtension(X509Extensions.ReasonCode) is { } ext)
            reason = (RevocationReason)DerEnumerated.GetInstance(ext.GetParsedValue()).IntValueExact;
        var serial = d.CertDetails.SerialNumber?.PositiveValue.ToByteArrayUnsigned();
        return new CmpRevocationRequest(d.CertDetails.Issuer?.ToString(), serial is null ? null : new SerialNumber(serial).Hex, reason);
    }
}
