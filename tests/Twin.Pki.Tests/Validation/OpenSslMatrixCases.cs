using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;

namespace Twin.Pki.Tests.Validation;

/// <summary>The defect a matrix case carries; each case has exactly one, so both verdicts have one cause to name.</summary>
public enum MatrixDefect
{
    None, Expired, NotYetValid, Revoked, HoldReleased, WrongIssuer, BrokenSignature,
    PathLengthExceeded, NameConstraintViolation, CrossCertified, CrlExpired, CrlMissing,
}

/// <summary>One generated case: what to validate, with what, at which instant, and the intended outcome.</summary>
public sealed record MatrixCase(
    string Name, MatrixDefect Defect, RevocationReason? Reason, Certificate Leaf,
    IReadOnlyList<Certificate> Anchors, IReadOnlyList<Certificate> Untrusted, IReadOnlyList<CertificateRevocationList> Crls, bool IntendedValid);

/// <summary>
/// Builds the ≥200 matrix cases: every defect × every end-entity profile × two hierarchy shapes
/// (leaf under the root, leaf under an issuing CA), revocation under each RFC 5280 §5.3.1 reason.
/// Keys are P-256 and made once; CAs are built sequentially (they are single-owner objects).
/// </summary>
internal static class OpenSslMatrixCases
{
    internal static readonly DateTimeOffset At = new(2031, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CaStart = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CaEnd = new(2040, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly CertificateProfile[] Profiles =
    [
        CertificateProfile.LDevId, CertificateProfile.IDevId, CertificateProfile.OpcUaApplication,
        CertificateProfile.TlsServer, CertificateProfile.TlsClient, CertificateProfile.CodeSigning,
    ];

    private static readonly RevocationReason[] Reasons =
    [
        RevocationReason.Unspecified, RevocationReason.KeyCompromise, RevocationReason.CACompromise, RevocationReason.AffiliationChanged,
        RevocationReason.Superseded, RevocationReason.CessationOfOperation, RevocationReason.CertificateHold,
        RevocationReason.PrivilegeWithdrawn, RevocationReason.AACompromise,
    ];

    internal static IReadOnlyList<MatrixCase> Build()
    {
        var w = new World();
        var cases = new List<MatrixCase>();
        var n = 0;
        foreach (var deep in new[] { false, true })
        {
            foreach (var profile in Profiles)
            {
                foreach (var defect in Enum.GetValues<MatrixDefect>())
                {
                    if (defect == MatrixDefect.Revoked)
                        foreach (var reason in Reasons) cases.Add(w.Make(++n, defect, reason, profile, deep));
                    else
                        cases.Add(w.Make(++n, defect, null, profile, deep));
                }
            }
        }
        return cases;
    }

    private sealed class World
    {
        private readonly KeyPair _leafKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        private readonly CertificateAuthority _root;
        private readonly CertificateAuthority _issuing;
        private readonly CertificateAuthority _rogue;
        private readonly CertificateAuthority _rootPathLen0;
        private readonly CertificateAuthority _subUnderRootPathLen0;
        private readonly CertificateAuthority _subUnderIssuing;
        private readonly CertificateAuthority _constrainedRoot;
        private readonly CertificateAuthority _constrainedIssuing;
        private readonly CertificateAuthority _partnerRoot;
        private readonly CertificateAuthority _partnerIssuing;
        private readonly Certificate _crossCertificate;

        internal World()
        {
            KeyPair Key() => KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
            _root = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Matrix Root", Key(), CaStart, CaEnd);
            _issuing = _root.CreateSubordinate("C=DE,O=PlantTrust,CN=Matrix Issuing CA", Key(), CertificateProfile.IssuingCa, CaStart, CaEnd);
            // Same name as the issuing CA, different key: what a rogue CA presents.
            _rogue = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Matrix Issuing CA", Key(), CaStart, CaEnd);
            _rootPathLen0 = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Matrix Root pathLen 0", Key(), CaStart, CaEnd, pathLength: 0);
            _rootPathLen0.AllowMisissuance = true;
            _subUnderRootPathLen0 = _rootPathLen0.CreateSubordinate("C=DE,O=PlantTrust,CN=Matrix Sub A", Key(), CertificateProfile.IntermediateCa, CaStart, CaEnd);
            _subUnderIssuing = ForceSubordinate(_issuing, "C=DE,O=PlantTrust,CN=Matrix Sub B", Key());
            var constraints = new NameConstraints { PermittedDirectoryNames = ["C=DE,O=PlantTrust"] };
            _constrainedRoot = CreateConstrainedRoot(constraints);
            _constrainedIssuing = _root.CreateSubordinate("C=DE,O=PlantTrust,CN=Matrix Constrained CA", Key(), CertificateProfile.IssuingCa, CaStart, CaEnd, nameConstraints: constraints);
            _partnerRoot = CertificateAuthority.CreateRoot("C=FR,O=Partner,CN=Partner Root", Key(), CaStart, CaEnd);
            _partnerIssuing = _partnerRoot.CreateSubordinate("C=FR,O=Partner,CN=Partner Issuing CA", Key(), CertificateProfile.IssuingCa, CaStart, CaEnd);
            _crossCertificate = _root.CrossCertify(_partnerRoot.Certificate, CaStart, CaEnd);
        }

        // A root with name constraints: CreateRoot takes none, so the root certifies itself through a request.
        private static CertificateAuthority CreateConstrainedRoot(NameConstraints constraints)
        {
            var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
            var issuer = CertificateAuthority.CreateRoot("C=DE,O=PlantTrust,CN=Matrix NC Parent", key, CaStart, CaEnd);
            var cert = issuer.Issue(new IssuanceRequest("C=DE,O=PlantTrust,CN=Matrix NC Parent", key.PublicKey, CertificateProfile.IntermediateCa, CaStart, CaEnd) { NameConstraints = constraints });
            return new CertificateAuthority(cert, key);
        }

        // An issuing CA (pathLen 0) that nevertheless certifies another CA: the certificate a pathLen check must catch.
        private static CertificateAuthority ForceSubordinate(CertificateAuthority issuing, string subject, KeyPair key)
        {
            issuing.AllowMisissuance = true;
            try
            {
                return issuing.CreateSubordinate(subject, key, CertificateProfile.IntermediateCa, CaStart, CaEnd);
            }
            finally
            {
                issuing.AllowMisissuance = false;
            }
        }

        internal MatrixCase Make(int n, MatrixDefect defect, RevocationReason? reason, CertificateProfile profile, bool deep)
        {
            var name = $"{n:000}-{(deep ? "3deep" : "2deep")}-{profile}-{defect}{(reason is null ? "" : "-" + reason)}";
            var anchors = new List<Certificate> { _root.Certificate };
            var untrusted = new List<Certificate>();
            var issuer = deep ? _issuing : _root;
            if (deep) untrusted.Add(_issuing.Certificate);
            var chainCas = new List<CertificateAuthority> { _root };
            if (deep) chainCas.Add(_issuing);
            var subject = "C=DE,O=PlantTrust,CN=dev-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var notBefore = At.AddDays(-30);
            var notAfter = At.AddDays(300);

            switch (defect)
            {
                case MatrixDefect.Expired: notBefore = At.AddDays(-400); notAfter = At.AddDays(-1); break;
                case MatrixDefect.NotYetValid: notBefore = At.AddDays(1); notAfter = At.AddDays(100); break;
                case MatrixDefect.WrongIssuer: issuer = _rogue; break;
                case MatrixDefect.PathLengthExceeded:
                    anchors = deep ? anchors : [_rootPathLen0.Certificate];
                    chainCas = deep ? [_root, _issuing, _subUnderIssuing] : [_rootPathLen0, _subUnderRootPathLen0];
                    issuer = deep ? _subUnderIssuing : _subUnderRootPathLen0;
                    untrusted.Add(issuer.Certificate);
                    break;
                case MatrixDefect.NameConstraintViolation:
                    subject = "C=DE,O=Elsewhere,CN=dev-" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    anchors = deep ? anchors : [_constrainedRoot.Certificate];
                    chainCas = deep ? [_root, _constrainedIssuing] : [_constrainedRoot];
                    issuer = deep ? _constrainedIssuing : _constrainedRoot;
                    untrusted = deep ? [_constrainedIssuing.Certificate] : [];
                    break;
                case MatrixDefect.CrossCertified:
                    chainCas = deep ? [_root, _partnerRoot, _partnerIssuing] : [_root, _partnerRoot];
                    issuer = deep ? _partnerIssuing : _partnerRoot;
                    untrusted = deep ? [_crossCertificate, _partnerIssuing.Certificate] : [_crossCertificate];
                    break;
            }

            var leaf = issuer.Issue(Request(subject, profile, notBefore, notAfter));
            if (defect == MatrixDefect.BrokenSignature) leaf = Tamper(leaf);

            var crls = new List<CertificateRevocationList>();
            if (defect == MatrixDefect.Revoked)
                issuer.Revoke(leaf.SerialNumber, reason!.Value, At.AddDays(-2));
            if (defect == MatrixDefect.HoldReleased)
            {
                issuer.Revoke(leaf.SerialNumber, RevocationReason.CertificateHold, At.AddDays(-5));
                crls.Add(issuer.IssueCrl(At.AddDays(-4), At.AddDays(10)));
                issuer.ReleaseHold(leaf.SerialNumber);
            }
            foreach (var ca in chainCas)
            {
                if (ca == issuer && defect == MatrixDefect.CrlMissing) continue;
                crls.Add(ca == issuer && defect == MatrixDefect.CrlExpired
                    ? ca.IssueCrl(At.AddDays(-10), At.AddDays(-3))
                    : ca.IssueCrl(At.AddDays(-1), At.AddDays(6)));
            }
            var intendedValid = defect is MatrixDefect.None or MatrixDefect.HoldReleased or MatrixDefect.CrossCertified;
            return new MatrixCase(name, defect, reason, leaf, anchors, untrusted, crls, intendedValid);
        }

        private IssuanceRequest Request(string subject, CertificateProfile profile, DateTimeOffset notBefore, DateTimeOffset notAfter)
        {
            var request = new IssuanceRequest(subject, _leafKey.PublicKey, profile, notBefore, notAfter);
            return profile switch
            {
                CertificateProfile.OpcUaApplication => request with { UriNames = ["urn:planttrust:matrix:" + subject.GetHashCode(StringComparison.Ordinal)], DnsNames = ["pea.plant.example"] },
                CertificateProfile.TlsServer => request with { DnsNames = ["pol.plant.example"] },
                CertificateProfile.IDevId => request with { Subject = subject + ",SERIALNUMBER=SN-" + subject[^3..] },
                _ => request,
            };
        }

        // Flip one bit in the last octet of the signature value: the DER stays well-formed, the signature no longer verifies.
        private static Certificate Tamper(Certificate leaf)
        {
            var der = leaf.GetDer();
            der[^1] ^= 0x01;
            return Certificate.FromDer(der);
        }
    }
}
