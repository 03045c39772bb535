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
        Func<string, byte[]> secretOf, DomainTrust trust)
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
                var secret = secretOf(reference);
                return message.VerifyMac(secret)
                    ? (new Credential(CredentialKind.Secret, $"otp:{reference}", reference, secret, null), null)
                    : (null, new(CmpFailure.BadMessageCheck, $"the MAC does not verify with the secret of reference '{reference}'."));
            }
            default:
                return AuthenticateSignature(settings, message, now, trust);
        }
    }

    /// <summary>
    /// Makes ahead, on any thread, the expensive checks a signed request will meet — its signature, its signer's path, the proof of
    /// possession of its certificate requests — so that the registrar, judging it afterwards, finds the answers remembered by the
    /// message and its certificates. Decides nothing: the verdict is the registrar's, on its own thread.
    /// </summary>
    public static void CheckAhead(RegistrarSettings settings, CmpMessage message, SimInstant now, DomainTrust trust)
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
        if (message.Protection == CmpProtectionKind.Signature) _ = AuthenticateSignature(settings, message, now, trust);
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
        var domain = new PathValidator(trust.Anchors, ValidationPolicy.Default with { Revocation = trust.Revocation }).Validate(signer, now.Utc, [.. trust.Intermediates, .. untrusted], trust.Crls);
        if (domain.IsValid) return (new Credential(CredentialKind.DomainCertificate, who, null, null, signer), null);
        if (domain.Errors.Contains(ValidationReason.Revoked))
            return (null, new(CmpFailure.CertRevoked, $"the {role} {signer.Subject} (serial {signer.SerialNumber.Hex}) is revoked."));
        var sans = SanUris(signer);
        foreach (var entry in settings.AllowList)
        {
            var anchor = entry.Anchor;
            var idevid = new PathValidator([anchor], ValidationPolicy.Default with { Revocation = RevocationMode.Off }).Validate(signer, now.Utc);
            if (idevid.IsValid && entry.Admits(signer, sans)) return (new Credential(CredentialKind.IDevId, $"idevid:{signer.Subject}#{signer.SerialNumber.Hex}", null, null, signer), null);
        }
        var why = domain.Status == ValidationStatus.RevocationUnknown ? "its revocation status is unknown (no current CRL)" : string.Join(", ", domain.Errors.Distinct());
        return (null, new(CmpFailure.SignerNotTrusted, $"the {role} {signer.Subject} is neither valid in domain '{settings.Domain}' ({why}) nor an allow-listed IDevID."));
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
