using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Cmp;

/// <summary>Who sends a message and how: the sender's name, its protection, the clock instant and the randomness for nonces.</summary>
/// <param name="Sender">The sender's distinguished name (for signature protection, the protection certificate's subject).</param>
/// <param name="Protector">How the message is protected; null sends it unprotected (only errors to unauthenticated requests).</param>
/// <param name="Now">messageTime (whole seconds on the wire).</param>
/// <param name="Random">Source of senderNonce and transactionID.</param>
public sealed record CmpSender(string Sender, CmpProtector? Protector, DateTimeOffset Now, PkiRandom Random);

/// <summary>Encodes PKIMessages: builds the header, the body and the protection. No policy: callers decide what to say.</summary>
internal static class CmpWriter
{
    internal static byte[] NewNonce(PkiRandom random)
    {
        var nonce = new byte[16];
        random.NextBytes(nonce);
        return nonce;
    }

    /// <summary>A complete, protected PKIMessage.</summary>
    internal static byte[] Write(CmpSender from, string? recipient, int pvno, byte[]? transactionId, byte[] senderNonce, byte[]? recipNonce,
        bool implicitConfirm, PkiBody body, IEnumerable<Certificate>? extraCerts = null, InfoTypeAndValue[]? generalInfo = null)
    {
        var builder = new PkiHeaderBuilder(pvno, Name(from.Sender), Name(recipient));
        var seconds = from.Now.UtcDateTime;
        builder.SetMessageTime(new DerGeneralizedTime(new DateTime(seconds.Ticks - seconds.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc)));
        if (transactionId is not null) builder.SetTransactionID(transactionId);
        builder.SetSenderNonce(senderNonce);
        if (recipNonce is not null) builder.SetRecipNonce(recipNonce);
        if (generalInfo is { Length: > 0 }) builder.SetGeneralInfo(generalInfo);
        else if (implicitConfirm) builder.SetGeneralInfo(new InfoTypeAndValue(CmpObjectIdentifiers.it_implicitConfirm, DerNull.Instance));
        var p = from.Protector;
        if (p is not null)
        {
            builder.SetProtectionAlg(p.Algorithm);
            if (p.SenderKid is { } kid) builder.SetSenderKID(kid);
        }
        var header = builder.Build();
        var extra = (p?.ExtraCerts ?? []).Concat(extraCerts ?? []).DistinctBy(c => c.Thumbprint).Select(Cmp).ToArray();
        var protection = p is null ? null : new DerBitString(p.Protect(new ProtectedPart(header, body).GetEncoded(Asn1Encodable.Der)));
        var message = extra.Length > 0 ? new PkiMessage(header, body, protection, extra) : new PkiMessage(header, body, protection);
        return message.GetEncoded(Asn1Encodable.Der);
    }

    internal static CmpCertificate Cmp(Certificate c) => new(c.Inner.CertificateStructure);

    // RFC 9483 §3.1: an absent name is the NULL-DN.
    internal static GeneralName Name(string? dn) => dn is null or "" ? new GeneralName(new X509Name(new List<DerObjectIdentifier>(), new List<string>())) : new GeneralName(DistinguishedNames.Parse(dn));

    internal static PkiStatusInfo Status(int status, CmpFailure? failure, string? text) =>
        new(status, text is null ? null : new PkiFreeText(text), failure is { } f ? new PkiFailureInfo(CmpFailureBits.Encode(f)) : null);
}
