using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;
using Twin.Pki;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;
using PkiVerdict = Twin.Pki.Validation.CertificateVerdict;

namespace Twin.OpcUa.Security;

/// <summary>
/// Application and user certificate validation per Part 4 §6.1.3 on Twin.Pki's RFC 5280 path
/// validator, at the instant the check names (simulated time in the twin). The trust list holds
/// trust anchors (CAs, or application certificates trusted one by one), the issuer list holds CAs
/// that may complete a path without being trusted, and CRLs are required for every CA on the path
/// unless switched off. Each failure maps to the status code Part 4 Table 106 gives for it; rejected
/// certificates go to the rejected list. Lists and switches are re-read on every validation.
/// </summary>
public sealed class PkiCertificateValidator : ICertificateValidator, IRejectingValidator, ITrustListStore
{
    private readonly Lock _sync = new();
    private readonly List<Certificate> _trusted = [];
    private readonly List<Certificate> _issuers = [];
    private readonly List<CertificateRevocationList> _crls = [];

    // Parsing is the costly step of a check (BouncyCastle validates an RSA modulus when it reads the key: ~14 ms on the
    // bench machine, against microseconds for the path itself); the same DER always parses to the same certificate, so
    // peers met again are not parsed again. The verdict is still computed on every check.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Certificate> _parsed = new(StringComparer.Ordinal);
    private const int MaxParsed = 4096;

    /// <summary>Creates an empty validator: nothing is trusted until added.</summary>
    public PkiCertificateValidator(IRejectedCertificateStore? rejected = null) => RejectedStore = rejected ?? new RejectedCertificates();

    /// <summary>Where rejected certificates are kept.</summary>
    public IRejectedCertificateStore RejectedStore { get; }

    /// <summary>Accept certificates whose only fault is that nothing trusted vouches for them. Off by default.</summary>
    public bool AutoAccept { get; set; }

    /// <summary>Require a current CRL from every CA on the path (BadCertificateRevocationUnknown otherwise). On by default.</summary>
    public bool RequireRevocationLists { get; set; } = true;

    /// <summary>Asked first for each certificate's revocation status (OCSP); where it declines, or when null, the CRLs decide.</summary>
    public IRevocationSource? RevocationSource { get; set; }

    /// <summary>Trusts a CA or an application certificate (DER).</summary>
    public void AddTrusted(byte[] der) => Add(_trusted, der);

    /// <summary>Adds a CA that may complete a path without being trusted itself (DER).</summary>
    public void AddIssuer(byte[] der) => Add(_issuers, der);

    /// <summary>Adds a CRL (DER); its signature is checked when it is used.</summary>
    public void AddRevocationList(byte[] der)
    {
        var crl = CertificateRevocationList.FromDer(der);
        lock (_sync) _crls.Add(crl);
    }

