using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Pkcs;
using Twin.Pki.Encoding;
using Twin.Pki.Keys;

namespace Twin.Pki.Certificates;

/// <summary>A PKCS#10 certification request (RFC 2986).</summary>
public sealed class CertificationRequest
{
    private readonly Pkcs10CertificationRequest _inner;
    private readonly byte[] _der;

    private CertificationRequest(Pkcs10CertificationRequest inner)
    {
        _inner = inner;
        _der = inner.GetEncoded();
        var info = inner.GetCertificationRequestInfo();
        Subject = info.Subject.ToString();
        PublicKey = PublicKey.FromSubjectPublicKeyInfo(info.SubjectPublicKeyInfo.GetDerEncoded());
    }

    /// <summary>The requested subject name.</summary>
    public string Subject { get; }

    /// <summary>The public key to be certified.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>True when the request is signed by the private key matching <see cref="PublicKey"/> (proof of possession).</summary>
    public bool IsSignatureValid
    {
        get
        {
            try
            {
                return _inner.Verify();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return false;
            }
        }
    }

    /// <summary>A copy of the DER encoding.</summary>
    public byte[] GetDer() => (byte[])_der.Clone();

    /// <summary>The PEM encoding ("CERTIFICATE REQUEST").</summary>
    public string ToPem() => Pem.Encode("CERTIFICATE REQUEST", _der);

    /// <summary>Creates a request for <paramref name="subject"/>, signed with <paramref name="key"/>.</summary>
    public static CertificationRequest Create(string subject, KeyPair key, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = DistinguishedNames.Parse(subject);
        var request = new Pkcs10CertificationRequest(Signing.Factory(key, random ?? PkiRandom.System), name, key.Public, null);
        return new CertificationRequest(request);
    }

    /// <summary>Parses a DER-encoded request. The signature is not checked here; see <see cref="IsSignatureValid"/>.</summary>
    public static CertificationRequest FromDer(ReadOnlySpan<byte> der)
    {
        try
        {
            return new CertificationRequest(new Pkcs10CertificationRequest(der.ToArray()));
        }
        catch (Exception e) when (e is not PkiException)
        {
            throw new PkiFormatException($"PKCS#10 request: malformed DER ({e.Message}).", e);
        }
    }

    /// <summary>Parses the first "CERTIFICATE REQUEST" block of a PEM text (openssl req writes this label).</summary>
    public static CertificationRequest FromPem(string pem) => FromDer(Pem.Decode(pem, "CERTIFICATE REQUEST"));

    /// <inheritdoc />
    public override string ToString() => $"CertificationRequest({Subject}, {PublicKey})";
}

/// <summary>Parsing of distinguished names given as text ("CN=x, O=y").</summary>
public static class DistinguishedNames
{
    internal static X509Name Parse(string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        try
        {
            return new X509Name(subject);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new PkiFormatException($"Distinguished name '{subject}': {e.Message}", e);
        }
    }

    /// <summary>Normalises a distinguished name to the form certificates show.</summary>
    public static string Normalize(string subject) => Parse(subject).ToString();
}
