using Twin.Pki.Certificates;
using Twin.Pki.Cms;
using Twin.Pki.Keys;

namespace Twin.Pki.Brski;

/// <summary>The MASA's answer to a registrar voucher request: a signed voucher, or a refusal with its reason.</summary>
/// <param name="Issued">True when a voucher was signed.</param>
/// <param name="VoucherCms">The voucher as CMS SignedData (DER), content type id-ct-animaJSONVoucher.</param>
/// <param name="Voucher">The voucher's content.</param>
/// <param name="SerialNumber">The pledge's serial number, when it could be read.</param>
/// <param name="Problem">Why no voucher was issued, in words.</param>
public sealed record MasaDecision(bool Issued, byte[]? VoucherCms, Voucher? Voucher, string? SerialNumber, string? Problem)
{
    internal static MasaDecision Refuse(string problem, string? serial = null) => new(false, null, null, serial, problem);
}

/// <summary>
/// A manufacturer's authorized signing authority (RFC 8995 §5.5): checks a registrar voucher request — the registrar's signature,
/// the pledge's signature with an IDevID issued by this manufacturer, serial number, nonce and proximity — and signs an
/// RFC 8366 voucher pinning the registrar's certificate.
/// </summary>
public sealed class Masa
{
    private readonly List<Certificate> _manufacturerAnchors;
    private readonly Certificate _signer;
    private readonly ISigningKey _key;
    private readonly List<Certificate> _chain;

    /// <summary>
    /// A MASA for the IDevIDs that chain to <paramref name="manufacturerAnchors"/>, signing vouchers with <paramref name="signer"/>
    /// (its <paramref name="chain"/> travels in the CMS). Vouchers without a nonce expire after <paramref name="voucherLifetime"/>.
    /// </summary>
    public Masa(IEnumerable<Certificate> manufacturerAnchors, Certificate signer, ISigningKey key, IEnumerable<Certificate>? chain = null, TimeSpan? voucherLifetime = null)
    {
        ArgumentNullException.ThrowIfNull(manufacturerAnchors);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(key);
        if (!signer.PublicKey.Equals(key.PublicKey))
            throw new PolicyViolationException($"MASA signer {signer.Subject}: the key does not match the certificate.");
        _manufacturerAnchors = [.. manufacturerAnchors];
        if (_manufacturerAnchors.Count == 0) throw new ArgumentException("A MASA needs at least one manufacturer CA.", nameof(manufacturerAnchors));
        _signer = signer;
        _key = key;
        _chain = [.. chain ?? []];
        VoucherLifetime = voucherLifetime ?? TimeSpan.FromDays(14);
    }

    /// <summary>How long a nonceless voucher stays valid.</summary>
    public TimeSpan VoucherLifetime { get; }

    /// <summary>The MASA's signing certificate: what a pledge's trust anchor must certify.</summary>
    public Certificate Signer => _signer;

    /// <summary>Judges <paramref name="registrarRequestCms"/> at <paramref name="at"/> and, when every check holds, signs the voucher.</summary>
    public MasaDecision Process(ReadOnlySpan<byte> registrarRequestCms, DateTimeOffset at, PkiRandom? random = null)
    {
        // The registrar: its signature must hold; its identity is what the voucher pins (RFC 8995 §5.5.2: the MASA may accept any registrar).
        CmsVerification outer;
        try
        {
            outer = CmsVerifier.Verify(registrarRequestCms, null, BrskiIdentity.Validator([_signer]), at);
        }
        catch (PkiFormatException e)
        {
            return MasaDecision.Refuse($"Registrar voucher request: {e.Message}");
        }
        if (!outer.SignatureValid || outer.Signer is null)
            return MasaDecision.Refuse($"Registrar voucher request: {outer.Problem}");
        var registrar = outer.Signer;
        if (registrar.ValidityAt(at) != ValidityStatus.Valid)
            return MasaDecision.Refuse($"The registrar's certificate {registrar.Subject} is {registrar.ValidityAt(at)} at {at:O}.");
        VoucherRequest request;
        try
        {
            request = VoucherRequest.FromJson(outer.Content!);
        }
        catch (PkiFormatException e)
        {
            return MasaDecision.Refuse($"Registrar voucher request: {e.Message}");
        }
        if (request.PriorSignedVoucherRequest is null)
            return MasaDecision.Refuse("Registrar voucher request: prior-signed-voucher-request is missing (RFC 8995 §5.5).", request.SerialNumber);

        // The pledge (RFC 8995 §5.5.5): its request signed with an IDevID of this manufacturer, and consistent with the registrar's.
        var pledge = RegistrarVoucherRequests.ReadPledgeRequest(request.PriorSignedVoucherRequest, _manufacturerAnchors, registrar, at);
        if (!pledge.Accepted)
            return MasaDecision.Refuse($"Pledge voucher request: {pledge.Problem}", request.SerialNumber);
        if (pledge.Request!.SerialNumber != request.SerialNumber)
            return MasaDecision.Refuse($"serial-number: the registrar asks for '{request.SerialNumber}', the pledge is '{pledge.Request.SerialNumber}'.", request.SerialNumber);
        if (!Same(pledge.Request.Nonce, request.Nonce))
            return MasaDecision.Refuse("nonce: the registrar's request does not carry the pledge's nonce.", request.SerialNumber);
        var aki = BrskiIdentity.AuthorityKeyIdOf(pledge.Idevid!);
        if (request.IdevidIssuer is not null && !Same(request.IdevidIssuer, aki))
            return MasaDecision.Refuse("idevid-issuer: not the authority key identifier of the pledge's IDevID.", request.SerialNumber);

        var voucher = new Voucher(at, VoucherAssertion.Proximity, request.SerialNumber, registrar.GetDer(), request.Nonce,
            request.Nonce is null ? at + VoucherLifetime : null, aki);
        var cms = CmsSigner.SignEncapsulated(voucher.ToJson(), CmsContentType.JsonVoucher, _signer, _key, at, _chain, random);
        return new MasaDecision(true, cms, voucher, request.SerialNumber, null);
    }

    private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
