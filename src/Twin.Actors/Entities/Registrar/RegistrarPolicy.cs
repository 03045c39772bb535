using Twin.Actors.Clock;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Revocation;
using Twin.Pki.Validation;

namespace Twin.Actors.Entities.Registrar;

/// <summary>Why a request is refused: the PKIFailureInfo bit and a reason for the requester and the audit trail.</summary>
public sealed record Refusal(CmpFailure Failure, string Reason);

/// <summary>How a requester proved who it is.</summary>
public enum CredentialKind
{
    /// <summary>A one-time shared secret (MAC protection).</summary>
    Secret,
    /// <summary>A certificate of the domain (signature protection).</summary>
    DomainCertificate,
    /// <summary>An IDevID on the domain's allow-list (signature protection).</summary>
    IDevId,
}

/// <summary>An authenticated requester: who, how, and what the reply must be protected with.</summary>
public sealed record Credential(CredentialKind Kind, string Who, string? Reference, byte[]? Secret, Certificate? Certificate)
{
    /// <summary>
    /// The key the request's MAC verified with (one-time secrets only): the transaction's answers are protected with it, under the
    /// request's own PBMParameter, with no second derivation (RFC 4210 §5.1.3.1). Lives as long as the transaction, never journaled.
    /// </summary>
    public CmpMacKey? MacKey { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"Credential({Kind}, {Who}, secret withheld)";
}

/// <summary>The trust a registrar judges signed requests with, at one simulated instant.</summary>
/// <param name="Anchors">The domain's root(s).</param>
/// <param name="Intermediates">The domain's CA chain below the roots.</param>
/// <param name="Crls">The CRLs the plant's distribution point holds now.</param>
public sealed record DomainTrust(IReadOnlyList<Certificate> Anchors, IReadOnlyList<Certificate> Intermediates, IReadOnlyList<CertificateRevocationList> Crls)
{
    /// <summary>Whether a current CRL is required for every certificate of the path (the safe default) or merely used when present.</summary>
    public RevocationMode Revocation { get; init; } = RevocationMode.Required;
}

/// <summary>
/// A signer judged ahead of the registrar (at the CMP endpoint, <see cref="CmpGate"/>), with what it was judged against: the
/// settings and trust objects, the distribution point's version the trust was built from, the simulated instant, and the first
/// instant from which a certificate or CRL it read may start or end its validity. The registrar takes it over only when all of
/// them are still its own; otherwise it judges again.
/// </summary>
public sealed record SignerVerdict(Credential? Credential, Refusal? Refusal, RegistrarSettings Settings, DomainTrust Trust, long TrustVersion, SimInstant JudgedAt, SimInstant HoldsUntil)
{
    /// <summary>
    /// Whether the verdict is the one judging again would give: the same settings and trust (the same objects, built from the same
    /// <paramref name="trustVersion"/>), and <paramref name="now"/> no earlier than the judgement and before any validity boundary
    /// of what it read — path validation reads the instant only through such boundaries (RFC 5280 §6.1.3 (a)(2), §6.3.3).
    /// </summary>
    public bool HoldsFor(RegistrarSettings settings, DomainTrust trust, long trustVersion, SimInstant now) =>
        ReferenceEquals(settings, Settings) && ReferenceEquals(trust, Trust) && trustVersion == TrustVersion && now >= JudgedAt && now < HoldsUntil;

    /// <summary>
    /// The first instant at or after <paramref name="judgedAt"/> at which a certificate or CRL the judgement of <paramref name="message"/>'s
    /// signer read starts or ends its validity: its signer and extraCerts, the trust's anchors, intermediates and CRLs, the allow-list's
    /// manufacturer CAs. <see cref="DateTimeOffset.MaxValue"/> when none does.
    /// </summary>
    public static SimInstant Horizon(CmpMessage message, RegistrarSettings settings, DomainTrust trust, SimInstant judgedAt)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(trust);
        var at = judgedAt.Utc;
        var first = DateTimeOffset.MaxValue;
        void Boundary(DateTimeOffset b)
        {
            if (b >= at && b < first) first = b;
        }
        void Certificates(IEnumerable<Certificate> certificates)
        {
            foreach (var c in certificates)
            {
                Boundary(c.NotBefore);
                Boundary(c.NotAfter);
            }
        }
        Certificates(message.ExtraCerts);
        Certificates(trust.Anchors);
        Certificates(trust.Intermediates);
        Certificates(settings.AllowList.Select(e => e.Anchor));
        foreach (var crl in trust.Crls)
        {
            Boundary(crl.ThisUpdate);
            if (crl.NextUpdate is { } next) Boundary(next);
        }
        return new SimInstant(first);
    }
}

