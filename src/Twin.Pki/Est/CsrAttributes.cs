using Org.BouncyCastle.Asn1;

namespace Twin.Pki.Est;

/// <summary>One attribute a server asks for (RFC 7030 §4.5.2 AttrOrOID's "attribute"): a type and values given as OIDs.</summary>
/// <param name="Type">The attribute type OID, e.g. 1.2.840.10045.2.1 (id-ecPublicKey).</param>
/// <param name="Values">The values, each an OID, e.g. 1.2.840.10045.3.1.7 (secp256r1).</param>
public sealed record CsrAttrRequest(string Type, IReadOnlyList<string> Values);

/// <summary>
/// The /csrattrs answer (RFC 7030 §4.5.2): <c>CsrAttrs ::= SEQUENCE OF AttrOrOID</c>, where each element is a bare OID
/// (e.g. a signature algorithm the CA wants, or a subject attribute such as serialNumber) or an attribute with values.
/// </summary>
public sealed record CsrAttributes(IReadOnlyList<string> Oids, IReadOnlyList<CsrAttrRequest> Attributes)
{
    /// <summary>id-ecPublicKey (RFC 5480).</summary>
    public const string EcPublicKey = "1.2.840.10045.2.1";
    /// <summary>secp256r1 (RFC 5480).</summary>
    public const string Secp256r1 = "1.2.840.10045.3.1.7";
    /// <summary>secp384r1 (RFC 5480).</summary>
    public const string Secp384r1 = "1.3.132.0.34";
    /// <summary>rsaEncryption (RFC 8017).</summary>
    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    /// <summary>ecdsa-with-SHA256 (RFC 5758).</summary>
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    /// <summary>ecdsa-with-SHA384 (RFC 5758).</summary>
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    /// <summary>sha256WithRSAEncryption (RFC 8017).</summary>
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    /// <summary>The X.520 serialNumber attribute (2.5.4.5): the device serial an IEEE 802.1AR identity carries.</summary>
    public const string SubjectSerialNumber = "2.5.4.5";

    /// <summary>At most this many elements are read from a CsrAttrs, and this many values per attribute.</summary>
    public const int MaxElements = 64;

    /// <summary>The DER encoding.</summary>
    public byte[] ToDer()
    {
        var elements = new List<Asn1Encodable>();
        elements.AddRange(Oids.Select(o => (Asn1Encodable)Oid(o)));
        elements.AddRange(Attributes.Select(a => (Asn1Encodable)new DerSequence(Oid(a.Type), new DerSet(a.Values.Select(v => (Asn1Encodable)Oid(v)).ToArray()))));
        return new DerSequence(elements.ToArray()).GetEncoded(Asn1Encodable.Der);
    }

    /// <summary>Parses a DER CsrAttrs. Attribute values that are not OIDs are skipped; a malformed structure is a <see cref="PkiFormatException"/>.</summary>
    public static CsrAttributes FromDer(ReadOnlySpan<byte> der)
    {
        Asn1Sequence sequence;
        try
        {
            sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(der.ToArray()));
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"CsrAttrs: malformed DER ({e.Message}).", e);
        }
        if (sequence.Count > MaxElements)
            throw new PkiFormatException($"CsrAttrs: {sequence.Count} elements, more than the {MaxElements} accepted.");
        var oids = new List<string>();
        var attributes = new List<CsrAttrRequest>();
        for (var i = 0; i < sequence.Count; i++)
        {
            switch (sequence[i])
            {
                case DerObjectIdentifier oid:
                    oids.Add(oid.Id);
                    break;
                case Asn1Sequence { Count: 2 } pair when pair[0] is DerObjectIdentifier type && pair[1] is Asn1Set values && values.Count <= MaxElements:
                    attributes.Add(new CsrAttrRequest(type.Id, [.. values.Cast<Asn1Encodable>().OfType<DerObjectIdentifier>().Select(v => v.Id)]));
                    break;
                default:
                    throw new PkiFormatException($"CsrAttrs: element {i} is neither an OID nor an Attribute (SEQUENCE {{ type, SET OF values }}).");
            }
        }
        return new CsrAttributes(oids, attributes);
    }

    private static DerObjectIdentifier Oid(string oid) =>
        DerObjectIdentifier.TryFromID(oid, out var parsed) ? parsed : throw new PkiFormatException($"CsrAttrs: '{oid}' is not a dotted OID.");
}
