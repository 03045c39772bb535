using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Encoding;

namespace Twin.OpcUa.Security;

/// <summary>
/// A trust-list validator (Part 4 §6.1.3, Part 12 §7.3): the certificate or one of its issuers must be in the trust list;
/// issuers come from the issuer list or the peer's chain; every CA on the path needs a CRL, and a listed serial is revoked.
/// Auto-accept is off unless switched on, and is re-read on every validation.
/// </summary>
public sealed class TrustListValidator : ICertificateValidator
{
    private readonly Lock _sync = new();
    private readonly List<X509Certificate2> _trusted = [];
    private readonly List<X509Certificate2> _issuers = [];
    private readonly List<RevocationList> _crls = [];

    public TrustListValidator(IRejectedCertificateStore? rejected = null) => RejectedStore = rejected ?? new RejectedCertificates();

    public IRejectedCertificateStore RejectedStore { get; }

    /// <summary>Accept untrusted certificates (still checked for time, URI and revocation). Off by default.</summary>
    public bool AutoAccept { get; set; }

    /// <summary>Require a CRL for each CA on the path (BadCertificateRevocationUnknown without one). On by default.</summary>
    public bool RequireRevocationLists { get; set; } = true;

    public void AddTrusted(byte[] der) { lock (_sync) _trusted.Add(X509CertificateLoader.LoadCertificate(der)); }

    public void AddIssuer(byte[] der) { lock (_sync) _issuers.Add(X509CertificateLoader.LoadCertificate(der)); }

    /// <summary>Adds a CRL; its signature is checked against its issuer when used.</summary>
    public void AddRevocationList(byte[] der) { lock (_sync) _crls.Add(RevocationList.Parse(der)); }

    public CertificateVerdict Validate(CertificateCheck check)
    {
        ArgumentNullException.ThrowIfNull(check);
        X509Certificate2 cert;
        try { cert = X509CertificateLoader.LoadCertificate(check.Certificate); }
        catch (CryptographicException e) { return new(StatusCodes.BadCertificateInvalid, "not a certificate: " + e.Message); }
        var verdict = ValidateLoaded(cert, check);
        if (!verdict.IsGood) RejectedStore.Add(cert, verdict.Status);
        return verdict;
    }

    private CertificateVerdict ValidateLoaded(X509Certificate2 cert, CertificateCheck check)
    {
        List<X509Certificate2> trusted, issuers;
        List<RevocationList> crls;
        lock (_sync)
        {
            trusted = [.. _trusted];
            issuers = [.. _issuers];
            crls = [.. _crls];
        }
        var candidates = issuers.Concat(trusted).Concat(check.Chain.Select(d => X509CertificateLoader.LoadCertificate(d))).ToList();
        var path = BuildPath(cert, candidates);
        if (path is null) return new(StatusCodes.BadCertificateChainIncomplete, $"no issuer found for {cert.Issuer}");

        var at = check.At.UtcDateTime;
        for (var i = 0; i < path.Count; i++)
        {
            var c = path[i];
            if (at < c.NotBefore.ToUniversalTime() || at > c.NotAfter.ToUniversalTime())
                return new(i == 0 ? StatusCodes.BadCertificateTimeInvalid : StatusCodes.BadCertificateIssuerTimeInvalid, $"{c.Subject} is not valid at {check.At:O}");
        }
        if (check.ExpectedApplicationUri is { } uri && !UrisOf(cert).Contains(uri, StringComparer.Ordinal))
            return new(StatusCodes.BadCertificateUriInvalid, $"the certificate does not name {uri}");

        for (var i = 0; i < path.Count - 1; i++)
        {
            var issuer = path[i + 1];
            var crl = crls.Where(l => l.IssuedBy(issuer) && l.ThisUpdate <= at).OrderByDescending(l => l.ThisUpdate).FirstOrDefault();
            if (crl is null)
            {
                if (RequireRevocationLists) return new(i == 0 ? StatusCodes.BadCertificateRevocationUnknown : StatusCodes.BadCertificateIssuerRevocationUnknown, $"no CRL from {issuer.Subject}");
                continue;
            }
            if (crl.NextUpdate is { } next && next < at)
                return new(i == 0 ? StatusCodes.BadCertificateRevocationUnknown : StatusCodes.BadCertificateIssuerRevocationUnknown, $"the CRL of {issuer.Subject} expired at {next:O}");
            if (crl.IsRevoked(path[i].SerialNumberBytes.Span))
                return new(i == 0 ? StatusCodes.BadCertificateRevoked : StatusCodes.BadCertificateIssuerRevoked, $"{path[i].Subject} is revoked");
        }
        var anchored = path.Any(p => trusted.Any(t => t.RawDataMemory.Span.SequenceEqual(p.RawDataMemory.Span)));
        if (!anchored && !AutoAccept) return new(StatusCodes.BadCertificateUntrusted, $"{cert.Subject} is not trusted");
        return CertificateVerdict.Good;
    }

    /// <summary>Follows issuer names and signatures to a self-signed certificate or a trusted one; null when an issuer is missing.</summary>
    private static List<X509Certificate2>? BuildPath(X509Certificate2 cert, List<X509Certificate2> candidates)
    {
        var path = new List<X509Certificate2> { cert };
        var current = cert;
        while (current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) is false)
        {
            var issuer = candidates.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData) && SignedBy(current, c));
            if (issuer is null) return candidates.Any(c => c.RawDataMemory.Span.SequenceEqual(current.RawDataMemory.Span)) ? path : null;
            if (path.Count > 8) return null;
            path.Add(issuer);
            current = issuer;
        }
        return path;
    }

    private static bool SignedBy(X509Certificate2 subject, X509Certificate2 issuer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(issuer);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid | X509VerificationFlags.AllowUnknownCertificateAuthority | X509VerificationFlags.IgnoreWrongUsage;
        chain.Build(subject);
        return chain.ChainElements.Count > 1 && chain.ChainElements[1].Certificate.RawDataMemory.Span.SequenceEqual(issuer.RawDataMemory.Span)
            && chain.ChainElements[0].ChainElementStatus.All(s => s.Status is X509ChainStatusFlags.NoError or X509ChainStatusFlags.NotTimeValid or X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation or X509ChainStatusFlags.NotValidForUsage);
    }

    /// <summary>The URIs in the subjectAltName extension.</summary>
    public static IReadOnlyList<string> UrisOf(X509Certificate2 cert)
    {
        ArgumentNullException.ThrowIfNull(cert);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null) return [];
        var reader = new System.Formats.Asn1.AsnReader(san.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        var uriTag = new System.Formats.Asn1.Asn1Tag(System.Formats.Asn1.TagClass.ContextSpecific, 6);
        while (reader.HasData)
        {
            if (reader.PeekTag() == uriTag) uris.Add(reader.ReadCharacterString(System.Formats.Asn1.UniversalTagNumber.IA5String, uriTag));
            else reader.ReadEncodedValue();
        }
        return uris;
    }
}
