using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Twin.Pki.Certificates;

namespace Twin.Pki.Est;

/// <summary>
/// The bodies of RFC 7030: base64 ("Content-Transfer-Encoding: base64", §4) around DER, PKCS#10 requests in,
/// certs-only CMS SignedData out (§4.1.3, §4.2.3). Pure functions; no I/O.
/// </summary>
public static class EstCodec
{
    /// <summary>The largest body accepted (base64 text); a PKCS#10 request or a certificate bundle is far smaller.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string DataOid = "1.2.840.113549.1.7.1";

    /// <summary>Base64 with 64-character lines and CRLF, as RFC 7030 §4 (by reference to RFC 2045) transfers DER.</summary>
    public static string ToBase64Body(ReadOnlySpan<byte> der)
    {
        var text = Convert.ToBase64String(der);
        var lines = new System.Text.StringBuilder(text.Length + text.Length / 32 + 2);
        for (var i = 0; i < text.Length; i += 64)
            lines.Append(text, i, Math.Min(64, text.Length - i)).Append("\r\n");
        return lines.ToString();
    }

    /// <summary>
    /// Decodes a base64 body (line breaks and spaces allowed, RFC 2045) to bytes. Throws <see cref="PkiFormatException"/> naming
    /// <paramref name="what"/> and the offending position when the text is not base64 or too large.
    /// </summary>
    public static byte[] FromBase64Body(ReadOnlySpan<byte> body, string what)
    {
        if (body.Length == 0)
            throw new PkiFormatException($"{what}: the body is empty; expected base64-encoded DER.");
        if (body.Length > MaxBodyBytes)
            throw new PkiFormatException($"{what}: the body has {body.Length} bytes, more than the {MaxBodyBytes} accepted.");
        var clean = new char[body.Length];
        var n = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var b = body[i];
            if (b is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t') continue;
            if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/' or (byte)'='))
                throw new PkiFormatException($"{what}: byte 0x{b:x2} at offset {i} is not base64.");
            clean[n++] = (char)b;
        }
        try
        {
            return Convert.FromBase64CharArray(clean, 0, n);
        }
        catch (FormatException e)
        {
            throw new PkiFormatException($"{what}: the base64 text is malformed ({n} significant characters; it must be a multiple of 4 with padding only at the end).", e);
        }
    }

    /// <summary>Reads a /simpleenroll, /simplereenroll or /serverkeygen request body: base64 of a DER PKCS#10 request (RFC 7030 §4.2.1).</summary>
    public static CertificationRequest ReadCsr(ReadOnlySpan<byte> body) =>
        CertificationRequest.FromDer(FromBase64Body(body, "PKCS#10 request"));

    /// <summary>
    /// A certs-only "degenerate" SignedData (RFC 5652 §5, RFC 7030 §4.1.3): no signers, no content, the certificates
    /// as a DER SET OF — DER, never BouncyCastle's default indefinite-length BER.
    /// </summary>
    public static byte[] CertsOnly(IEnumerable<Certificate> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var list = certificates.ToList();
        if (list.Count == 0)
            throw new ArgumentException("A certs-only response needs at least one certificate.", nameof(certificates));
        // Written straight from the certificates' own DER (every EST answer carries one): parsing each into an ASN.1 tree only to
        // encode it again cost as much as the rest of the answer. RFC 5652 §5.1: a SignedData without signers — version 1,
        // no digest algorithms, id-data without content, the certificates as a SET OF, sorted as DER sorts it (X.690 §11.6).
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence()) // ContentInfo
        {
            writer.WriteObjectIdentifier(SignedDataOid);
            using (writer.PushSequence(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0, isConstructed: true))) // content [0] EXPLICIT
            using (writer.PushSequence()) // SignedData
            {
                writer.WriteInteger(1);
                writer.PushSetOf(); // digestAlgorithms
                writer.PopSetOf();
                using (writer.PushSequence()) writer.WriteObjectIdentifier(DataOid); // encapContentInfo
                using (writer.PushSetOf(new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 0))) // certificates [0] IMPLICIT
                {
                    foreach (var certificate in list) writer.WriteEncodedValue(certificate.Der);
                }
                writer.PushSetOf(); // signerInfos
                writer.PopSetOf();
            }
        }
        return writer.Encode();
    }

    /// <summary>The certificates of a certs-only SignedData (DER or BER), for clients and tests.</summary>
    public static IReadOnlyList<Certificate> ReadCertsOnly(ReadOnlySpan<byte> der)
    {
        try
        {
            var info = ContentInfo.GetInstance(Asn1Object.FromByteArray(der.ToArray()));
            if (!CmsObjectIdentifiers.SignedData.Equals(info.ContentType))
                throw new PkiFormatException($"certs-only PKCS#7: content type {info.ContentType} is not signedData (1.2.840.113549.1.7.2).");
            var signed = SignedData.GetInstance(info.Content);
            return signed.Certificates is null ? [] : [.. signed.Certificates.Cast<Asn1Encodable>().Select(c => Certificate.FromDer(c.GetEncoded(Asn1Encodable.Der)))];
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"certs-only PKCS#7: malformed ({e.Message}).", e);
        }
    }
}
