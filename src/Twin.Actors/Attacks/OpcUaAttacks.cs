using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Security;

namespace Twin.Actors.Attacks;

/// <summary>The attacks an outsider plays against a PEA's OPC UA server, over the real stack on loopback.</summary>
public enum OpcUaAttack
{
    /// <summary>A device with a self-signed application certificate (fresh key, plausible name) opens a secure channel.</summary>
    RogueDevice,
    /// <summary>A client asks for SecurityPolicy None; a man in the middle offers the POL only None.</summary>
    DowngradeNone,
    /// <summary>A rogue GDS pushes its own CA into the server's trust list.</summary>
    RogueGds,
}

/// <summary>One step of an attack and what the server (or the POL) answered: refused, with which OPC UA status.</summary>
public sealed record AttackOutcome(string Step, uint StatusCode, bool Refused, string Detail)
{
    /// <summary>The status's name, e.g. BadSecurityChecksFailed.</summary>
    public string Status => StatusCodes.NameOf(StatusCode);
}

/// <summary>
/// The attacker's side of each attack. Pure client code: it knows nothing of the twin's actors and judges nothing — every
/// outcome is what the server answered on the wire.
/// </summary>
public static class OpcUaAttacks
{
    /// <summary>The attacker's own client certificate: a fresh RSA-2048 key, self-signed, with a plausible subject and application URI.</summary>
    public static X509Certificate2 SelfSigned(string commonName, string applicationUri, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}, O=Operator, C=DE", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(applicationUri));
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A self-signed CA the rogue GDS wants the server to trust.</summary>
    public static byte[] RogueCa(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Plant Maintenance CA, O=Operator, C=DE", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return certificate.RawData;
    }

    /// <summary>Client options of the attacker: it trusts whatever server answers (it wants in, not to be safe).</summary>
    public static ClientOptions AttackerOptions(X509Certificate2? certificate, string applicationUri, TimeProvider time) => new()
    {
        ApplicationUri = applicationUri,
        ApplicationName = "maintenance laptop",
        Certificate = certificate,
        ServerCertificateValidator = new AnyServer(),
        Time = time,
        ReceiveSpin = TimeSpan.Zero, // the twin's sessions leave the CPUs to its actors
        AutoReconnect = false,
        RequestTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>The rogue device: a secure session with a self-signed certificate.</summary>
    public static async Task<AttackOutcome> RogueDeviceAsync(string url, X509Certificate2 selfSigned, string applicationUri, TimeProvider time)
    {
        var options = AttackerOptions(selfSigned, applicationUri, time) with { SecurityMode = MessageSecurityMode.SignAndEncrypt };
        return await SessionAsync("self-signed certificate", url, options, _ => Task.FromResult("a session was created for the self-signed certificate")).ConfigureAwait(false);
    }

    /// <summary>The first half of the downgrade: CreateSession on a SecurityPolicy None channel, whether or not the server offers None.</summary>
    public static async Task<AttackOutcome> PlaintextSessionAsync(string url, TimeProvider time)
    {
        var none = new EndpointDescription
        {
            EndpointUrl = url, SecurityMode = MessageSecurityMode.None, SecurityPolicyUri = SecurityPolicies.None, TransportProfileUri = SecurityPolicies.UaTcpTransport,
            UserIdentityTokens = [new UserTokenPolicy { PolicyId = "anonymous", TokenType = UserTokenType.Anonymous }],
        };
        try
        {
            await using var session = await ClientSession.ConnectToEndpointAsync(url, none, AttackerOptions(null, "urn:planttrust:attacker:plaintext", time)).ConfigureAwait(false);
            return new AttackOutcome("SecurityPolicy None", StatusCodes.Good, false, "a session was created without security");
        }
        catch (UaException e)
        {
            return new AttackOutcome("SecurityPolicy None", e.StatusCode.Code, true, e.Message);
        }
    }

    /// <summary>
    /// The rogue GDS: AddCertificate of its own CA into the DefaultApplicationGroup's trust list, and an attempt to open the
    /// trust list for writing — with a self-signed identity (the channel is refused), with <paramref name="trusted"/> (a plant
    /// identity, anonymous user) over SignAndEncrypt, and with it over Sign only.
    /// </summary>
    public static async Task<IReadOnlyList<AttackOutcome>> RogueGdsAsync(string url, X509Certificate2 selfSigned, X509Certificate2 trusted, string applicationUri, byte[] rogueCa, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        var push = (Func<ClientSession, Task<string>>)(async session =>
        {
            await session.CallMethodAsync(GdsIds.TrustList, GdsIds.TrustListAddCertificate, [new Variant(BuiltInType.ByteString, rogueCa), new Variant(BuiltInType.Boolean, true)]).ConfigureAwait(false);
            return "the rogue CA was added to the trust list";
        });
        var outsider = AttackerOptions(selfSigned, applicationUri, time) with { SecurityMode = MessageSecurityMode.SignAndEncrypt };
        var insider = AttackerOptions(trusted, (CertificateNames.UrisOf(trusted) is [var own, ..] ? own : applicationUri), time);
        return
        [
            await SessionAsync("AddCertificate with a self-signed identity", url, outsider, push).ConfigureAwait(false),
            await SessionAsync("AddCertificate as Anonymous over SignAndEncrypt", url, insider with { SecurityMode = MessageSecurityMode.SignAndEncrypt }, push).ConfigureAwait(false),
            await SessionAsync("TrustList Open for writing as Anonymous over SignAndEncrypt", url, insider with { SecurityMode = MessageSecurityMode.SignAndEncrypt }, async session =>
            {
                await session.CallMethodAsync(GdsIds.TrustList, GdsIds.TrustListOpen, [new Variant(BuiltInType.Byte, (byte)(2 | 4))]).ConfigureAwait(false);
                return "the trust list was opened for writing";
            }).ConfigureAwait(false),
            await SessionAsync("AddCertificate over a Sign-only channel", url, insider with { SecurityMode = MessageSecurityMode.Sign }, push).ConfigureAwait(false),
        ];
    }

    // Connects and, once in, does what the attacker came for; the first Bad status on the way is the outcome.
    private static async Task<AttackOutcome> SessionAsync(string step, string url, ClientOptions options, Func<ClientSession, Task<string>> act)
    {
        try
        {
            await using var session = await ClientSession.ConnectAsync(url, options).ConfigureAwait(false);
            var done = await act(session).ConfigureAwait(false);
            return new AttackOutcome(step, StatusCodes.Good, false, done);
        }
        catch (UaException e)
        {
            return new AttackOutcome(step, e.StatusCode.Code, true, e.Message);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
        {
            return new AttackOutcome(step, StatusCodes.BadCommunicationError, true, e.Message);
        }
    }

    private sealed class AnyServer : ICertificateValidator
    {
        public CertificateVerdict Validate(CertificateCheck check) => CertificateVerdict.Good;
    }
}
