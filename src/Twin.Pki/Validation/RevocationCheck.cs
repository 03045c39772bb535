using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Pki.Validation;

/// <summary>CRL processing for one certificate (RFC 5280 §6.3), with the policy's per-issuer strictness.</summary>
internal static class RevocationCheck
{
    internal static (RevocationState State, RevocationReason? Reason) Check(
        PathValidator validator, PathValidator.Context context, Certificate cert, Certificate issuer, int depth,
        List<ValidationReason> errors, List<ValidationReason> warnings)
    {
        var mode = validator.Policy.RevocationFor(cert.Issuer);
        if (mode == RevocationMode.Off) return (RevocationState.NotChecked, null);
        if (FromOcsp(context, cert, issuer) is { } answer)
        {
            if (answer.Status != OcspCertificateStatus.Revoked) return (RevocationState.Good, null);
            errors.Add(ValidationReason.Revoked);
            return (RevocationState.Revoked, answer.Reason);
        }

        var problems = new List<ValidationReason>();
        var usable = new List<(CertificateRevocationList Crl, Certificate Signer)>();
        var deltas = new List<(CertificateRevocationList Crl, Certificate Signer)>();
        var staleDeltas = new List<(CertificateRevocationList Crl, Certificate Signer)>();
        if (context.Crls.TryGetValue(NameKey.Of(cert.Inner.IssuerDN), out var crls))
        {
            foreach (var crl in crls)
            {
                if (!Covers(crl, cert)) continue;
                if (!Usable(validator, context, crl, issuer, depth, problems, out var signer))
                {
                    if (crl.IsDelta && signer is not null && crl.NextUpdate < context.At) staleDeltas.Add((crl, signer));
                    continue;
                }
                (crl.IsDelta ? deltas : usable).Add((crl, signer!));
            }
        }
        if (usable.Count == 0)
        {
            var reason = problems.Count == 0 ? ValidationReason.CrlMissing
                : problems.Contains(ValidationReason.CrlExpired) ? ValidationReason.CrlExpired
                : problems[0];
            (mode == RevocationMode.Required ? errors : warnings).Add(reason);
            return (RevocationState.Unknown, null);
        }

        // A newer CRL from the same signing key supersedes an older one (that is how a released hold disappears);
        // CRLs from different authorised keys are each authoritative for what they list.
        var current = usable
            .GroupBy(u => u.Signer.PublicKey.Fingerprint)
            .Select(g => g.OrderByDescending(u => u.Crl.CrlNumber ?? -1).ThenByDescending(u => u.Crl.ThisUpdate).First());
        var serial = cert.Inner.SerialNumber;
        foreach (var (crl, signer) in current)
        {
            var entry = crl.Find(serial);
            var delta = deltas
                .Where(d => d.Signer.PublicKey.Equals(signer.PublicKey) && d.Crl.BaseCrlNumber <= crl.CrlNumber && d.Crl.CrlNumber > crl.CrlNumber)
                .OrderByDescending(d => d.Crl.CrlNumber)
                .Select(d => d.Crl)
                .FirstOrDefault();
            // RFC 5280 §6.3.3: once deltas are issued for this base, only a current one completes the picture.
            if (delta is null && staleDeltas.Any(d => d.Signer.PublicKey.Equals(signer.PublicKey) && d.Crl.BaseCrlNumber <= crl.CrlNumber && d.Crl.CrlNumber > crl.CrlNumber))
            {
                (mode == RevocationMode.Required ? errors : warnings).Add(ValidationReason.CrlExpired);
                return (RevocationState.Unknown, null);
            }
            if (delta?.Find(serial) is { } change)
                entry = change.Reason == RevocationReason.RemoveFromCrl ? null : change;
            if (entry is null) continue;
            if (entry.HasUnknownCriticalExtension)
            {
                (mode == RevocationMode.Required ? errors : warnings).Add(ValidationReason.CrlUnsupported);
                return (RevocationState.Unknown, null);
            }
            errors.Add(ValidationReason.Revoked);
            return (RevocationState.Revoked, entry.Reason);
        }
        return (RevocationState.Good, null);
    }

    // The first current, properly signed good/revoked answer wins; unknown answers and unusable responses are passed over.
    private static OcspStatus? FromOcsp(PathValidator.Context context, Certificate cert, Certificate issuer)
    {
        foreach (var response in context.Ocsp)
        {
            try
            {
                var status = Ocsp.ReadResponse(response, cert, issuer, context.At);
                if (status.Status != OcspCertificateStatus.Unknown) return status;
            }
            catch (PkiException)
            {
                // Not for this certificate, not current, or not signed by someone the issuer authorised.
            }
        }
        return null;
    }

    private static bool Covers(CertificateRevocationList crl, Certificate cert) => crl.Scope switch
    {
        CrlScope.UserCertificates => !cert.IsCa,
        CrlScope.CaCertificates => cert.IsCa,
        CrlScope.AttributeCertificates => false,
        _ => true,
    };

    private static bool Usable(PathValidator validator, PathValidator.Context context, CertificateRevocationList crl, Certificate issuer, int depth, List<ValidationReason> problems, out Certificate? signer)
    {
        signer = null;
        if (crl.IsSignedBy(issuer.PublicKey))
        {
            var ku = issuer.Inner.GetKeyUsage();
            if (ku is not null && !ku[6])
            {
                problems.Add(ValidationReason.CrlSignerNotAuthorized);
                return false;
            }
            signer = issuer;
        }
        else
        {
            signer = validator.FindCrlSigner(crl, issuer, context, depth);
            if (signer is null)
            {
                problems.Add(ValidationReason.CrlSignatureInvalid);
                return false;
            }
        }
        if (crl.HasUnknownCriticalExtension || crl.IsPartial)
        {
            problems.Add(ValidationReason.CrlUnsupported);
            return false;
        }
        if (crl.ThisUpdate > context.At)
        {
            problems.Add(ValidationReason.CrlNotYetValid);
            return false;
        }
        if (crl.NextUpdate is { } next && next < context.At)
        {
            problems.Add(ValidationReason.CrlExpired);
            return false;
        }
        return true;
    }
}
