using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Twin.OpcUa.Security;

/// <summary>An X.509 CRL (RFC 5280 §5): issuer, update times and revoked serials; used only after its signature verifies.</summary>
public sealed class RevocationList
{
    private readonly byte[] _tbs;
    private readonly string _algorithm;
    private readonly byte[] _signature;
    private readonly HashSet<BigInteger> _revoked;

    private RevocationList(byte[] tbs, string algorithm, byte[] signature, byte[] issuer, DateTime thisUpdate, DateTime? nextUpdate, HashSet<BigInteger> revoked)
    {
        _tbs = tbs;
        _algorithm = algorithm;
        _signature = signature;
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        NextUpdate = nextUpdate;
        _revoked = revoked;
    }

    /// <summary>The DER of the issuer Name.</summary>
    public byte[] Issuer { get; }
    public DateTime ThisUpdate { get; }
    public DateTime? NextUpdate { get; }

    /// <summary>Parses DER; malformed input throws <see cref="CryptographicException"/>.</summary>
    public static RevocationList Parse(byte[] der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbsBytes = outer.ReadEncodedValue().ToArray();
            var algorithm = outer.ReadSequence().ReadObjectIdentifier();
            var signature = outer.ReadBitString(out _);
            var tbs = new AsnReader(tbsBytes, AsnEncodingRules.DER).ReadSequence();
            if (tbs.PeekTag() == Asn1Tag.Integer) tbs.ReadInteger();
            tbs.ReadSequence();
            var issuer = tbs.ReadEncodedValue().ToArray();
            var thisUpdate = ReadTime(tbs);
            DateTime? nextUpdate = tbs.HasData && (tbs.PeekTag() == Asn1Tag.UtcTime || tbs.PeekTag() == Asn1Tag.GeneralizedTime) ? ReadTime(tbs) : null;
            var revoked = new HashSet<BigInteger>();
            if (tbs.HasData && tbs.PeekTag() == Asn1Tag.Sequence)
            {
                var entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    revoked.Add(entry.ReadInteger());
                }
            }
            return new RevocationList(tbsBytes, algorithm, signature, issuer, thisUpdate, nextUpdate, revoked);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException("The CRL is not valid DER: " + e.Message, e);
        }
    }

    private static DateTime ReadTime(AsnReader r) =>
        (r.PeekTag() == Asn1Tag.UtcTime ? r.ReadUtcTime() : r.ReadGeneralizedTime()).UtcDateTime;

    /// <summary>True when <paramref name="issuer"/>'s name matches and its key verifies the CRL's signature.</summary>
    public bool IssuedBy(X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        if (!issuer.SubjectName.RawData.AsSpan().SequenceEqual(Issuer)) return false;
        var hash = _algorithm switch
        {
            "1.2.840.113549.1.1.11" or "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
            "1.2.840.113549.1.1.12" or "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
            "1.2.840.113549.1.1.13" or "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
            _ => default,
        };
        if (hash == default) return false;
        using var rsa = issuer.GetRSAPublicKey();
        if (rsa is not null) return rsa.VerifyData(_tbs, _signature, hash, RSASignaturePadding.Pkcs1);
        using var ec = issuer.GetECDsaPublicKey();
        return ec is not null && ec.VerifyData(_tbs, _signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>True when the big-endian serial number is listed.</summary>
    public bool IsRevoked(ReadOnlySpan<byte> serialBigEndian) => _revoked.Contains(new BigInteger(serialBigEndian, isUnsigned: false, isBigEndian: true));
}
