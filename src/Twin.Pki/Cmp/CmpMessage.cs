using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Security;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Cmp;

/// <summary>PKIBody choices (RFC 4210 §5.1.2); the value is the context tag on the wire.</summary>
public enum CmpBodyType
{
    /// <summary>Initialization request.</summary>
    Ir = 0,
    /// <summary>Initialization response.</summary>
    Ip = 1,
    /// <summary>Certification request.</summary>
    Cr = 2,
    /// <summary>Certification response.</summary>
    Cp = 3,
    /// <summary>PKCS#10 certification request.</summary>
    P10cr = 4,
    /// <summary>Key update request.</summary>
    Kur = 7,
    /// <summary>Key update response.</summary>
    Kup = 8,
    /// <summary>Revocation request.</summary>
    Rr = 11,
    /// <summary>Revocation response.</summary>
    Rp = 12,
    /// <summary>Confirmation.</summary>
    PkiConf = 19,
    /// <summary>General message.</summary>
    Genm = 21,
    /// <summary>General response.</summary>
    Genp = 22,
    /// <summary>Error message.</summary>
    Error = 23,
    /// <summary>Certificate confirmation.</summary>
    CertConf = 24,
}

/// <summary>How a message is protected.</summary>
public enum CmpProtectionKind
{
    /// <summary>No protection at all.</summary>
    None,
    /// <summary>A MAC over a shared secret (PasswordBasedMac or PBMAC1).</summary>
    Mac,
    /// <summary>A signature; the protection certificate is the first of extraCerts.</summary>
    Signature,
}

/// <summary>The PKIHeader fields the protocol checks (RFC 4210 §5.1.1, RFC 9483 §3.1).</summary>
public sealed record CmpHeader(int Pvno, string? Sender, string? Recipient, byte[]? TransactionId, byte[]? SenderNonce, byte[]? RecipNonce, byte[]? SenderKid, DateTimeOffset? MessageTime)
{
    /// <summary>True when generalInfo carries id-it-implicitConfirm.</summary>
    public bool ImplicitConfirm { get; init; }

    /// <summary>The certificate profile the requester names in generalInfo (id-it-certProfile, RFC 9483 §3.1), or null.</summary>
    public string? CertProfile { get; init; }

    /// <summary>transactionID as lower-case hex, or "" when absent.</summary>
    public string TransactionHex => TransactionId is null ? "" : Convert.ToHexStringLower(TransactionId);
}

/// <summary>A decoded CMP PKIMessage. Decoding checks structure and size only; the responder checks the rules.</summary>
public sealed partial class CmpMessage
{
    /// <summary>The largest message accepted (DER bytes).</summary>
    public const int MaxBytes = 256 * 1024;

    private readonly byte[] _der;

    private CmpMessage(PkiMessage inner, byte[] der)
    {
        Inner = inner;
        _der = der;
        var h = inner.Header;
        var implicitConfirm = h.GetGeneralInfo() is { } infos && Array.Exists(infos, i => i.InfoType.Equals(CmpObjectIdentifiers.it_implicitConfirm));
        Header = new CmpHeader(h.Pvno.IntValueExact, NameOf(h.Sender), NameOf(h.Recipient), h.TransactionID?.GetOctets(), h.SenderNonce?.GetOctets(),
            h.RecipNonce?.GetOctets(), h.SenderKID?.GetOctets(), h.MessageTime is { } t ? new DateTimeOffset(t.ToDateTime(), TimeSpan.Zero) : null)
        { ImplicitConfirm = implicitConfirm, CertProfile = CertProfileOf(h) };
        BodyType = (CmpBodyType)inner.Body.Type;
        ExtraCerts = ExtraCertsOf(inner, der);
        var alg = h.ProtectionAlg;
        Protection = alg is null || inner.Protection is null ? CmpProtectionKind.None
            : alg.Algorithm.Equals(CmpObjectIdentifiers.passwordBasedMac) || alg.Algorithm.Equals(CmpMac.Pbmac1Oid) ? CmpProtectionKind.Mac
            : CmpProtectionKind.Signature;
    }

    internal PkiMessage Inner { get; }

