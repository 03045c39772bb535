using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Authority;

/// <summary>Subordinate CAs, cross-certification, issuing-CA rollover and root key update (RFC 4210 §4.4).</summary>
public sealed partial class CertificateAuthority
{
    /// <summary>True once a successor took over: the CA still signs CRLs for what it issued but issues no more certificates.</summary>
    public bool IsRetired { get; private set; }

    /// <summary>Stops issuance after a rollover; CRLs for the certificates already issued continue.</summary>
    public void Retire() => IsRetired = true;

    /// <summary>Certifies a subordinate CA (intermediate or issuing) whose key is <paramref name="key"/> and returns it ready to issue.</summary>
    public CertificateAuthority CreateSubordinate(string subject, ISigningKey key, CertificateProfile profile, DateTimeOffset notBefore, DateTimeOffset notAfter, int? pathLength = null, NameConstraints? nameConstraints = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (profile is not (CertificateProfile.IntermediateCa or CertificateProfile.IssuingCa or CertificateProfile.CrossCertificate))
            throw new PolicyViolationException($"Profile {profile}: not a subordinate CA profile (IntermediateCa, IssuingCa or CrossCertificate).");
        var certificate = Issue(new IssuanceRequest(subject, key.PublicKey, profile, notBefore, notAfter) { PathLength = pathLength, NameConstraints = nameConstraints });
        return new CertificateAuthority(certificate, key, _random);
    }

    /// <summary>
    /// Cross-certifies another CA: a CA certificate with the other CA's subject and key, signed by this CA, so
    /// relying parties that trust this CA accept paths through the other one. Constrain it with pathLen and name constraints.
    /// </summary>
    public Certificate CrossCertify(Certificate otherCa, DateTimeOffset notBefore, DateTimeOffset notAfter, int? pathLength = null, NameConstraints? nameConstraints = null)
    {
        ArgumentNullException.ThrowIfNull(otherCa);
        if (!otherCa.IsCa)
            throw new PolicyViolationException($"Cross-certification: {otherCa.Subject} is not a CA certificate.");
        return Issue(new IssuanceRequest(otherCa.Subject, otherCa.PublicKey, CertificateProfile.CrossCertificate, notBefore, notAfter) { PathLength = pathLength, NameConstraints = nameConstraints });
    }

    /// <summary>
    /// Issuing-CA rollover: <paramref name="parent"/> certifies a new key under this CA's name. The old CA keeps
    /// its certificate (valid through the overlap) and should be <see cref="Retire">retired</see> once devices moved.
    /// </summary>
    public CertificateAuthority RollOver(CertificateAuthority parent, ISigningKey newKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(newKey);
        if (newKey.PublicKey.Equals(_key.PublicKey))
            throw new PolicyViolationException($"Rollover of {Certificate.Subject}: the new key equals the old one.");
        var bc = Certificate.Inner.GetBasicConstraints();
        var profile = bc == 0 ? CertificateProfile.IssuingCa : CertificateProfile.IntermediateCa;
        var successor = parent.CreateSubordinate(Certificate.Subject, newKey, profile, notBefore, notAfter, bc is > 0 and < int.MaxValue ? bc : null);
        successor._issuedSerials.UnionWith(_issuedSerials);
        return successor;
    }

    /// <summary>
    /// Root key update (RFC 4210 §4.4): a new self-signed root (NewWithNew) plus the two link certificates —
    /// OldWithNew (old public key signed by the new key) and NewWithOld (new public key signed by the old key) —
    /// so relying parties holding either root accept certificates from both.
    /// </summary>
    public RootKeyUpdate UpdateRootKey(ISigningKey newKey, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(newKey);
        if (!Certificate.IsSelfSigned)
            throw new PolicyViolationException($"Root key update: {Certificate.Subject} is not a self-signed root.");
        var bc = Certificate.Inner.GetBasicConstraints();
        int? pathLength = bc is >= 0 and < int.MaxValue ? bc : null;
        var newRoot = CreateRoot(Certificate.Subject, newKey, notBefore, notAfter, _random, pathLength);
        newRoot._issuedSerials.UnionWith(_issuedSerials);
        var oldNotAfter = Certificate.NotAfter;
        // NewWithOld lives until the old root expires; OldWithNew from the old root's start until its expiry.
        var newWithOld = SignLink(this, newKey.PublicKey, notBefore, oldNotAfter, pathLength);
        var oldWithNew = SignLink(newRoot, Certificate.PublicKey, notBefore, oldNotAfter, pathLength);
        return new RootKeyUpdate(newRoot, oldWithNew, newWithOld);
    }

    private static Certificate SignLink(CertificateAuthority signer, PublicKey subjectKey, DateTimeOffset notBefore, DateTimeOffset notAfter, int? pathLength)
    {
        var request = new IssuanceRequest(signer.Certificate.Subject, subjectKey, CertificateProfile.IntermediateCa, notBefore, notAfter) { PathLength = pathLength };
        var clamped = request with { NotAfter = notAfter > signer.Certificate.NotAfter ? signer.Certificate.NotAfter : notAfter };
        ProfileRules.Check(clamped);
        return signer.Sign(clamped, signer.Certificate.Inner.SubjectDN, signer._random);
    }
}

/// <summary>The result of a root key update (RFC 4210 §4.4).</summary>
/// <param name="NewRoot">The CA under the new key, with its self-signed NewWithNew certificate.</param>
/// <param name="OldWithNew">The old root public key certified by the new key.</param>
/// <param name="NewWithOld">The new root public key certified by the old key.</param>
public sealed record RootKeyUpdate(CertificateAuthority NewRoot, Certificate OldWithNew, Certificate NewWithOld);
