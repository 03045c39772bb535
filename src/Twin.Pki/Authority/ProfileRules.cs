using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using Twin.Pki.Keys;

namespace Twin.Pki.Authority;

/// <summary>The extension rules of each <see cref="CertificateProfile"/>: what a certificate of that profile must carry.</summary>
internal static class ProfileRules
{
    private static readonly DerObjectIdentifier OcspNoCheck = new("1.3.6.1.5.5.7.48.1.5");

    /// <summary>id-ce-noRevAvail (RFC 9608): no revocation information will ever be made available for this certificate.</summary>
    internal static readonly DerObjectIdentifier NoRevAvail = new("2.5.29.56");
    private static readonly DerObjectIdentifier HardwareModuleNameOid = new("1.3.6.1.5.5.7.8.4");

    internal static bool IsCa(CertificateProfile profile) =>
        profile is CertificateProfile.RootCa or CertificateProfile.IntermediateCa or CertificateProfile.IssuingCa or CertificateProfile.CrossCertificate;

    /// <summary>Checks the request against the profile's rules before anything is signed.</summary>
    internal static void Check(IssuanceRequest request)
    {
        if (request.NotAfter <= request.NotBefore)
            throw new PolicyViolationException($"Validity: notAfter {request.NotAfter:O} is not after notBefore {request.NotBefore:O}.");
        if (request.PublicKey.Algorithm == KeyAlgorithm.Rsa1024)
            throw new UnsupportedAlgorithmException("RSA 1024-bit keys are accepted for verification only; certify 2048 bits or more.");
        var subject = Certificates.DistinguishedNames.Parse(request.Subject);
        switch (request.Profile)
        {
            case CertificateProfile.IDevId when subject.GetValueList(X509Name.SerialNumber).Count == 0:
                throw new PolicyViolationException("Profile IDevId: the subject must carry the device serialNumber attribute (IEEE 802.1AR §8.6).");
            case CertificateProfile.OpcUaApplication when request.UriNames.Count == 1 && !Uri.TryCreate(request.UriNames[0], UriKind.Absolute, out _):
                throw new PolicyViolationException($"Profile OpcUaApplication: ApplicationUri '{request.UriNames[0]}' is not an absolute URI (OPC 10000-6 §6.2.2).");
            case CertificateProfile.OpcUaApplication when request.DnsNames.Count == 0 && request.IpAddresses.Count == 0:
                throw new PolicyViolationException("Profile OpcUaApplication: subjectAltName needs the host's DNS name or IP address besides the ApplicationUri (OPC 10000-6 §6.2.2).");
            case CertificateProfile.OpcUaApplication when request.UriNames.Count != 1:
                throw new PolicyViolationException("Profile OpcUaApplication: exactly one URI (the ApplicationUri) is required in subjectAltName (OPC 10000-6 §6.2.2).");
            case CertificateProfile.TlsServer when request.DnsNames.Count == 0 && request.IpAddresses.Count == 0:
                throw new PolicyViolationException("Profile TlsServer: at least one DNS name or IP address is required in subjectAltName.");
            case CertificateProfile.IssuingCa when request.PathLength is > 0:
                throw new PolicyViolationException("Profile IssuingCa: pathLen must be 0 (it issues end entities only).");
        }
        if (!IsCa(request.Profile) && request.PathLength is not null)
            throw new PolicyViolationException($"Profile {request.Profile}: pathLen applies to CA profiles only.");
        if (!IsCa(request.Profile) && request.NameConstraints is not null)
            throw new PolicyViolationException($"Profile {request.Profile}: name constraints apply to CA profiles only (RFC 5280 §4.2.1.10).");
        if (request.HardwareModule is not null && request.Profile is not (CertificateProfile.IDevId or CertificateProfile.LDevId))
            throw new PolicyViolationException($"Profile {request.Profile}: hardwareModuleName belongs in IDevID/LDevID certificates (RFC 4108 §5).");
        if (request.HardwareModule is { } hw && !IsOid(hw.TypeOid))
            throw new PolicyViolationException($"hardwareModuleName: hwType '{hw.TypeOid}' is not a dotted OID.");
        if (request.OcspUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            throw new PolicyViolationException($"OCSP URL '{url}': an absolute http or https URL is required (RFC 6960 Appendix A).");
        if (request.OcspUrl is not null && IsCa(request.Profile))
            throw new PolicyViolationException($"Profile {request.Profile}: the OCSP URL is put into end-entity certificates only; CA certificates are checked with CRLs.");
        if (request.PathLength is < 0)
            throw new PolicyViolationException($"Profile {request.Profile}: pathLen {request.PathLength} is negative.");
    }

    internal static void AddExtensions(X509V3CertificateGenerator generator, IssuanceRequest request, Org.BouncyCastle.Crypto.AsymmetricKeyParameter subjectKey, X509Certificate? issuer)
    {
        var rsa = request.PublicKey.Algorithm is KeyAlgorithm.Rsa2048 or KeyAlgorithm.Rsa3072 or KeyAlgorithm.Rsa4096;
        generator.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(subjectKey));
        if (issuer is not null)
            generator.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, KeyIdentifierOnly(issuer));

