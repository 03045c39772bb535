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
        // RFC 9608: an end-entity certificate with noRevAvail has no revocation status to look for; it is
        // short-lived instead. In a CA certificate the extension is not allowed and is ignored here.
        if (cert.NoRevocationAvailable && !cert.IsCa) return (RevocationState.NotApplicable, null);
        if (context.Source?.Check(cert, issuer, context.At) is { } sourced)
            return FromSource(sourced, mode, errors, warnings);
        if (FromOcsp(context, cert, issuer) is { } answer)
        {
            if (answer.Status != OcspCertificateStatus.Revoked) return (RevocationState.Good, null);
            errors.Add(ValidationReason.Revoked);
            return (RevocationState.Revoked, answer.Reason);
        }

        var problems = new List<ValidationReason>();
        var usable = new Dictionary<CertificateRevocationList, (Certificate Signer, int Reasons)>(ReferenceEqualityComparer.Instance);
        var deltas = new List<(CertificateRevocationList Crl, Certificate Signer)>();
        var staleDeltas = new List<(CertificateRevocationList Crl, Certificate Signer)>();
        // RFC 5280 §6.3.3: each distribution point names where its CRLs come from and which reasons they cover.
        foreach (var point in DistributionPoints.Of(cert.Inner))
        {
            var crlIssuer = point.CrlIssuer ?? cert.Inner.IssuerDN;
            if (!context.Crls.TryGetValue(NameKey.Of(crlIssuer), out var crls)) continue;
            foreach (var crl in crls)
            {
                if (!InScope(crl, cert, point)) continue;
                if (!Usable(validator, context, crl, issuer, depth, problems, out var signer))
                {
                    if (crl.IsDelta && signer is not null && crl.NextUpdate < context.At) staleDeltas.Add((crl, signer));
                    continue;
                }
                if (crl.IsDelta) { deltas.Add((crl, signer!)); continue; }
                // §6.3.3 (d): the reasons this CRL can vouch for at this point.
                var reasons = (crl.OnlySomeReasons ?? DistributionPoints.AllReasons) & point.Reasons;
                usable[crl] = usable.TryGetValue(crl, out var known) ? (known.Signer, known.Reasons | reasons) : (signer!, reasons);
            }
        }

        // A newer CRL from the same signing key for the same scope supersedes an older one (that is how a released hold
        // disappears); CRLs from different authorised keys or for different scopes each speak for what they list.
        var current = usable
            .GroupBy(u => (u.Value.Signer.PublicKey.Fingerprint, u.Key.ScopeKey))
            .Select(g => g.OrderByDescending(u => u.Key.CrlNumber ?? -1).ThenByDescending(u => u.Key.ThisUpdate).First())
            .ToList();
        var serial = cert.Inner.SerialNumber;
        var issuerKey = NameKey.Of(cert.Inner.IssuerDN);
        var covered = 0;
        foreach (var (crl, (signer, reasons)) in current)
        {
            covered |= reasons;
            var entry = crl.Find(serial, issuerKey);
            var delta = crl.IsIndirect ? null : deltas
                .Where(d => d.Signer.PublicKey.Equals(signer.PublicKey) && d.Crl.BaseCrlNumber <= crl.CrlNumber && d.Crl.CrlNumber > crl.CrlNumber)
                .OrderByDescending(d => d.Crl.CrlNumber)
                .Select(d => d.Crl)
                .FirstOrDefault();
            // RFC 5280 §6.3.3: once deltas are issued for this base, only a current one completes the picture.
            if (delta is null && !crl.IsIndirect && staleDeltas.Any(d => d.Signer.PublicKey.Equals(signer.PublicKey) && d.Crl.BaseCrlNumber <= crl.CrlNumber && d.Crl.CrlNumber > crl.CrlNumber))
            {
                (mode == RevocationMode.Required ? errors : warnings).Add(ValidationReason.CrlExpired);
                return (RevocationState.Unknown, null);
            }
            if (delta?.Find(serial, issuerKey) is { } change)
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
        if ((covered & DistributionPoints.AllReasons) != DistributionPoints.AllReasons)
        {
            // §6.3.3 (k): not every reason is covered by a usable CRL.
            var reason = current.Count > 0 || problems.Count == 0 ? ValidationReason.CrlMissing
                : problems.Contains(ValidationReason.CrlExpired) ? ValidationReason.CrlExpired
                : problems[0];
            (mode == RevocationMode.Required ? errors : warnings).Add(reason);
            return (RevocationState.Unknown, null);
        }
        return (RevocationState.Good, null);
    }

    private static (RevocationState, RevocationReason?) FromSource(RevocationAnswer answer, RevocationMode mode, List<ValidationReason> errors, List<ValidationReason> warnings)
    {
        switch (answer.State)
        {
            case RevocationState.Revoked:
                errors.Add(ValidationReason.Revoked);
                return (RevocationState.Revoked, answer.Reason ?? RevocationReason.Unspecified);
            case RevocationState.Good:
                return (RevocationState.Good, null);
            default:
                (mode == RevocationMode.Required ? errors : warnings).Add(answer.Problem ?? ValidationReason.OcspUnavailable);
                return (RevocationState.Unknown, null);
        }
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

    // RFC 5280 §6.3.3 (b): the CRL's issuer, indirectness, distribution point name and certificate kind must fit this point.
    private static bool InScope(CertificateRevocationList crl, Certificate cert, CertificateDistributionPoint point)
    {
        if (point.CrlIssuer is not null && !crl.IsIndirect) return false;
        if (crl.IdpNames.Count > 0)
        {
            IEnumerable<string> pointNames = point.Names.Count > 0 ? point.Names : [DistributionPoints.Key(point.CrlIssuer ?? cert.Inner.IssuerDN)];
            if (!pointNames.Intersect(crl.IdpNames).Any()) return false;
        }
        return crl.Scope switch
        {
            CrlScope.UserCertificates => !cert.IsCa,
            CrlScope.CaCertificates => cert.IsCa,
            CrlScope.AttributeCertificates => false,
            _ => true,
        };
    }

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
        if (crl.HasUnknownCriticalExtension)
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
