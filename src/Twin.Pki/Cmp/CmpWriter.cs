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
        // The header and the body are encoded once: the protection is computed over ProtectedPart ::= SEQUENCE { header, body }
        // (RFC 4210 §5.1.3) and the message repeats the same two encodings. The certificates of extraCerts go out as the DER
        // they are held in, byte for byte, instead of being encoded again from their parsed form for every message.
        var headerDer = header.GetEncoded(Asn1Encodable.Der);
        var bodyDer = body.GetEncoded(Asn1Encodable.Der);
        var extra = new List<Certificate>();
        foreach (var c in (p?.ExtraCerts ?? []).Concat(extraCerts ?? []))
            if (!extra.Exists(e => e.Der.SequenceEqual(c.Der))) extra.Add(c);
        var protection = p is null ? null : new DerBitString(p.Protect(DerFraming.Sequence([headerDer, bodyDer]))).GetEncoded(Asn1Encodable.Der);
        var parts = new List<byte[]> { headerDer, bodyDer };
        // PKIXCMP uses explicit tags: protection [0] PKIProtection, extraCerts [1] SEQUENCE OF CMPCertificate (RFC 4210 §5.1).
        if (protection is not null) parts.Add(DerFraming.Tagged(0xA0, [protection]));
        if (extra.Count > 0) parts.Add(DerFraming.Tagged(0xA1, [DerFraming.Sequence([.. extra.Select(c => c.Der.ToArray())])]));
        return DerFraming.Sequence(parts);
    }

    internal static CmpCertificate Cmp(Certificate c) => new(c.Inner.CertificateStructure);

    // RFC 9483 §3.1: an absent name is the NULL-DN.
    internal static GeneralName Name(string? dn) => dn is null or "" ? new GeneralName(new X509Name(new List<DerObjectIdentifier>(), new List<string>())) : new GeneralName(DistinguishedNames.Parse(dn));

    internal static PkiStatusInfo Status(int status, CmpFailure? failure, string? text) =>
        new(status, text is null ? null : new PkiFreeText(text), failure is { } f ? new PkiFailureInfo(CmpFailureBits.Encode(f)) : null);
}

/// <summary>DER framing of already encoded parts: a tag, a definite length (X.690 §8.1.3, shortest form), the contents.</summary>
internal static class DerFraming
{
    internal static byte[] Sequence(IReadOnlyList<byte[]> parts) => Tagged(0x30, parts);

    internal static byte[] Tagged(byte tag, IReadOnlyList<byte[]> parts)
    {
        var length = 0;
        foreach (var part in parts) length += part.Length;
        var lengthBytes = length < 0x80 ? 1 : length <= 0xFF ? 2 : length <= 0xFFFF ? 3 : length <= 0xFFFFFF ? 4 : 5;
        var result = new byte[1 + lengthBytes + length];
        result[0] = tag;
        if (lengthBytes == 1) result[1] = (byte)length;
        else
        {
            result[1] = (byte)(0x80 | (lengthBytes - 1));
            for (var i = 0; i < lengthBytes - 1; i++) result[lengthBytes - i] = (byte)(length >> (8 * i));
        }
        var at = 1 + lengthBytes;
        foreach (var part in parts)
        {
            part.CopyTo(result, at);
            at += part.Length;
        }
        return result;
    }
}
