using Twin.Pki.Certificates;
using Twin.Pki.Cms;
using Twin.Pki.Keys;

namespace Twin.Pki.Brski;

/// <summary>A pledge's voucher request as the registrar judged it (RFC 8995 §5.3).</summary>
/// <param name="Accepted">True when signature, IDevID chain, serial number and proximity certificate all hold.</param>
/// <param name="Request">The parsed request, when it could be read.</param>
/// <param name="Idevid">The pledge's IDevID (the CMS signer), when found.</param>
/// <param name="Problem">Why it was refused, in words.</param>
public sealed record PledgeRequestCheck(bool Accepted, VoucherRequest? Request, Certificate? Idevid, string? Problem);

/// <summary>The registrar's side of the voucher exchange (RFC 8995 §5.3, §5.5): judge the pledge's request, then wrap it for the MASA.</summary>
public static class RegistrarVoucherRequests
{
    /// <summary>
    /// Reads a pledge's CMS-signed voucher request: the signer must be an IDevID that chains to <paramref name="manufacturerAnchors"/> at
    /// <paramref name="at"/>, the request's serial-number must be the IDevID's, and its proximity-registrar-cert must be this registrar's.
    /// </summary>
    public static PledgeRequestCheck ReadPledgeRequest(ReadOnlySpan<byte> cms, IEnumerable<Certificate> manufacturerAnchors, Certificate registrarCertificate, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(manufacturerAnchors);
        ArgumentNullException.ThrowIfNull(registrarCertificate);
        CmsVerification signed;
        try
        {
            signed = CmsVerifier.Verify(cms, null, BrskiIdentity.Validator(manufacturerAnchors), at);
        }
        catch (PkiFormatException e)
        {
            return new PledgeRequestCheck(false, null, null, $"Voucher request: {e.Message}");
        }
        VoucherRequest? request = null;
        string? parseProblem = null;
        try
        {
            if (signed.Content is not null) request = VoucherRequest.FromJson(signed.Content);
        }
        catch (PkiFormatException e)
        {
            parseProblem = $"Voucher request: {e.Message}";
        }
        if (!signed.SignatureValid) return new PledgeRequestCheck(false, request, signed.Signer, $"Voucher request: {signed.Problem}");
        if (!signed.IsValid) return new PledgeRequestCheck(false, request, signed.Signer, $"The signer is not an IDevID of a known manufacturer: {signed.Problem}");
        if (request is null) return new PledgeRequestCheck(false, null, signed.Signer, parseProblem ?? "Voucher request: no content.");
        var serial = BrskiIdentity.SerialNumberOf(signed.Signer!);
        if (serial != request.SerialNumber)
            return new PledgeRequestCheck(false, request, signed.Signer, $"serial-number '{request.SerialNumber}' is not the IDevID's serialNumber '{serial}'.");
        if (request.ProximityRegistrarCert is null || !request.ProximityRegistrarCert.AsSpan().SequenceEqual(registrarCertificate.GetDer()))
            return new PledgeRequestCheck(false, request, signed.Signer, "proximity-registrar-cert is missing or is not this registrar's TLS certificate (RFC 8995 §5.2).");
        return new PledgeRequestCheck(true, request, signed.Signer, null);
    }

    /// <summary>
    /// The registrar voucher request (RFC 8995 §5.5): the pledge's nonce and serial number, the IDevID's authority key identifier as
    /// idevid-issuer, and the pledge's signed request as prior-signed-voucher-request, signed with the registrar's key.
    /// </summary>
    public static byte[] Create(ReadOnlySpan<byte> pledgeCms, PledgeRequestCheck pledge, Certificate registrarCertificate, ISigningKey key, DateTimeOffset now, IEnumerable<Certificate>? chain = null, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(pledge);
        if (!pledge.Accepted || pledge.Request is null || pledge.Idevid is null)
            throw new PolicyViolationException("A registrar voucher request wraps only an accepted pledge request.");
        var request = new VoucherRequest(now, VoucherAssertion.Proximity, pledge.Request.SerialNumber, pledge.Request.Nonce)
        {
            IdevidIssuer = BrskiIdentity.AuthorityKeyIdOf(pledge.Idevid),
            PriorSignedVoucherRequest = pledgeCms.ToArray(),
        };
        return CmsSigner.SignEncapsulated(request.ToJson(), CmsContentType.JsonVoucher, registrarCertificate, key, now, chain, random);
    }
}
