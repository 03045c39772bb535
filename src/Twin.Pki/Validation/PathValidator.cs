using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Pki.Validation;

/// <summary>
/// Certification path validation at a given instant (RFC 5280 §6): builds candidate paths from the
/// certificate through untrusted intermediates (cross-certificates and link certificates included) to
/// one of the trust anchors, checks each with CRLs, and returns the first valid one or, failing that,
/// the verdict of the most plausible candidate. Thread-safe: one instance may serve many validations.
/// </summary>
public sealed class PathValidator
{
    private const int MaxCandidatePaths = 32;
    private const int MaxCrlSignerDepth = 2;
    private readonly Dictionary<string, List<Certificate>> _anchors = [];

    /// <summary>Creates a validator for the given trust list (OPC UA: the trusted certificates that act as anchors).</summary>
    public PathValidator(IEnumerable<Certificate> trustAnchors, ValidationPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(trustAnchors);
        foreach (var anchor in trustAnchors)
        {
            ArgumentNullException.ThrowIfNull(anchor);
            Add(_anchors, anchor);
        }
        Policy = policy ?? ValidationPolicy.Default;
    }

    /// <summary>The policy applied to every validation.</summary>
    public ValidationPolicy Policy { get; }

    /// <summary>Validates <paramref name="certificate"/> at <paramref name="at"/>, using <paramref name="intermediates"/> to build the path and <paramref name="crls"/> for revocation.</summary>
    public ValidationResult Validate(Certificate certificate, DateTimeOffset at, IEnumerable<Certificate>? intermediates = null, IEnumerable<CertificateRevocationList>? crls = null) =>
        Validate(certificate, at, intermediates, crls, ocspResponses: null);

