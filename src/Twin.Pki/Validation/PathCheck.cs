using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkix;
using Org.BouncyCastle.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Revocation;

namespace Twin.Pki.Validation;

/// <summary>The basic path validation algorithm of RFC 5280 §6.1 for one candidate path.</summary>
internal sealed class PathCheck(PathValidator validator, PathValidator.Context context, List<Certificate> chain, Certificate anchor, int crlSignerDepth)
{
    private static readonly HashSet<string> UnderstoodExtensions =
    [
        X509Extensions.BasicConstraints.Id, X509Extensions.KeyUsage.Id, X509Extensions.ExtendedKeyUsage.Id,
        X509Extensions.SubjectAlternativeName.Id, X509Extensions.NameConstraints.Id, X509Extensions.CertificatePolicies.Id,
        X509Extensions.PolicyConstraints.Id, X509Extensions.PolicyMappings.Id, X509Extensions.InhibitAnyPolicy.Id,
    ];

    internal ValidationResult Run()
    {
        var verdicts = new CertificateVerdict[chain.Count + 1];
        var anchorErrors = new List<ValidationReason>();
        AddValidity(anchor, anchorErrors);
        verdicts[chain.Count] = new CertificateVerdict(anchor, anchorErrors, [], RevocationState.NotChecked, null, IsTrustAnchor: true);

        var issuer = anchor;
        var anchorPathLen = anchor.Inner.GetBasicConstraints();
        // The anchor's own pathLenConstraint is honoured, as relying parties and OpenSSL do.
        var maxPathLength = anchorPathLen is >= 0 and < int.MaxValue ? anchorPathLen : chain.Count;
        var names = new PkixNameConstraintValidator();
        // Name constraints in the anchor certificate bind the whole path, as in OpenSSL.
        AddNameConstraints(names, anchor, anchorErrors);
        var n = chain.Count;
        var policies = new PolicyTree(n, validator.Policy);
        for (var index = n - 1; index >= 0; index--)
        {
            var cert = chain[index];
            var isLeaf = index == 0;
            var errors = new List<ValidationReason>();
            var warnings = new List<ValidationReason>();

            // §6.1.3 (a): signature, validity, revocation.
            VerifySignature(cert, issuer, errors);
            AddValidity(cert, errors);
            var (state, reason) = RevocationCheck.Check(validator, context, cert, issuer, crlSignerDepth, errors, warnings);

            var selfIssued = NameKey.Of(cert.Inner.SubjectDN) == NameKey.Of(cert.Inner.IssuerDN);
            // §6.1.3 (b), (c): self-issued intermediates are exempt.
            if (!(selfIssued && !isLeaf))
                CheckNames(names, cert, errors);
            if (HasUnknownCriticalExtension(cert.Inner))
                errors.Add(ValidationReason.UnrecognizedCriticalExtension);
            var position = n - index;
            if (!policies.Process(cert.Inner, position, selfIssued, isLeaf))
                errors.Add(ValidationReason.PolicyNotAcceptable);
            if (!isLeaf && !policies.Prepare(cert.Inner, position, selfIssued))
                errors.Add(ValidationReason.PolicyMappingInvalid);
            if (isLeaf && !policies.WrapUp(cert.Inner) && !errors.Contains(ValidationReason.PolicyNotAcceptable))
                errors.Add(ValidationReason.PolicyNotAcceptable);

            if (!isLeaf)
            {
                // §6.1.4 (k): must be a CA.
                var pathLen = cert.Inner.GetBasicConstraints();
                if (pathLen < 0)
                    errors.Add(ValidationReason.NotACa);
                // §6.1.4 (l), (m): pathLenConstraint counts non-self-issued intermediates.
                if (!selfIssued)
                {
                    if (maxPathLength <= 0) errors.Add(ValidationReason.PathLengthExceeded);
                    maxPathLength--;
                }
                if (pathLen >= 0 && pathLen < maxPathLength) maxPathLength = pathLen;
                // §6.1.4 (n): keyCertSign.
                var ku = cert.Inner.GetKeyUsage();
                if (ku is not null && !ku[5])
                    errors.Add(ValidationReason.KeyCertSignNotAllowed);
                // §6.1.4 (g): name constraints for what follows.
                AddNameConstraints(names, cert, errors);
            }
            else
            {
                if (validator.Policy.RequiredPurpose is KeyPurpose purpose && !AllowsPurpose(cert.Inner, purpose))
                    errors.Add(ValidationReason.PurposeNotAllowed);
                if (!AllowsKeyUsages(cert.Inner, validator.Policy.RequiredKeyUsages))
                    errors.Add(ValidationReason.KeyUsageNotAllowed);
            }

            verdicts[index] = new CertificateVerdict(cert, errors, warnings, state, reason, IsTrustAnchor: false);
            issuer = cert;
        }
        return new ValidationResult(ValidationResult.StatusOf(verdicts), verdicts);
    }

