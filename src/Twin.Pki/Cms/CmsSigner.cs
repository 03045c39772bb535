using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Cms;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Utilities.Collections;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using BcAttribute = Org.BouncyCastle.Asn1.Cms.Attribute;

namespace Twin.Pki.Cms;

/// <summary>
/// CMS SignedData (RFC 5652) production: detached signatures over files (firmware, MTP packages) and
/// encapsulated signed JSON (RFC 8366 vouchers). Output is DER, never BouncyCastle's default indefinite-length BER.
/// </summary>
public static class CmsSigner
{
    internal const string VoucherOid = "1.2.840.113549.1.9.16.1.40";

    /// <summary>A detached signature over <paramref name="content"/>: the .p7s that ships beside the file.</summary>
    public static byte[] SignDetached(ReadOnlySpan<byte> content, Certificate signer, ISigningKey key, DateTimeOffset signingTime, IEnumerable<Certificate>? chain = null, PkiRandom? random = null) =>
        Sign(content, CmsContentType.Data, encapsulate: false, signer, key, signingTime, chain, random);

    /// <summary>Signed data with the content inside, for example an RFC 8366 voucher with <see cref="CmsContentType.JsonVoucher"/>.</summary>
    public static byte[] SignEncapsulated(ReadOnlySpan<byte> content, CmsContentType contentType, Certificate signer, ISigningKey key, DateTimeOffset signingTime, IEnumerable<Certificate>? chain = null, PkiRandom? random = null) =>
        Sign(content, contentType, encapsulate: true, signer, key, signingTime, chain, random);

    private static byte[] Sign(ReadOnlySpan<byte> content, CmsContentType contentType, bool encapsulate, Certificate signer, ISigningKey key, DateTimeOffset signingTime, IEnumerable<Certificate>? chain, PkiRandom? random)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(key);
        if (!signer.PublicKey.Equals(key.PublicKey))
            throw new PolicyViolationException($"CMS signer {signer.Subject}: the key does not match the certificate.");
        var rng = random ?? PkiRandom.System;
        var generator = new CmsSignedDataGenerator(rng.Random);
        // signingTime (RFC 5652 §11.3) is the simulated instant, not the wall clock.
        var attributes = new Dictionary<DerObjectIdentifier, object>
        {
            [CmsAttributes.SigningTime] = new BcAttribute(CmsAttributes.SigningTime, new DerSet(new Time(signingTime.UtcDateTime))),
        };
        var builder = new SignerInfoGeneratorBuilder()
            .WithSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(attributes)));
        generator.AddSignerInfoGenerator(builder.Build(Signing.Factory(key, rng), signer.Inner));
        var certificates = new List<Org.BouncyCastle.X509.X509Certificate> { signer.Inner };
        certificates.AddRange((chain ?? []).Where(c => !c.Equals(signer)).Select(c => c.Inner));
        generator.AddCertificates(CollectionUtilities.CreateStore(certificates));
        var oid = contentType == CmsContentType.JsonVoucher ? VoucherOid : CmsObjectIdentifiers.Data.Id;
        var signed = generator.Generate(new CmsProcessableByteArray(new DerObjectIdentifier(oid), content.ToArray()), encapsulate);
        return signed.GetEncoded("DER");
    }
}