    /// <summary>
    /// As <see cref="Validate(Certificate, DateTimeOffset, IEnumerable{Certificate}?, IEnumerable{CertificateRevocationList}?)"/>, with
    /// OCSP responses (DER, RFC 6960) as well: a current, properly signed answer for a certificate settles its status; CRLs cover the rest.
    /// </summary>
    public ValidationResult Validate(Certificate certificate, DateTimeOffset at, IEnumerable<Certificate>? intermediates, IEnumerable<CertificateRevocationList>? crls, IEnumerable<byte[]>? ocspResponses)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var context = new Context(at, Index(intermediates ?? []), IndexCrls(crls ?? [])) { Ocsp = [.. ocspResponses ?? []] };
        return Validate(certificate, context, crlSignerDepth: 0);
    }

    /// <summary>
    /// As <see cref="Validate(Certificate, DateTimeOffset, IEnumerable{Certificate}?, IEnumerable{CertificateRevocationList}?)"/>,
    /// asking <paramref name="revocation"/> first for each certificate's status (OCSP); where it declines, the CRLs decide.
    /// </summary>
    public ValidationResult Validate(Certificate certificate, DateTimeOffset at, IEnumerable<Certificate>? intermediates, IEnumerable<CertificateRevocationList>? crls, IRevocationSource? revocation)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var context = new Context(at, Index(intermediates ?? []), IndexCrls(crls ?? [])) { Source = revocation };
        return Validate(certificate, context, crlSignerDepth: 0);
    }

    private ValidationResult Validate(Certificate certificate, Context context, int crlSignerDepth)
    {
        var candidates = new List<(List<Certificate> Chain, Certificate Anchor)>();
        if (IsAnchor(certificate))
            candidates.Add(([], certificate));
        else
            Extend([certificate], context, candidates);
        if (candidates.Count == 0)
            return NoPath(certificate, context);
        ValidationResult? first = null;
        foreach (var (chain, anchor) in candidates)
        {
            var result = new PathCheck(this, context, chain, anchor, crlSignerDepth).Run();
            if (result.IsValid) return result;
            first ??= result;
        }
        return first!;
    }

    private bool IsAnchor(Certificate c) =>
        _anchors.TryGetValue(NameKey.Of(c.Inner.SubjectDN), out var list) && list.Contains(c);

    // Depth-first from the end entity towards the anchors; candidates whose key identifiers match come first.
    private void Extend(List<Certificate> chain, Context context, List<(List<Certificate>, Certificate)> found)
    {
        if (found.Count >= MaxCandidatePaths) return;
        var top = chain[^1];
        var issuerKey = NameKey.Of(top.Inner.IssuerDN);
        if (_anchors.TryGetValue(issuerKey, out var anchors))
            foreach (var anchor in Ordered(anchors, top))
                if (!chain.Contains(anchor))
                    found.Add(([.. chain], anchor));
        if (chain.Count > Policy.MaxPathLength || !context.Pool.TryGetValue(issuerKey, out var issuers)) return;
        foreach (var issuer in Ordered(issuers, top))
        {
            if (chain.Contains(issuer) || IsAnchor(issuer)) continue;
            chain.Add(issuer);
            Extend(chain, context, found);
            chain.RemoveAt(chain.Count - 1);
        }
    }

    // A candidate whose subjectKeyIdentifier contradicts the child's authorityKeyIdentifier is not its issuer
    // (RFC 5280 §4.2.1.1); OpenSSL draws the same line, so a look-alike CA never yields a signature error.
    private static IEnumerable<Certificate> Ordered(List<Certificate> issuers, Certificate child)
    {
        var aki = KeyIdentifiers.Authority(child.Inner);
        if (aki is null) return issuers;
        return issuers.Where(i => KeyIdentifiers.Subject(i.Inner) is not { } ski || ski.AsSpan().SequenceEqual(aki));
    }

    private static ValidationResult NoPath(Certificate certificate, Context context)
    {
        var errors = new List<ValidationReason> { ValidationReason.IssuerNotFound };
        var validity = certificate.ValidityAt(context.At);
        if (validity == ValidityStatus.Expired) errors.Add(ValidationReason.Expired);
        if (validity == ValidityStatus.NotYetValid) errors.Add(ValidationReason.NotYetValid);
        var verdict = new CertificateVerdict(certificate, errors, [], RevocationState.NotChecked, null, IsTrustAnchor: false);
        return new ValidationResult(ValidationStatus.Invalid, [verdict]);
    }

    /// <summary>Finds a valid certificate, other than the certificate issuer, that may sign CRLs under the CRL's issuer name (RFC 5280 §6.3.3 (f)).</summary>
    internal Certificate? FindCrlSigner(CertificateRevocationList crl, Certificate exclude, Context context, int depth)
    {
        if (!context.Pool.TryGetValue(NameKey.Of(crl.Inner.IssuerDN), out var candidates)) return null;
        foreach (var candidate in candidates)
        {
            if (candidate.Equals(exclude)) continue;
            var ku = candidate.Inner.GetKeyUsage();
            if (ku is null || !ku[6] || !crl.IsSignedBy(candidate.PublicKey)) continue;
            // A CRL signer whose own certificate is covered by the CRL it signs (NIST PKITS 4.14.30): it is being
            // validated further up; judging it again here would go round in circles.
            if (context.SignersInProgress.Contains(candidate)) return candidate;
            if (depth >= MaxCrlSignerDepth) continue;
            context.SignersInProgress.Add(candidate);
            try
            {
                if (Validate(candidate, context, depth + 1).IsValid) return candidate;
            }
            finally
            {
                context.SignersInProgress.Remove(candidate);
            }
        }
        return null;
    }

    private static Dictionary<string, List<Certificate>> Index(IEnumerable<Certificate> certificates)
    {
        var index = new Dictionary<string, List<Certificate>>();
        foreach (var c in certificates)
        {
            ArgumentNullException.ThrowIfNull(c);
            Add(index, c);
        }
        return index;
    }

    private static void Add(Dictionary<string, List<Certificate>> index, Certificate c)
    {
        var key = NameKey.Of(c.Inner.SubjectDN);
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        if (!list.Contains(c)) list.Add(c);
    }

    private static Dictionary<string, List<CertificateRevocationList>> IndexCrls(IEnumerable<CertificateRevocationList> crls)
    {
        var index = new Dictionary<string, List<CertificateRevocationList>>();
        foreach (var crl in crls)
        {
            ArgumentNullException.ThrowIfNull(crl);
            var key = NameKey.Of(crl.Inner.IssuerDN);
            if (!index.TryGetValue(key, out var list)) index[key] = list = [];
            list.Add(crl);
        }
        return index;
    }

    internal sealed record Context(DateTimeOffset At, Dictionary<string, List<Certificate>> Pool, Dictionary<string, List<CertificateRevocationList>> Crls)
    {
        public IReadOnlyList<byte[]> Ocsp { get; init; } = [];

        public IRevocationSource? Source { get; init; }

        public HashSet<Certificate> SignersInProgress { get; } = [];
    }
}
