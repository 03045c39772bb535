using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using Twin.Pki.Certificates;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;

namespace Twin.Pki.Revocation;

/// <summary>An X.509 CRL (RFC 5280 §5), full or delta, immutable.</summary>
public sealed class CertificateRevocationList
{
    private readonly byte[] _der;
    private readonly SignatureMemo _signature = new();
    private readonly Dictionary<Org.BouncyCastle.Math.BigInteger, CrlEntry> _bySerial = [];
    private readonly Dictionary<(string Issuer, Org.BouncyCastle.Math.BigInteger Serial), CrlEntry> _byIssuerAndSerial = [];

    internal CertificateRevocationList(X509Crl crl)
    {
        Inner = crl;
        _der = crl.GetEncoded();
        var number = crl.GetExtensionValue(X509Extensions.CrlNumber);
        CrlNumber = number is null ? null : DerInteger.GetInstance(X509ExtensionUtilities.FromExtensionValue(number)).Value.LongValueExact;
        var delta = crl.GetExtensionValue(X509Extensions.DeltaCrlIndicator);
        BaseCrlNumber = delta is null ? null : DerInteger.GetInstance(X509ExtensionUtilities.FromExtensionValue(delta)).Value.LongValueExact;
        var entries = new List<CrlEntry>();
        foreach (var e in crl.GetRevokedCertificates() ?? new HashSet<X509CrlEntry>())
        {
            var reasonExt = e.GetExtensionValue(X509Extensions.ReasonCode);
            var reason = reasonExt is null
                ? RevocationReason.Unspecified
                : (RevocationReason)DerEnumerated.GetInstance(X509ExtensionUtilities.FromExtensionValue(reasonExt)).IntValueExact;
            var critical = e.GetCriticalExtensionOids();
            var unknownCritical = critical is not null && critical.Any(o => o != X509Extensions.ReasonCode.Id && o != X509Extensions.InvalidityDate.Id
                && o != X509Extensions.CertificateIssuer.Id);
            var entry = new CrlEntry(SerialOf(e.SerialNumber), new DateTimeOffset(e.RevocationDate.ToUniversalTime(), TimeSpan.Zero), reason, unknownCritical);
            entries.Add(entry);
            _bySerial[e.SerialNumber] = entry;
            // RFC 5280 §5.3.3: in an indirect CRL an entry belongs to the certificateIssuer named on it or on an earlier entry.
            var certificateIssuer = e.GetCertificateIssuer() ?? crl.IssuerDN;
            _byIssuerAndSerial[(Validation.NameKey.Of(certificateIssuer), e.SerialNumber)] = entry;
        }
        Entries = entries;
        var idp = crl.GetExtensionValue(X509Extensions.IssuingDistributionPoint);
        if (idp is not null)
        {
            var point = IssuingDistributionPoint.GetInstance(X509ExtensionUtilities.FromExtensionValue(idp));
            Scope = point.OnlyContainsUserCerts ? CrlScope.UserCertificates
                : point.OnlyContainsCACerts ? CrlScope.CaCertificates
                : point.OnlyContainsAttributeCerts ? CrlScope.AttributeCertificates
                : CrlScope.All;
            IsIndirect = point.IsIndirectCrl;
            OnlySomeReasons = point.OnlySomeReasons?.IntValue;
            IdpNames = Validation.DistributionPoints.Names(point.DistributionPoint, crl.IssuerDN);
        }
    }

    // Scope from the issuingDistributionPoint (RFC 5280 §5.2.5), used by path validation.
    internal bool IsIndirect { get; }

    internal int? OnlySomeReasons { get; }

    internal IReadOnlyList<string> IdpNames { get; } = [];

    // CRLs with the same key cover the same certificates; a newer one supersedes an older one.
    internal string ScopeKey => $"{Scope}|{IsIndirect}|{OnlySomeReasons}|{string.Join(',', IdpNames)}";

    internal CrlEntry? Find(Org.BouncyCastle.Math.BigInteger serial, string certificateIssuerKey) =>
        _byIssuerAndSerial.GetValueOrDefault((certificateIssuerKey, serial));

    /// <summary>Which certificates this CRL covers, from its issuingDistributionPoint (RFC 5280 §5.2.5).</summary>
    public CrlScope Scope { get; } = CrlScope.All;

    internal X509Crl Inner { get; }

    /// <summary>The issuer distinguished name.</summary>
    public string Issuer => Inner.IssuerDN.ToString();