/// <summary>
/// The registrar's checks, pure: header rules (RFC 9483 §3.1, §3.5), authentication of the
/// requester, and the domain's template. The actor only persists, asks the CA and replies.
/// </summary>
public static class RegistrarPolicy
{
    /// <summary>Checks pvno, transactionID, nonces and recipient; <paramref name="initial"/> for the first message of a transaction.</summary>
    public static Refusal? CheckHeader(RegistrarState state, CmpMessage message, IReadOnlyCollection<string> recipients, bool initial)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(message);
        var h = message.Header;
        if (h.Pvno is not (2 or 3)) return new(CmpFailure.UnsupportedVersion, $"pvno {h.Pvno} is not supported (2 or 3, RFC 9483 §3.1).");
        if (h.TransactionId is not { Length: >= 16 }) return new(CmpFailure.BadRequest, "transactionID is missing or shorter than 128 bits (RFC 9483 §3.1).");
        if (h.SenderNonce is not { Length: >= 16 }) return new(CmpFailure.BadSenderNonce, "senderNonce is missing or shorter than 128 bits (RFC 9483 §3.1).");
        if (initial && state.Transactions.Contains(h.TransactionHex)) return new(CmpFailure.TransactionIdInUse, $"transactionID {h.TransactionHex} was used before.");
        if (h.Recipient is { Length: > 0 } r && !recipients.Contains(r, StringComparer.OrdinalIgnoreCase))
            return new(CmpFailure.WrongAuthority, $"recipient '{r}' is not this registrar or its CA.");
        return null;
    }

    /// <summary>
    /// Authenticates the requester: a MAC with an open one-time secret, or a signature by a domain certificate
    /// valid and unrevoked at <paramref name="now"/>, or by an allow-listed IDevID.
    /// </summary>
    public static (Credential? Credential, Refusal? Refusal) Authenticate(RegistrarState state, RegistrarSettings settings, CmpMessage message, SimInstant now,
        Func<string, byte[]> secretOf, DomainTrust trust) => Authenticate(state, settings, message, now, secretOf, trust, null, 0);

    /// <summary>
    /// As <see cref="Authenticate(RegistrarState, RegistrarSettings, CmpMessage, SimInstant, Func{string, byte[]}, DomainTrust)"/>; a
    /// signed message's signer judged ahead (<paramref name="ahead"/>) is taken over when it holds for these settings, this trust
    /// (built from <paramref name="trustVersion"/>) and <paramref name="now"/>, and judged again otherwise. A MAC judged ahead
    /// (<paramref name="mac"/>) is taken over only after the reference passed every check here (open in <paramref name="state"/>, not
    /// expired) and only when <paramref name="open"/> still holds it as the very object it was judged with; otherwise it is derived anew.
    /// </summary>
    public static (Credential? Credential, Refusal? Refusal) Authenticate(RegistrarState state, RegistrarSettings settings, CmpMessage message, SimInstant now,
        Func<string, byte[]> secretOf, DomainTrust trust, SignerVerdict? ahead, long trustVersion, MacVerdict? mac = null, OpenReferences? open = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(secretOf);
        ArgumentNullException.ThrowIfNull(trust);
        switch (message.Protection)
        {
            case CmpProtectionKind.None:
                return (null, new(CmpFailure.BadMessageCheck, "the request is not protected (RFC 9483 §3.2: MAC or signature required)."));
            case CmpProtectionKind.Mac:
            {
                var reference = message.Header.SenderKid is { } kid ? System.Text.Encoding.UTF8.GetString(kid) : "";
                if (!state.OpenSecrets.TryGetValue(reference, out var issued))
                    return (null, new(CmpFailure.SignerNotTrusted, $"reference '{reference}' is unknown or already used."));
                if (now.Utc > issued.Utc + settings.SecretValidity)
                    return (null, new(CmpFailure.SignerNotTrusted, $"reference '{reference}' expired (issued {issued}, valid {settings.SecretValidity})."));
                byte[] secret;
                CmpMacKey? key;
                if (mac is not null && mac.Open.Reference == reference && open is not null && mac.HoldsFor(open.Find(reference)))
                {
                    secret = mac.Open.Secret;
                    key = mac.Key;
                }
                else
                {
                    secret = secretOf(reference);
                    key = message.VerifyMacKeeping(secret);
                }
                return key is not null
                    ? (new Credential(CredentialKind.Secret, $"otp:{reference}", reference, secret, null) { MacKey = key }, null)
                    : (null, new(CmpFailure.BadMessageCheck, $"the MAC does not verify with the secret of reference '{reference}'."));
            }
            default:
                return ahead is not null && ahead.HoldsFor(settings, trust, trustVersion, now)
                    ? (ahead.Credential, ahead.Refusal)
                    : AuthenticateSignature(settings, message, now, trust);
        }
    }

    /// <summary>
    /// Makes ahead, on any thread, the expensive checks a signed request will meet — its signature, its signer's path, the proof of
    /// possession of its certificate requests — so that the registrar, judging it afterwards, finds the answers remembered by the
    /// message and its certificates. Decides nothing: the verdict is the registrar's, on its own thread. Returns the signer's judgement
    /// at <paramref name="now"/> (null when the message is not signed), which the registrar may take over (<see cref="SignerVerdict"/>).
    /// </summary>
    public static (Credential? Credential, Refusal? Refusal)? CheckAhead(RegistrarSettings settings, CmpMessage message, SimInstant now, DomainTrust trust)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(trust);
        try
        {
            if (message.BodyType is CmpBodyType.Ir or CmpBodyType.Cr or CmpBodyType.Kur) _ = message.CertRequests();
            else if (message.BodyType == CmpBodyType.P10cr) _ = message.P10Request().IsSignatureValid;
        }
        catch (Twin.Pki.PkiException)
        {
            // The registrar meets the same error again and refuses with it.
        }
        return message.Protection == CmpProtectionKind.Signature ? AuthenticateSignature(settings, message, now, trust) : null;
    }

    private static (Credential?, Refusal?) AuthenticateSignature(RegistrarSettings settings, CmpMessage message, SimInstant now, DomainTrust trust)
    {
        if (message.ProtectionCertificate is not { } signer)
            return (null, new(CmpFailure.SignerNotTrusted, "signature protection without a protection certificate in extraCerts (RFC 9483 §3.3)."));
        if (!message.VerifySignature(signer.PublicKey))
            return (null, new(CmpFailure.BadMessageCheck, $"the signature does not verify with the key of {signer.Subject}."));
        return AuthenticateCertificate(settings, signer, message.ExtraCerts.Skip(1).ToList(), now, trust, "protection certificate");
    }

    /// <summary>
    /// Judges a certificate that proved its key (a CMP signer, an EST TLS client) at <paramref name="now"/>: valid and unrevoked in
    /// the domain, or an IDevID the allow-list admits. <paramref name="role"/> names it in the refusal.
    /// </summary>
    public static (Credential? Credential, Refusal? Refusal) AuthenticateCertificate(RegistrarSettings settings, Certificate signer, IReadOnlyList<Certificate> untrusted, SimInstant now, DomainTrust trust, string role)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(untrusted);
        ArgumentNullException.ThrowIfNull(trust);
        var who = $"cert:{signer.Subject}#{signer.SerialNumber.Hex}";
        // An IDevID names a manufacturer CA of the allow-list as its issuer: when no certificate the domain's path could be built
        // from carries that name, the domain's validation can only fail (no issuer), so the allow-list is asked first. Only an
        // admission is taken from it; anything else is judged in the usual order below, with the usual reasons.
        var allowListAsked = AllowListedIssuer(settings, signer, untrusted, trust);
        if (allowListAsked && AdmittedIDevId(settings, signer, now) is { } admitted) return (admitted, null);
        var domain = new PathValidator(trust.Anchors, ValidationPolicy.Default with { Revocation = trust.Revocation }).Validate(signer, now.Utc, [.. trust.Intermediates, .. untrusted], trust.Crls);
        if (domain.IsValid) return (new Credential(CredentialKind.DomainCertificate, who, null, null, signer), null);
        if (domain.Errors.Contains(ValidationReason.Revoked))
            return (null, new(CmpFailure.CertRevoked, $"the {role} {signer.Subject} (serial {signer.SerialNumber.Hex}) is revoked."));
        if (!allowListAsked && AdmittedIDevId(settings, signer, now) is { } idevid) return (idevid, null); // asked already: the same answer
        var why = domain.Status == ValidationStatus.RevocationUnknown ? "its revocation status is unknown (no current CRL)" : string.Join(", ", domain.Errors.Distinct());
        return (null, new(CmpFailure.SignerNotTrusted, $"the {role} {signer.Subject} is neither valid in domain '{settings.Domain}' ({why}) nor an allow-listed IDevID."));
    }

    // The first allow-list entry whose manufacturer CA validates the signer (no revocation: IDevIDs have none) and whose rule admits it.
    private static Credential? AdmittedIDevId(RegistrarSettings settings, Certificate signer, SimInstant now)
    {
        IReadOnlyList<string>? sans = null;
        foreach (var entry in settings.AllowList)
        {
            var idevid = new PathValidator([entry.Anchor], ValidationPolicy.Default with { Revocation = RevocationMode.Off }).Validate(signer, now.Utc);
            if (idevid.IsValid && entry.Admits(signer, sans ??= SanUris(signer))) return new Credential(CredentialKind.IDevId, $"idevid:{signer.Subject}#{signer.SerialNumber.Hex}", null, null, signer);
        }
        return null;
    }

    // True when the signer's issuer is a manufacturer CA of the allow-list and no certificate a domain path could start from or pass
    // through (the domain's anchors and intermediates, the message's extraCerts, the signer itself as an anchor) bears that name.
    private static bool AllowListedIssuer(RegistrarSettings settings, Certificate signer, IReadOnlyList<Certificate> untrusted, DomainTrust trust)
    {
        if (!settings.AllowList.Any(e => signer.NamesAsIssuer(e.Anchor))) return false;
        if (trust.Anchors.Contains(signer)) return false;
        return !trust.Anchors.Any(signer.NamesAsIssuer) && !trust.Intermediates.Any(signer.NamesAsIssuer) && !untrusted.Any(signer.NamesAsIssuer);
    }

    /// <summary>Checks one certificate request against the domain: POP, key algorithm, subject and template.</summary>
    public static Refusal? CheckRequest(RegistrarSettings settings, DomainTemplate template, string? subject, Twin.Pki.Keys.PublicKey? key, bool popVerified, string? popProblem)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(template);
        if (key is null) return new(CmpFailure.BadCertTemplate, "the certificate template carries no public key.");
        if (!popVerified) return new(CmpFailure.BadPop, $"proof of possession failed: {popProblem}.");
        if (key.Algorithm != settings.Suite) return new(CmpFailure.BadCertTemplate, $"key algorithm {key.Algorithm} is not the domain's signature suite {settings.Suite}.");
        if (string.IsNullOrEmpty(subject)) return new(CmpFailure.BadCertTemplate, "the certificate template names no subject.");
        if (!template.Accepts(subject)) return new(CmpFailure.BadCertTemplate, $"subject '{subject}' does not match template '{template.Name}'.");
        return null;
    }

    /// <summary>The template a request names in generalInfo certProfile (RFC 9483 §3.1), else the domain's first.</summary>
    public static (DomainTemplate? Template, Refusal? Refusal) TemplateFor(RegistrarSettings settings, string? certProfile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (certProfile is null) return (settings.Templates[0], null);
        var t = settings.Templates.FirstOrDefault(x => x.Name == certProfile);
        return t is null ? (null, new(CmpFailure.BadCertTemplate, $"certProfile '{certProfile}' is not a template of domain '{settings.Domain}'.")) : (t, null);
    }

    /// <summary>The subjectAltName URIs of a certificate.</summary>
    public static IReadOnlyList<string> SanUris(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return CertificateNames.UrisOf(certificate);
    }
}