    // extraCerts as the bytes they arrived in: each certificate is parsed from its own slice of the message (and found again,
    // not parsed, when the same certificate came before), instead of being encoded anew from the parsed message every time.
    private static List<Certificate> ExtraCertsOf(PkiMessage inner, byte[] der)
    {
        var parsed = inner.GetExtraCerts();
        if (parsed is null) return [];
        try
        {
            var message = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.BER).ReadSequence();
            message.ReadEncodedValue(); // header
            message.ReadEncodedValue(); // body
            while (message.HasData)
            {
                var tag = message.PeekTag();
                if (tag.TagClass != System.Formats.Asn1.TagClass.ContextSpecific || tag.TagValue != 1)
                {
                    message.ReadEncodedValue(); // protection [0]
                    continue;
                }
                var list = message.ReadSequence(tag).ReadSequence();
                var found = new List<Certificate>();
                while (list.HasData)
                {
                    var isCertificate = list.PeekTag().HasSameClassAndValue(System.Formats.Asn1.Asn1Tag.Sequence); // CMPCertificate x509v3PKCert
                    var encoded = list.ReadEncodedValue();
                    if (isCertificate) found.Add(Certificate.FromDer(encoded.Span));
                }
                if (found.Count == parsed.Count(c => c.IsX509v3PKCert)) return found;
                break;
            }
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            // an encoding the frame reader does not take: encode them from the parsed message, as before
        }
        return [.. parsed.Where(c => c.IsX509v3PKCert).Select(c => Certificate.FromDer(c.X509v3PKCert.GetEncoded(Asn1Encodable.Der)))];
    }

    /// <summary>The header fields.</summary>
    public CmpHeader Header { get; }

    /// <summary>Which body the message carries.</summary>
    public CmpBodyType BodyType { get; }

    /// <summary>How it is protected.</summary>
    public CmpProtectionKind Protection { get; }

    /// <summary>extraCerts; for signature protection the protection certificate comes first.</summary>
    public IReadOnlyList<Certificate> ExtraCerts { get; }

    /// <summary>The body's name as RFC 4210 writes it (ir, ip, certConf, ...).</summary>
    public string BodyName => NameOf(BodyType);

    /// <summary>The body's name as RFC 4210 writes it.</summary>
    public static string NameOf(CmpBodyType type) => type switch
    {
        CmpBodyType.PkiConf => "pkiconf",
        CmpBodyType.CertConf => "certConf",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>A copy of the DER encoding as received.</summary>
    public byte[] GetDer() => (byte[])_der.Clone();

    /// <summary>Decodes a PKIMessage; malformed or oversized input fails with <see cref="CmpFailure.BadDataFormat"/>.</summary>
    public static CmpMessage Decode(ReadOnlySpan<byte> der)
    {
        if (der.Length == 0) throw new CmpException(CmpFailure.BadDataFormat, "CMP message: the body is empty.");
        if (der.Length > MaxBytes) throw new CmpException(CmpFailure.BadDataFormat, $"CMP message: {der.Length} bytes exceed the limit of {MaxBytes}.");
        var bytes = der.ToArray();
        try
        {
            using var stream = new Asn1InputStream(new MemoryStream(bytes), MaxBytes);
            var obj = stream.ReadObject() ?? throw new CmpException(CmpFailure.BadDataFormat, "CMP message: no ASN.1 object.");
            if (stream.ReadObject() is not null) throw new CmpException(CmpFailure.BadDataFormat, "CMP message: trailing data after the PKIMessage.");
            var message = PkiMessage.GetInstance(obj);
            var decoded = new CmpMessage(message, bytes);
            _ = decoded.Inner.Body.Content; // a body of an unknown choice fails here, not later
            return decoded;
        }
        catch (Exception e) when (e is not CmpException and not OutOfMemoryException)
        {
            throw new CmpException(CmpFailure.BadDataFormat, $"CMP message: malformed DER ({e.Message}).", e);
        }
    }

    /// <summary>True when the MAC verifies with <paramref name="secret"/>; false for any other protection.</summary>
    public bool VerifyMac(ReadOnlySpan<byte> secret) => VerifyMacKeeping(secret) is not null;

    /// <summary>
    /// Derives the key of this message's MAC parameters from <paramref name="secret"/> and returns it when the MAC verifies with it
    /// (to protect the answers of the transaction, <see cref="CmpProtector.MacWith"/>); null when it does not, or for any other protection.
    /// </summary>
    public CmpMacKey? VerifyMacKeeping(ReadOnlySpan<byte> secret)
    {
        if (Protection != CmpProtectionKind.Mac) return null;
        var alg = Inner.Header.ProtectionAlg;
        (byte[] Key, Func<byte[], byte[], byte[]> Mac) derived;
        if (alg.Algorithm.Equals(CmpObjectIdentifiers.passwordBasedMac))
        {
            PbmParameter p;
            try { p = PbmParameter.GetInstance(alg.Parameters); }
            catch (Exception e) when (e is ArgumentException or InvalidCastException) { throw new CmpException(CmpFailure.BadDataFormat, $"PasswordBasedMac: malformed parameters ({e.Message}).", e); }
            derived = CmpMac.PbmKey(secret.ToArray(), p);
        }
        else
        {
            derived = CmpMac.Pbmac1Key(secret.ToArray(), Pbmac1Params.Parse(alg.Parameters));
        }
        var key = new CmpMacKey(alg, derived.Key, derived.Mac);
        if (Matches(key)) return key;
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(derived.Key);
        return null;
    }

    /// <summary>
    /// Verifies the MAC with <paramref name="known"/>, a key kept from an earlier message of the transaction, when this message carries
    /// the very protectionAlg it was derived under; otherwise derives anew from <paramref name="secret"/>. Returns the key the MAC
    /// verified with, null when it does not verify.
    /// </summary>
    public CmpMacKey? VerifyMac(CmpMacKey? known, ReadOnlySpan<byte> secret) =>
        Protection != CmpProtectionKind.Mac ? null
        : known is not null && known.Fits(Inner.Header.ProtectionAlg) ? (Matches(known) ? known : null)
        : VerifyMacKeeping(secret);

    private bool Matches(CmpMacKey key) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(key.Mac(ProtectedPartDer()), Inner.Protection.GetBytes());

    /// <summary>True when the signature verifies with <paramref name="key"/>; false for any other protection or a bad signature.</summary>
    public bool VerifySignature(PublicKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (Protection != CmpProtectionKind.Signature) return false;
        // The bytes cannot change, so neither can the answer: a check made ahead on another thread is not made twice.
        return _signature.Check(key, VerifySignatureOnce);
    }

    private readonly SignatureMemo _signature = new();

    private bool VerifySignatureOnce(PublicKey key)
    {
        try
        {
            var signer = SignerUtilities.GetSigner(Inner.Header.ProtectionAlg.Algorithm);
            signer.Init(false, key.ToParameter());
            var part = ProtectedPartDer();
            signer.BlockUpdate(part, 0, part.Length);
            return signer.VerifySignature(Inner.Protection.GetBytes());
        }
        catch (Exception e) when (e is SecurityUtilityException or ArgumentException or InvalidCastException or InvalidOperationException or Org.BouncyCastle.Crypto.CryptoException)
        {
            return false;
        }
    }

    /// <summary>The protection certificate: the first of extraCerts whose subject key identifier is senderKID (else the first).</summary>
    public Certificate? ProtectionCertificate =>
        ExtraCerts.FirstOrDefault(c => Header.SenderKid is { } kid && CmpProtector.KeyIdentifiersOf(c).AsSpan().SequenceEqual(kid)) ?? (ExtraCerts.Count > 0 ? ExtraCerts[0] : null);

    private static string? CertProfileOf(PkiHeader h)
    {
        var info = h.GetGeneralInfo()?.FirstOrDefault(i => i.InfoType.Id == "1.3.6.1.5.5.7.4.21");
        if (info?.InfoValue is not Asn1Sequence names || names.Count == 0) return null;
        return DerUtf8String.GetInstance(names[0]).GetString();
    }

    internal byte[] ProtectedPartDer() => new ProtectedPart(Inner.Header, Inner.Body).GetEncoded(Asn1Encodable.Der);

    private static string? NameOf(GeneralName? name) =>
        name is { TagNo: GeneralName.DirectoryName } ? X509Name.GetInstance(name.Name).ToString() : name?.Name.ToString();

    /// <inheritdoc />
    public override string ToString() => $"CmpMessage({BodyName}, tid {Header.TransactionHex}, {Protection})";
}