    /// <summary>When this CRL was issued.</summary>
    public DateTimeOffset ThisUpdate => new(Inner.ThisUpdate.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>When the next CRL is due; after it this one is stale (RFC 5280 §5.1.2.5).</summary>
    public DateTimeOffset? NextUpdate => Inner.NextUpdate is DateTime d ? new DateTimeOffset(d.ToUniversalTime(), TimeSpan.Zero) : null;

    /// <summary>The cRLNumber extension (RFC 5280 §5.2.3), if present.</summary>
    public long? CrlNumber { get; }

    /// <summary>For a delta CRL, the number of the base CRL it updates (RFC 5280 §5.2.4); null for a full CRL.</summary>
    public long? BaseCrlNumber { get; }

    /// <summary>True when this is a delta CRL.</summary>
    public bool IsDelta => BaseCrlNumber is not null;

    /// <summary>The revoked-certificate entries, in order.</summary>
    public IReadOnlyList<CrlEntry> Entries { get; }

    /// <summary>A copy of the DER encoding.</summary>
    public byte[] GetDer() => (byte[])_der.Clone();

    /// <summary>The PEM encoding ("X509 CRL").</summary>
    public string ToPem() => Pem.Encode("X509 CRL", _der);

    /// <summary>True when the CRL's signature verifies with <paramref name="issuerKey"/>.</summary>
    public bool IsSignedBy(PublicKey issuerKey)
    {
        ArgumentNullException.ThrowIfNull(issuerKey);
        return _signature.Check(issuerKey, _der, key =>
        {
            try
            {
                return Inner.IsSignatureValid(key.ToParameter());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return false;
            }
        });
    }

    /// <summary>The entry for <paramref name="serial"/>, or null when the certificate is not listed.</summary>
    public CrlEntry? Find(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        return Find(serial.ToBigInteger());
    }

    internal CrlEntry? Find(Org.BouncyCastle.Math.BigInteger serial) => _bySerial.GetValueOrDefault(serial);

    internal bool HasUnknownCriticalExtension
    {
        get
        {
            var critical = Inner.GetCriticalExtensionOids();
            return critical is not null && critical.Any(o =>
                o != X509Extensions.CrlNumber.Id && o != X509Extensions.DeltaCrlIndicator.Id && o != X509Extensions.AuthorityKeyIdentifier.Id
                && o != X509Extensions.IssuingDistributionPoint.Id);
        }
    }

    /// <summary>Parses a DER-encoded CRL.</summary>
    public static CertificateRevocationList FromDer(ReadOnlySpan<byte> der)
    {
        try
        {
            return new CertificateRevocationList(new X509Crl(CertificateList.GetInstance(der.ToArray())));
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"X.509 CRL: malformed DER ({e.Message}).", e);
        }
    }

    /// <summary>Parses the first "X509 CRL" block of a PEM text.</summary>
    public static CertificateRevocationList FromPem(string pem) => FromDer(Pem.Decode(pem, "X509 CRL"));

    // Negative serials exist in the wild (NIST PKITS 4.4.14); keep their two's-complement bytes so they still round-trip.
    private static SerialNumber SerialOf(Org.BouncyCastle.Math.BigInteger serial) =>
        new(serial.SignValue > 0 ? serial.ToByteArrayUnsigned() : serial.ToByteArray());

    /// <inheritdoc />
    public override string ToString() => $"CRL({Issuer}, number {CrlNumber?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}{(IsDelta ? ", delta" : "")}, {Entries.Count} entries)";
}

/// <summary>The certificates a CRL covers (RFC 5280 §5.2.5).</summary>
public enum CrlScope
{
    /// <summary>Every certificate of the issuer.</summary>
    All,
    /// <summary>End-entity certificates only.</summary>
    UserCertificates,
    /// <summary>CA certificates only.</summary>
    CaCertificates,
    /// <summary>Attribute certificates only (never used for public-key certificates).</summary>
    AttributeCertificates,
}

/// <summary>One revoked certificate in a CRL.</summary>
/// <param name="Serial">The revoked certificate's serial.</param>
/// <param name="RevocationDate">When the issuer revoked it.</param>
/// <param name="Reason">The reasonCode (Unspecified when absent).</param>
/// <param name="HasUnknownCriticalExtension">True when the entry carries a critical extension PlantTrust does not understand (RFC 5280 §5.3).</param>
public sealed record CrlEntry(SerialNumber Serial, DateTimeOffset RevocationDate, RevocationReason Reason, bool HasUnknownCriticalExtension);