        if (IsCa(request.Profile))
        {
            if (request.NoRevocationAvailable)
                throw new PolicyViolationException($"Profile {request.Profile}: noRevAvail is for end-entity certificates only (RFC 9608 §2); a CA certificate must stay revocable.");
            var pathLen = request.Profile == CertificateProfile.IssuingCa ? 0 : request.PathLength;
            generator.AddExtension(X509Extensions.BasicConstraints, true, pathLen is int p ? new BasicConstraints(p) : new BasicConstraints(true));
            generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign | KeyUsage.DigitalSignature));
            if (request.NameConstraints is { IsEmpty: false } nc)
                generator.AddExtension(X509Extensions.NameConstraints, true, NameConstraintsExtension.Create(nc));
        }
        else
        {
            generator.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
            generator.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(EndEntityKeyUsage(request.Profile, rsa)));
            var eku = ExtendedKeyUsages(request.Profile);
            if (eku.Length > 0)
                generator.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(eku));
            if (request.Profile == CertificateProfile.OcspSigner)
                generator.AddExtension(OcspNoCheck, false, DerNull.Instance);
            // RFC 9608 §2: non-critical, extnValue NULL.
            if (request.NoRevocationAvailable)
                generator.AddExtension(NoRevAvail, false, DerNull.Instance);
            // RFC 5280 §4.2.2.1: non-critical authorityInfoAccess with the issuer's OCSP responder.
            if (request.OcspUrl is { } ocsp)
                generator.AddExtension(X509Extensions.AuthorityInfoAccess, false, new AuthorityInformationAccess(
                    new AccessDescription(AccessDescription.IdADOcsp, new GeneralName(GeneralName.UniformResourceIdentifier, ocsp.AbsoluteUri))));
        }

        var names = new List<GeneralName>();
        names.AddRange(request.UriNames.Select(u => new GeneralName(GeneralName.UniformResourceIdentifier, u)));
        names.AddRange(request.DnsNames.Select(d => new GeneralName(GeneralName.DnsName, d)));
        names.AddRange(request.IpAddresses.Select(ip => new GeneralName(GeneralName.IPAddress, ip.ToString())));
        if (request.HardwareModule is { } module)
        {
            var value = new DerSequence(new DerObjectIdentifier(module.TypeOid), new DerOctetString(module.SerialNumber));
            names.Add(new GeneralName(GeneralName.OtherName, new DerSequence(HardwareModuleNameOid, new DerTaggedObject(true, 0, value))));
        }
        if (names.Count > 0)
            generator.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(names.ToArray()));
    }

    private static bool IsOid(string oid) => DerObjectIdentifier.TryFromID(oid, out _);

    // RFC 5280 §4.2.1.1: keyIdentifier only. Naming the issuer's issuer and serial as well would tie the
    // certificate to one issuer certificate and break cross-certified and re-issued CA paths.
    internal static AuthorityKeyIdentifier KeyIdentifierOnly(X509Certificate issuer)
    {
        var ski = issuer.GetExtensionValue(X509Extensions.SubjectKeyIdentifier);
        var id = ski is not null
            ? Asn1OctetString.GetInstance(X509ExtensionUtilities.FromExtensionValue(ski)).GetOctets()
            : X509ExtensionUtilities.CreateSubjectKeyIdentifier(issuer.GetPublicKey()).GetKeyIdentifier();
        return new AuthorityKeyIdentifier(id);
    }

    private static int EndEntityKeyUsage(CertificateProfile profile, bool rsa) => profile switch
    {
        // OPC 10000-6 §6.2.2: RSA application certificates also encipher keys and data.
        CertificateProfile.OpcUaApplication => KeyUsage.DigitalSignature | KeyUsage.NonRepudiation | (rsa ? KeyUsage.KeyEncipherment | KeyUsage.DataEncipherment : 0),
        CertificateProfile.TlsServer or CertificateProfile.TlsClient or CertificateProfile.IDevId or CertificateProfile.LDevId =>
            KeyUsage.DigitalSignature | (rsa ? KeyUsage.KeyEncipherment : 0),
        CertificateProfile.CodeSigning or CertificateProfile.OcspSigner or CertificateProfile.CmpRa => KeyUsage.DigitalSignature,
        _ => throw new PolicyViolationException($"Profile {profile} is not an end-entity profile."),
    };

    private static KeyPurposeID[] ExtendedKeyUsages(CertificateProfile profile) => profile switch
    {
        CertificateProfile.OpcUaApplication => [KeyPurposeID.id_kp_serverAuth, KeyPurposeID.id_kp_clientAuth],
        CertificateProfile.TlsServer => [KeyPurposeID.id_kp_serverAuth],
        CertificateProfile.TlsClient or CertificateProfile.LDevId => [KeyPurposeID.id_kp_clientAuth],
        CertificateProfile.CodeSigning => [KeyPurposeID.id_kp_codeSigning],
        CertificateProfile.OcspSigner => [KeyPurposeID.id_kp_OCSPSigning],
        CertificateProfile.CmpRa => [KeyPurposeID.id_kp_cmcRA],
        _ => [],
    };
}
