using Twin.Pki.Certificates;
using Twin.Pki.Cms;
using Twin.Pki.Keys;

namespace Twin.Pki.Brski;

/// <summary>The outcome of a pledge checking the voucher it received (RFC 8995 §5.6.1).</summary>
/// <param name="Accepted">True when the pledge may trust the pinned domain certificate.</param>
/// <param name="Voucher">The voucher, when it could be read.</param>
/// <param name="Problem">Why it was not accepted, in words.</param>
public sealed record VoucherCheck(bool Accepted, Voucher? Voucher, string? Problem);

/// <summary>The pledge's side of BRSKI (RFC 8995): a signed voucher request, then the check of the voucher.</summary>
public static class Pledge
{
    /// <summary>
    /// The pledge voucher request (RFC 8995 §3.4, §5.2): JSON with created-on, assertion proximity, the serial number of the
    /// IDevID, a nonce and the registrar certificate seen in the provisional TLS session, signed as CMS with the IDevID key.
    /// </summary>
    public static byte[] CreateVoucherRequest(Certificate idevid, ISigningKey key, Certificate registrarTlsCertificate, byte[] nonce, DateTimeOffset now, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(idevid);
        ArgumentNullException.ThrowIfNull(registrarTlsCertificate);
        ArgumentNullException.ThrowIfNull(nonce);
        var serial = BrskiIdentity.SerialNumberOf(idevid)
            ?? throw new PolicyViolationException($"IDevID {idevid.Subject}: no serialNumber in the subject (IEEE 802.1AR §8.6); a pledge cannot name itself.");
        var request = new VoucherRequest(now, VoucherAssertion.Proximity, serial, nonce) { ProximityRegistrarCert = registrarTlsCertificate.GetDer() };
        return CmsSigner.SignEncapsulated(request.ToJson(), CmsContentType.JsonVoucher, idevid, key, now, random: random);
    }

    /// <summary>
    /// Checks a voucher (RFC 8995 §5.6.1): signed by a MASA that chains to <paramref name="masaAnchors"/> at <paramref name="at"/>, for this
    /// pledge's serial number, with this pledge's nonce (or not yet expired), and pinning the registrar the pledge is talking to
    /// (the registrar's TLS certificate is the pinned certificate or was issued by it).
    /// </summary>
    public static VoucherCheck VerifyVoucher(ReadOnlySpan<byte> voucherCms, IEnumerable<Certificate> masaAnchors, Certificate idevid, byte[]? nonce, Certificate registrarTlsCertificate, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(masaAnchors);
        ArgumentNullException.ThrowIfNull(idevid);
        ArgumentNullException.ThrowIfNull(registrarTlsCertificate);
        CmsVerification signed;
        try
        {
            signed = CmsVerifier.Verify(voucherCms, null, BrskiIdentity.Validator(masaAnchors), at);
        }
        catch (PkiFormatException e)
        {
            return new VoucherCheck(false, null, e.Message);
        }
        if (!signed.IsValid) return new VoucherCheck(false, null, $"Voucher signature: {signed.Problem}");
        if (signed.ContentType != CmsContentType.JsonVoucher) return new VoucherCheck(false, null, "The CMS content type is not id-ct-animaJSONVoucher (RFC 8366 §8.3).");
        Voucher voucher;
        try
        {
            voucher = Voucher.FromJson(signed.Content!);
        }
        catch (PkiFormatException e)
        {
            return new VoucherCheck(false, null, $"Voucher: {e.Message}");
        }
        var own = BrskiIdentity.SerialNumberOf(idevid);
        if (voucher.SerialNumber != own)
            return new VoucherCheck(false, voucher, $"The voucher is for serial-number '{voucher.SerialNumber}', this pledge is '{own}'.");
        if (nonce is not null && (voucher.Nonce is null || !voucher.Nonce.AsSpan().SequenceEqual(nonce)))
            return new VoucherCheck(false, voucher, "The voucher's nonce is not the one this pledge sent (RFC 8995 §5.6.1).");
        if (voucher.Nonce is null && voucher.ExpiresOn < at)
            return new VoucherCheck(false, voucher, $"The voucher expired at {voucher.ExpiresOn:O}.");
        Certificate pinned;
        try
        {
            pinned = Certificate.FromDer(voucher.PinnedDomainCert);
        }
        catch (PkiFormatException e)
        {
            return new VoucherCheck(false, voucher, $"pinned-domain-cert: {e.Message}");
        }
        if (!registrarTlsCertificate.Equals(pinned) && !registrarTlsCertificate.IsSignedBy(pinned.PublicKey))
            return new VoucherCheck(false, voucher, $"pinned-domain-cert ({pinned.Subject}) neither is nor issued the registrar's TLS certificate ({registrarTlsCertificate.Subject}).");
        return new VoucherCheck(true, voucher, null);
    }
}
