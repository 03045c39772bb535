using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.X509;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Pki.Authority;

/// <summary>
/// A certificate the CA has decided to issue and not signed yet: the checks are passed and the serial is taken
/// (<see cref="CertificateAuthority.Prepare(IssuanceRequest, PkiRandom?)"/>, on the CA's owner), the signature is
/// made by <see cref="CertificateAuthority.Sign(PreparedCertificate)"/>, which may run on any thread.
/// </summary>
public sealed class PreparedCertificate
{
    internal PreparedCertificate(CertificateAuthority issuer, IssuanceRequest clamped, X509Name subject, BigInteger serial, PkiRandom random)
    {
        Issuer = issuer;
        Clamped = clamped;
        Subject = subject;
        SerialValue = serial;
        Random = random;
    }

    internal CertificateAuthority Issuer { get; }

    internal IssuanceRequest Clamped { get; }

    internal X509Name Subject { get; }

    internal BigInteger SerialValue { get; }

    internal PkiRandom Random { get; }

    /// <summary>For a PKCS#10 request: its proof of possession, checked by the signing step before anything is signed.</summary>
    internal CertificationRequest? ProofToCheck { get; init; }

    /// <summary>A rule the request broke, reported by the signing step after the proof of possession (the order a single-step issuance reports them in).</summary>
    internal PkiException? Broken { get; init; }

    /// <summary>The serial the certificate will carry.</summary>
    public SerialNumber Serial => new(SerialValue.ToByteArrayUnsigned());
}

public sealed partial class CertificateAuthority
{
    // Keys other than software key pairs (a PKCS#11 session, a simulated secure element) are used by one thread at a time.
    private readonly object _signingLock = new();

    /// <summary>
    /// The first half of <see cref="Issue(IssuanceRequest, PkiRandom?)"/>, on the CA's owner: clamps the validity, checks the
    /// profile rules and takes a serial drawn from <paramref name="random"/>. Throws as Issue would; nothing is consumed then.
    /// </summary>
    public PreparedCertificate Prepare(IssuanceRequest request, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clamped = request with
        {
            NotBefore = request.NotBefore < Certificate.NotBefore ? Certificate.NotBefore : request.NotBefore,
            NotAfter = request.NotAfter > Certificate.NotAfter ? Certificate.NotAfter : request.NotAfter,
        };
        ProfileRules.Check(clamped);
        if (request.Profile == CertificateProfile.RootCa)
            throw new PolicyViolationException("Profile RootCa: a root is self-signed; use CreateRoot.");
        if (IsRetired)
            throw new PolicyViolationException($"CA {Certificate.Subject}: retired after a key rollover; it issues CRLs only.");
        CheckOwnPathLength(clamped);
        return Reserve(clamped, DistinguishedNames.Parse(clamped.Subject), random ?? _random);
    }

    /// <summary>
    /// The first half of issuing for a PKCS#10 request, on the CA's owner. The proof of possession (a signature verification)
    /// is left to <see cref="Sign(PreparedCertificate)"/>, which reports it before any rule <see cref="Prepare(IssuanceRequest, PkiRandom?)"/>
    /// found broken, as <see cref="Issue(CertificationRequest, CertificateProfile, DateTimeOffset, DateTimeOffset, Func{IssuanceRequest, IssuanceRequest}?, PkiRandom?)"/> does.
    /// </summary>
    public PreparedCertificate Prepare(CertificationRequest csr, CertificateProfile profile, DateTimeOffset notBefore, DateTimeOffset notAfter, Func<IssuanceRequest, IssuanceRequest>? customize = null, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(csr);
        var request = RequestFor(csr, profile, notBefore, notAfter, customize);
        try
        {
            var prepared = Prepare(request, random);
            return new PreparedCertificate(this, prepared.Clamped, prepared.Subject, prepared.SerialValue, prepared.Random) { ProofToCheck = csr };
        }
        catch (PkiException e)
        {
            return new PreparedCertificate(this, request, DistinguishedNames.Parse(csr.Subject), BigInteger.Zero, random ?? _random) { ProofToCheck = csr, Broken = e };
        }
    }

    /// <summary>
    /// The second half: checks a PKCS#10 request's proof of possession and signs. Safe on any thread, also while the owner
    /// prepares the next certificate. Throws a <see cref="PkiException"/> when the proof fails or a rule was broken; call
    /// <see cref="Release"/> then.
    /// </summary>
    public Certificate Sign(PreparedCertificate prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (!ReferenceEquals(prepared.Issuer, this))
            throw new ArgumentException($"Prepared by CA {prepared.Issuer.Certificate.Subject}, not by {Certificate.Subject}.", nameof(prepared));
        if (prepared.ProofToCheck is { } csr && !csr.IsSignatureValid) throw NoProofOfPossession(csr);
        if (prepared.Broken is { } broken) throw broken;
        var clamped = prepared.Clamped;
        var subjectKey = clamped.PublicKey.ToParameter();
        var generator = new X509V3CertificateGenerator();
        generator.SetSerialNumber(prepared.SerialValue);
        generator.SetIssuerDN(Certificate.Inner.SubjectDN);
        generator.SetSubjectDN(prepared.Subject);
        generator.SetNotBefore(TruncateToSeconds(clamped.NotBefore).UtcDateTime);
        generator.SetNotAfter(TruncateToSeconds(clamped.NotAfter).UtcDateTime);
        generator.SetPublicKey(subjectKey);
        ProfileRules.AddExtensions(generator, clamped, subjectKey, Certificate.Inner);
        // Remembered as parsed: whoever receives its DER next (the registrar, the state folds, the read model) gets this object back.
        if (_key is KeyPair) return Certificate.Remembered(new Certificate(generator.Generate(Signing.Factory(_key, prepared.Random))));
        lock (_signingLock) return Certificate.Remembered(new Certificate(generator.Generate(Signing.Factory(_key, prepared.Random))));
    }

    /// <summary>Gives back the serial of a prepared certificate that was not issued (its signing step refused it).</summary>
    public void Release(PreparedCertificate prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Broken is null && ReferenceEquals(prepared.Issuer, this)) _issuedSerials.Remove(prepared.Serial);
    }

    private PreparedCertificate Reserve(IssuanceRequest clamped, X509Name subject, PkiRandom rng)
    {
        var serial = NewSerial(rng, s => _issuedSerials.Contains(s));
        var prepared = new PreparedCertificate(this, clamped, subject, serial, rng);
        _issuedSerials.Add(prepared.Serial);
        return prepared;
    }
}
