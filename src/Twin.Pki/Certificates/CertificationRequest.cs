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
        var san = SafeRequestedExtensions(inner)?.GetExtension(X509Extensions.SubjectAlternativeName);
        if (san is not null)
        {
            var names = GeneralNames.GetInstance(san.GetParsedValue()).GetNames();
            RequestedUris = [.. names.Where(n => n.TagNo == GeneralName.UniformResourceIdentifier).Select(n => n.Name.ToString()!)];
            RequestedDnsNames = [.. names.Where(n => n.TagNo == GeneralName.DnsName).Select(n => n.Name.ToString()!)];
            RequestedIpAddresses = [.. names.Where(n => n.TagNo == GeneralName.IPAddress)
                .Select(n => new System.Net.IPAddress(Org.BouncyCastle.Asn1.Asn1OctetString.GetInstance(n.Name).GetOctets()))];
        }
    }

    /// <summary>URIs the requester asks for in subjectAltName (extensionRequest, RFC 2985 §5.4.2): an OPC UA ApplicationUri, a device URN.</summary>
    public IReadOnlyList<string> RequestedUris { get; } = [];

    /// <summary>DNS names the requester asks for in subjectAltName.</summary>
    public IReadOnlyList<string> RequestedDnsNames { get; } = [];

    /// <summary>IP addresses the requester asks for in subjectAltName.</summary>
    public IReadOnlyList<System.Net.IPAddress> RequestedIpAddresses { get; } = [];

    private static X509Extensions? SafeRequestedExtensions(Pkcs10CertificationRequest request)
    {
        try
        {
            return request.GetRequestedExtensions();
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or InvalidOperationException)
        {
            throw new PkiFormatException($"PKCS#10 request: malformed extensionRequest attribute ({e.Message}).", e);
        }
    }

    /// <summary>The requested subject name.</summary>
    public string Subject { get; }

    /// <summary>The public key to be certified.</summary>
    public PublicKey PublicKey { get; }

    // 0 not checked yet, 1 valid, 2 invalid: the request is immutable, so its signature is verified once, whichever thread asks first
    // (an enrollment endpoint checks it ahead, the registrar judges with the answer).
    private int _signature;

    /// <summary>True when the request is signed by the private key matching <see cref="PublicKey"/> (proof of possession).</summary>
    public bool IsSignatureValid
    {
        get
        {
            var known = Volatile.Read(ref _signature);
            if (known != 0) return known == 1;
            bool valid;
            try
            {
                valid = _inner.Verify();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                valid = false;
            }
            Volatile.Write(ref _signature, valid ? 1 : 2);
            return valid;
        }
    }

    /// <summary>A copy of the DER encoding.</summary>
    public byte[] GetDer() => (byte[])_der.Clone();

    /// <summary>The PEM encoding ("CERTIFICATE REQUEST").</summary>
    public string ToPem() => Pem.Encode("CERTIFICATE REQUEST", _der);

    /// <summary>Creates a request for <paramref name="subject"/>, signed with <paramref name="key"/>.</summary>
    public static CertificationRequest Create(string subject, KeyPair key, PkiRandom? random = null) =>
        Create(subject, (ISigningKey)key, [], [], random);

    /// <summary>Creates a request for <paramref name="subject"/>, signed with <paramref name="key"/> where it lives (a key store's handle).</summary>
    public static CertificationRequest Create(string subject, ISigningKey key, PkiRandom? random = null) =>
        Create(subject, key, [], [], random);

    /// <summary>
    /// Creates a request signed by <paramref name="key"/>, which may live in a secure element, asking for the given
    /// subjectAltName URIs and DNS names through an extensionRequest attribute (RFC 2985 §5.4.2).
    /// </summary>
    public static CertificationRequest Create(string subject, ISigningKey key, IReadOnlyList<string> uris, IReadOnlyList<string> dnsNames, PkiRandom? random = null) =>
        Create(subject, key, uris, dnsNames, [], random);

    /// <summary>As the overload without addresses, also asking for IP addresses in subjectAltName (a TLS server reached by address).</summary>
    public static CertificationRequest Create(string subject, ISigningKey key, IReadOnlyList<string> uris, IReadOnlyList<string> dnsNames, IReadOnlyList<System.Net.IPAddress> ipAddresses, PkiRandom? random = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(uris);
        ArgumentNullException.ThrowIfNull(dnsNames);
        ArgumentNullException.ThrowIfNull(ipAddresses);
        var name = DistinguishedNames.Parse(subject);
        Org.BouncyCastle.Asn1.Asn1Set? attributes = null;
        if (uris.Count + dnsNames.Count + ipAddresses.Count > 0)
        {
            var names = uris.Select(u => new GeneralName(GeneralName.UniformResourceIdentifier, u))
                .Concat(dnsNames.Select(d => new GeneralName(GeneralName.DnsName, d)))
                .Concat(ipAddresses.Select(ip => new GeneralName(GeneralName.IPAddress, ip.ToString()))).ToArray();
            var extensions = new X509ExtensionsGenerator();
            extensions.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(names));
            attributes = new Org.BouncyCastle.Asn1.DerSet(new Org.BouncyCastle.Asn1.Pkcs.AttributePkcs(
                Org.BouncyCastle.Asn1.Pkcs.PkcsObjectIdentifiers.Pkcs9AtExtensionRequest, new Org.BouncyCastle.Asn1.DerSet(extensions.Generate())));
        }
        var request = new Pkcs10CertificationRequest(Signing.Factory(key, random ?? PkiRandom.System), name, key.PublicKey.ToParameter(), attributes);
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