    private void AddValidity(Certificate cert, List<ValidationReason> errors)
    {
        switch (cert.ValidityAt(context.At))
        {
            case ValidityStatus.NotYetValid: errors.Add(ValidationReason.NotYetValid); break;
            case ValidityStatus.Expired: errors.Add(ValidationReason.Expired); break;
        }
    }

    private static void VerifySignature(Certificate cert, Certificate issuer, List<ValidationReason> errors)
    {
        if (!cert.IsSignedBy(issuer.PublicKey))
            errors.Add(ValidationReason.SignatureInvalid);
    }

    private static bool HasUnknownCriticalExtension(X509Certificate cert)
    {
        var critical = cert.GetCriticalExtensionOids();
        return critical is not null && critical.Any(oid => !UnderstoodExtensions.Contains(oid));
    }

    private static void CheckNames(PkixNameConstraintValidator names, Certificate cert, List<ValidationReason> errors)
    {
        try
        {
            var subject = Asn1Sequence.GetInstance(cert.Inner.SubjectDN.ToAsn1Object());
            names.CheckPermittedDN(subject);
            names.CheckExcludedDN(subject);
            // RFC 5280 §4.2.1.10: e-mail addresses in the subject DN are held to rfc822Name constraints.
            foreach (var email in cert.Inner.SubjectDN.GetValueList(X509Name.EmailAddress))
            {
                var name = new GeneralName(GeneralName.Rfc822Name, email);
                names.CheckPermittedName(name);
                names.CheckExcludedName(name);
            }
            var san = cert.Inner.GetExtensionValue(X509Extensions.SubjectAlternativeName);
            if (san is null) return;
            foreach (var name in GeneralNames.GetInstance(Org.BouncyCastle.X509.Extension.X509ExtensionUtilities.FromExtensionValue(san)).GetNames())
            {
                names.CheckPermittedName(name);
                names.CheckExcludedName(name);
            }
        }
        catch (PkixNameConstraintValidatorException)
        {
            errors.Add(ValidationReason.NameConstraintViolation);
        }
    }

    private static void AddNameConstraints(PkixNameConstraintValidator names, Certificate cert, List<ValidationReason> errors)
    {
        var value = cert.Inner.GetExtensionValue(X509Extensions.NameConstraints);
        if (value is null) return;
        try
        {
            var nc = NameConstraints.GetInstance(Org.BouncyCastle.X509.Extension.X509ExtensionUtilities.FromExtensionValue(value));
            if (nc.PermittedSubtreesValue is { } permitted) names.IntersectPermittedSubtree(Asn1Sequence.GetInstance(permitted.ToAsn1Object()));
            if (nc.ExcludedSubtreesValue is { } excluded)
                foreach (var subtree in Asn1Sequence.GetInstance(excluded.ToAsn1Object())) names.AddExcludedSubtree(GeneralSubtree.GetInstance(subtree));
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException)
        {
            errors.Add(ValidationReason.NameConstraintViolation);
        }
    }

    // Without a keyUsage extension every usage is allowed (RFC 5280 §4.2.1.3).
    private static bool AllowsKeyUsages(X509Certificate cert, KeyUsages required)
    {
        var ku = cert.GetKeyUsage();
        if (required == KeyUsages.None || ku is null) return true;
        for (var bit = 0; bit < 5; bit++)
            if (((int)required & (1 << bit)) != 0 && !ku[bit]) return false;
        return true;
    }

    private static bool AllowsPurpose(X509Certificate cert, KeyPurpose purpose)
    {
        var eku = cert.GetExtendedKeyUsage();
        if (eku is null) return true;
        var wanted = purpose switch
        {
            KeyPurpose.ServerAuth => KeyPurposeID.id_kp_serverAuth,
            KeyPurpose.ClientAuth => KeyPurposeID.id_kp_clientAuth,
            KeyPurpose.CodeSigning => KeyPurposeID.id_kp_codeSigning,
            _ => KeyPurposeID.id_kp_OCSPSigning,
        };
        return eku.Any(o => o.Equals(wanted) || o.Equals(KeyPurposeID.AnyExtendedKeyUsage));
    }
}
