using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Authority;

/// <summary>Revocation bookkeeping and CRL issuance (RFC 5280 §5).</summary>
public sealed partial class CertificateAuthority
{
    private readonly Dictionary<SerialNumber, RevocationRecord> _revoked = [];
    private readonly List<ReleasedHold> _released = [];

    // AfterCrl: the number of the last CRL issued before the change, so a delta CRL knows what its base already said.
    private sealed record RevocationRecord(DateTimeOffset At, RevocationReason Reason, long AfterCrl);

    private sealed record ReleasedHold(SerialNumber Serial, long HeldAfterCrl, long ReleasedAfterCrl);

    /// <summary>The number of the last CRL (full or delta) this CA issued; 0 before the first.</summary>
    public long LastCrlNumber { get; private set; }

    /// <summary>Restores the CRL counter (for example from a journal) so numbers keep increasing (RFC 5280 §5.2.3).</summary>
    public void RestoreCrlNumber(long lastIssued)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastIssued);
        if (lastIssued > LastCrlNumber) LastCrlNumber = lastIssued;
    }

    /// <summary>The current revocation reason of <paramref name="serial"/>, or null when it is not revoked or on hold.</summary>
    public RevocationReason? RevocationOf(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        return _revoked.TryGetValue(serial, out var r) ? r.Reason : null;
    }

    /// <summary>
    /// Revokes a certificate this CA issued. A certificate on hold may be revoked for good; a revoked one
    /// cannot be put on hold or revoked again.
    /// </summary>
    public void Revoke(SerialNumber serial, RevocationReason reason, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (reason == RevocationReason.RemoveFromCrl)
            throw new PolicyViolationException("Revocation reason removeFromCRL exists only in delta CRLs (RFC 5280 §5.3.1); use ReleaseHold.");
        if (!Enum.IsDefined(reason))
            throw new PolicyViolationException($"Revocation reason {(int)reason} is not defined in RFC 5280 §5.3.1.");
        if (!_issuedSerials.Contains(serial))
            throw new PolicyViolationException($"CA {Certificate.Subject}: serial {serial} was not issued by this CA.");
        if (_revoked.TryGetValue(serial, out var existing) && existing.Reason != RevocationReason.CertificateHold)
            throw new PolicyViolationException($"Serial {serial} is already revoked ({existing.Reason}).");
        if (existing is not null && reason == RevocationReason.CertificateHold)
            throw new PolicyViolationException($"Serial {serial} is already on hold.");
        _revoked[serial] = new RevocationRecord(at, reason, LastCrlNumber);
    }

    /// <summary>
    /// Drops the revocation entry of a certificate that expired at <paramref name="notAfter"/> from the CRLs issued from now on
    /// (RFC 5280 §5: an entry may be removed once the certificate's validity has ended and a CRL listed it after its expiry).
    /// Returns false when the serial was not on the list. Refuses while the certificate is still valid at <paramref name="now"/>.
    /// </summary>
    public bool PurgeExpiredRevocation(SerialNumber serial, DateTimeOffset notAfter, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (now <= notAfter)
            throw new PolicyViolationException($"Serial {serial} is valid until {notAfter:O}; its revocation entry must stay on the CRL until then.");
        return _revoked.Remove(serial);
    }

    /// <summary>Releases a certificate from hold: it leaves the next full CRL and a delta CRL lists it as removeFromCRL (RFC 5280 §5.3.1).</summary>
    public void ReleaseHold(SerialNumber serial)
    {
        ArgumentNullException.ThrowIfNull(serial);
        if (!_revoked.TryGetValue(serial, out var record) || record.Reason != RevocationReason.CertificateHold)
            throw new PolicyViolationException($"Serial {serial} is not on hold; only certificateHold can be released.");
        _revoked.Remove(serial);
        _released.Add(new ReleasedHold(serial, record.AfterCrl, LastCrlNumber));
    }

    /// <summary>
    /// Issues the next full CRL listing every revoked or held certificate; <paramref name="random"/> overrides the CA's randomness
    /// for its signature. A CA that also issues delta CRLs names where they are in <paramref name="freshestCrl"/> (the freshest CRL
    /// extension, RFC 5280 §5.2.6): relying parties such as openssl look for a delta only when the complete CRL or the certificate
    /// carries it.
    /// </summary>
    public CertificateRevocationList IssueCrl(DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, PkiRandom? random = null, Uri? freshestCrl = null)
    {
        CheckCrlWindow(thisUpdate, nextUpdate);
        if (freshestCrl is { IsAbsoluteUri: false })
            throw new ArgumentException($"CRL: the freshest CRL location '{freshestCrl}' is not an absolute URI (RFC 5280 §5.2.6).", nameof(freshestCrl));
        var entries = _revoked.Select(kv => (kv.Key, kv.Value.At, kv.Value.Reason));
        return SignCrl(thisUpdate, nextUpdate, entries, baseCrlNumber: null, random ?? _random, freshestCrl);
    }

    /// <summary>
    /// Issues a delta CRL against the full CRL numbered <paramref name="baseCrlNumber"/> (RFC 5280 §5.2.4):
    /// revocations since the base, and removeFromCRL for holds the base listed that have since been released.
    /// </summary>
    public CertificateRevocationList IssueDeltaCrl(long baseCrlNumber, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        CheckCrlWindow(thisUpdate, nextUpdate);
        if (baseCrlNumber < 1 || baseCrlNumber > LastCrlNumber)
            throw new PolicyViolationException($"Delta CRL: base CRL number {baseCrlNumber} has not been issued (last is {LastCrlNumber}).");
        // A record made after CRL k (AfterCrl = k) first appears in CRL k+1: the base already has it when AfterCrl < base.
        var changed = _revoked.Where(kv => kv.Value.AfterCrl >= baseCrlNumber).Select(kv => (kv.Key, kv.Value.At, kv.Value.Reason));
        var removed = _released
            .Where(r => r.HeldAfterCrl < baseCrlNumber && r.ReleasedAfterCrl >= baseCrlNumber && !_revoked.ContainsKey(r.Serial))
            .Select(r => (r.Serial, thisUpdate, RevocationReason.RemoveFromCrl));
        return SignCrl(thisUpdate, nextUpdate, changed.Concat(removed), baseCrlNumber, _random);
    }

    private static void CheckCrlWindow(DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        if (nextUpdate <= thisUpdate)
            throw new PolicyViolationException($"CRL: nextUpdate {nextUpdate:O} is not after thisUpdate {thisUpdate:O} (RFC 5280 §5.1.2.5).");
    }

    private CertificateRevocationList SignCrl(DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IEnumerable<(SerialNumber Serial, DateTimeOffset At, RevocationReason Reason)> entries, long? baseCrlNumber, PkiRandom random, Uri? freshestCrl = null)
    {
        var ku = Certificate.Inner.GetKeyUsage();
        if (ku is not null && !ku[6])
            throw new PolicyViolationException($"CA {Certificate.Subject}: keyUsage lacks cRLSign (RFC 5280 §4.2.1.3).");
        var generator = new X509V2CrlGenerator();
        generator.SetIssuerDN(Certificate.Inner.SubjectDN);
        generator.SetThisUpdate(TruncateToSeconds(thisUpdate).UtcDateTime);
        generator.SetNextUpdate(TruncateToSeconds(nextUpdate).UtcDateTime);
        foreach (var (serial, at, reason) in entries.OrderBy(e => e.Serial.Hex.Length).ThenBy(e => e.Serial.Hex, StringComparer.Ordinal))
        {
            // RFC 5280 §5.3.1: reasonCode unspecified SHOULD be absent.
            var extensions = new X509ExtensionsGenerator();
            if (reason != RevocationReason.Unspecified)
                extensions.AddExtension(X509Extensions.ReasonCode, false, new CrlReason((int)reason));
            generator.AddCrlEntry(serial.ToBigInteger(), TruncateToSeconds(at).UtcDateTime, extensions.Generate());
        }
        var number = LastCrlNumber + 1;
        generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, ProfileRules.KeyIdentifierOnly(Certificate.Inner));
        generator.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(Org.BouncyCastle.Math.BigInteger.ValueOf(number)));
        if (baseCrlNumber is long b)
            generator.AddExtension(X509Extensions.DeltaCrlIndicator, true, DerInteger.ValueOf(b));
        // RFC 5280 §5.2.6: the freshest CRL extension has the syntax of CRL distribution points and MUST be non-critical.
        if (freshestCrl is not null)
            generator.AddExtension(X509Extensions.FreshestCrl, false, new CrlDistPoint([
                new DistributionPoint(new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.UniformResourceIdentifier, freshestCrl.AbsoluteUri))), null, null)]));
        var crl = new CertificateRevocationList(generator.Generate(Signing.Factory(_key, random)));
        LastCrlNumber = number;
        return crl;
    }
}