    /// <summary>Replaces the trust list, issuer list and CRLs at once (a pushed or pulled trust list).</summary>
    public void Replace(IEnumerable<byte[]> trusted, IEnumerable<byte[]> issuers, IEnumerable<byte[]> crls)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentNullException.ThrowIfNull(issuers);
        ArgumentNullException.ThrowIfNull(crls);
        var t = trusted.Select(d => Certificate.FromDer(d)).ToList();
        var i = issuers.Select(d => Certificate.FromDer(d)).ToList();
        var c = crls.Select(d => CertificateRevocationList.FromDer(d)).ToList();
        lock (_sync)
        {
            _trusted.Clear();
            _trusted.AddRange(t);
            _issuers.Clear();
            _issuers.AddRange(i);
            _crls.Clear();
            _crls.AddRange(c);
        }
    }

    /// <summary>The trust list, issuer list and CRLs as DER, as they stand (what a TrustList file reads).</summary>
    public (IReadOnlyList<byte[]> Trusted, IReadOnlyList<byte[]> Issuers, IReadOnlyList<byte[]> Crls) Snapshot()
    {
        lock (_sync) return ([.. _trusted.Select(c => c.GetDer())], [.. _issuers.Select(c => c.GetDer())], [.. _crls.Select(c => c.GetDer())]);
    }

    /// <inheritdoc />
    public CertificateVerdict Validate(CertificateCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        Certificate certificate;
        try
        {
            certificate = Parse(check.Certificate);
        }
        catch (PkiException e)
        {
            return new CertificateVerdict(StatusCodes.BadCertificateInvalid, e.Message);
        }
        var verdict = Judge(certificate, check);
        if (!verdict.IsGood) RejectedStore.Add(X509CertificateLoader.LoadCertificate(check.Certificate), verdict.Status);
        return verdict;
    }

    private CertificateVerdict Judge(Certificate certificate, CertificateCheck check)
    {
        List<Certificate> trusted, issuers;
        List<CertificateRevocationList> crls;
        lock (_sync)
        {
            (trusted, issuers, crls) = ([.. _trusted], [.. _issuers], [.. _crls]);
        }
        var chain = check.Chain.Select(Parse).ToList();
        var policy = new ValidationPolicy { Revocation = RequireRevocationLists ? RevocationMode.Required : RevocationMode.Optional };
        var source = RevocationSource;
        var result = new PathValidator(trusted, policy).Validate(certificate, check.At, issuers.Concat(chain), crls, source);

        if (result.Path.Any(v => v.Errors.Contains(ValidationReason.IssuerNotFound)))
        {
            // Nothing trusted vouches for it. Part 4 tells "untrusted" (a complete chain to an
            // untrusted root, or an untrusted self-signed certificate) from "chain incomplete".
            var complete = CompletesToSelfSigned(certificate, issuers.Concat(chain).ToList());
            if (!complete) return new(StatusCodes.BadCertificateChainIncomplete, $"no issuer found for {certificate.Issuer}");
            if (!AutoAccept) return new(StatusCodes.BadCertificateUntrusted, $"{certificate.Subject} is not trusted");
            // Auto-accept trusts the top of the chain for this check only; every other rule still applies.
            var top = Top(certificate, issuers.Concat(chain).ToList());
            result = new PathValidator([.. trusted, top], policy).Validate(certificate, check.At, issuers.Concat(chain), crls, source);
        }
        if (MapFirstError(result) is { } failure) return failure;
        if (check.ExpectedApplicationUri is { } uri)
        {
            using var x509 = X509CertificateLoader.LoadCertificate(check.Certificate);
            if (!CertificateNames.UrisOf(x509).Contains(uri, StringComparer.Ordinal)) return new(StatusCodes.BadCertificateUriInvalid, $"the certificate does not name {uri}");
        }
        return CertificateVerdict.Good;
    }

    // Part 4 §6.1.3, Table 106: the order of the checks decides which fault a peer hears of first.
    private static CertificateVerdict? MapFirstError(ValidationResult result)
    {
        for (var i = 0; i < result.Path.Count; i++)
        {
            var v = result.Path[i];
            var leaf = i == 0;
            foreach (var reason in v.Errors)
            {
                var status = reason switch
                {
                    ValidationReason.SignatureInvalid => StatusCodes.BadSecurityChecksFailed,
                    ValidationReason.Expired or ValidationReason.NotYetValid => leaf ? StatusCodes.BadCertificateTimeInvalid : StatusCodes.BadCertificateIssuerTimeInvalid,
                    ValidationReason.Revoked => leaf ? StatusCodes.BadCertificateRevoked : StatusCodes.BadCertificateIssuerRevoked,
                    ValidationReason.CrlMissing or ValidationReason.CrlExpired or ValidationReason.CrlNotYetValid or ValidationReason.CrlSignatureInvalid
                        or ValidationReason.CrlSignerNotAuthorized or ValidationReason.CrlUnsupported
                        or ValidationReason.OcspUnavailable or ValidationReason.OcspResponseInvalid or ValidationReason.OcspStatusUnknown =>
                        leaf ? StatusCodes.BadCertificateRevocationUnknown : StatusCodes.BadCertificateIssuerRevocationUnknown,
                    ValidationReason.KeyUsageNotAllowed or ValidationReason.PurposeNotAllowed => StatusCodes.BadCertificateUseNotAllowed,
                    ValidationReason.KeyCertSignNotAllowed or ValidationReason.NotACa => StatusCodes.BadCertificateIssuerUseNotAllowed,
                    ValidationReason.PolicyNotAcceptable or ValidationReason.PolicyMappingInvalid => StatusCodes.BadCertificatePolicyCheckFailed,
                    ValidationReason.IssuerNotFound => StatusCodes.BadCertificateChainIncomplete,
                    _ => StatusCodes.BadCertificateInvalid,
                };
                return new CertificateVerdict(status, $"{v.Certificate.Subject}: {reason}{RevocationText(v)}");
            }
        }
        return null;
    }

    private static string RevocationText(PkiVerdict v) => v.RevocationReason is { } r ? $" ({r})" : "";

    private static bool CompletesToSelfSigned(Certificate certificate, List<Certificate> candidates) => Top(certificate, candidates).IsSelfSigned;

    private static Certificate Top(Certificate certificate, List<Certificate> candidates)
    {
        var current = certificate;
        for (var depth = 0; depth < 10 && !current.IsSelfSigned; depth++)
        {
            var issuer = candidates.FirstOrDefault(c => c.Subject == current.Issuer && current.IsSignedBy(c.PublicKey));
            if (issuer is null) break;
            current = issuer;
        }
        return current;
    }

    private Certificate Parse(byte[] der)
    {
        var key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(der));
        if (_parsed.TryGetValue(key, out var known)) return known;
        var parsed = Certificate.FromDer(der);
        if (_parsed.Count >= MaxParsed) _parsed.Clear();
        _parsed[key] = parsed;
        return parsed;
    }

    private void Add(List<Certificate> list, byte[] der)
    {
        var certificate = Certificate.FromDer(der);
        lock (_sync) list.Add(certificate);
    }
}
