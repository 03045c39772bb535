using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Twin.OpcUa.Client;
using Twin.OpcUa.Encoding;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.Security;
using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.NegativeMatrix;

/// <summary>
/// A rogue device: a client certificate nobody issued — a fresh key, self-signed, with a plausible subject and URI. node-opcua's
/// client and ours are told the same by our server; the server keeps it in the rejected list its GetRejectedList gives out.
/// </summary>
public sealed class SelfSignedClientTests
{
    private const string RogueUri = "urn:planttrust:plant:pea-maintenance";

    // Part 4 §6.1.3 (BadCertificateUntrusted kept by the server), Part 6 §6.7.4 (the client told BadSecurityChecksFailed), Part 12 §7.10.9.
    [Fact]
    public async Task A_self_signed_client_is_refused_alike_for_node_opcua_and_our_client_and_is_in_the_rejected_list()
    {
        var pki = MatrixPki.Shared;
        var rejected = new RejectionRecorder();
        var validator = pki.Validator(rejected);
        var options = TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = pki.OurServer.Certificate, CertificateValidator = validator,
            Users = [new UserAccount("secadmin", "secadmin-password", new HashSet<string> { Roles.SecurityAdmin })],
        };
        await using var host = UaServerHost.StartTcp(TestPlant.Create(), options);
        var folder = RepoPaths.NewScratch("self-signed-client");
        using var rogue = SelfSigned("pea-maintenance", RogueUri);
        var certFile = RepoPaths.WriteText(folder, "rogue.pem", rogue.ExportCertificatePem());
        var keyFile = RepoPaths.WriteText(folder, "rogue.key", rogue.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());

        var node = await NodeClientNegativeTests.RunCasesAsync(host.EndpointUrl,
        [
            new
            {
                name = "self-signed", url = host.EndpointUrl, policy = "Basic256Sha256", mode = "SignAndEncrypt", cert = certFile, key = keyFile, appUri = RogueUri,
                clientPki = pki.NodePkiFolder("self-signed-client-pki"), serverPki = pki.NodePkiFolder("self-signed-server-pki"),
                user = (string?)null, password = (string?)null, claimApplicationUri = (string?)null, serverCertificate = (string?)null,
            },
        ]);
        var ours = await Assert.ThrowsAsync<UaException>(() => ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions
        {
            ApplicationUri = RogueUri, Certificate = rogue, ServerCertificateValidator = new AnyServer(), AutoReconnect = false,
            SecurityMode = MessageSecurityMode.SignAndEncrypt,
        }));

        var result = node["self-signed"];
        var told = result.GetProperty("code").GetString() ?? result.GetProperty("transportError").GetString();
        Assert.False(result.GetProperty("connected").GetBoolean(), result.ToString());
        Assert.Equal("BadSecurityChecksFailed", told);
        Assert.Equal(told, StatusCodes.NameOf(ours.StatusCode.Code));
        // node-opcua's own certificate manager, under the same trust, judges it as our server does.
        Assert.Equal("BadCertificateUntrusted", result.GetProperty("verdict").GetString());
        Assert.All(rejected.CodesFor(rogue), code => Assert.Equal(StatusCodes.BadCertificateUntrusted, code));
        Assert.NotEmpty(rejected.CodesFor(rogue));
        Assert.Equal(0, host.SessionCount);
        var admin = pki.NodeClient[Fault.None];
        await using var session = await ClientSession.ConnectAsync(host.EndpointUrl, new ClientOptions
        {
            ApplicationUri = TestPki.NodeClientUri, Certificate = admin.Certificate, ServerCertificateValidator = new AnyServer(),
            AutoReconnect = false, SecurityMode = MessageSecurityMode.SignAndEncrypt, User = ("secadmin", "secadmin-password"),
        });
        var listed = await new PushManagementClient(session).GetRejectedListAsync();
        Assert.Contains(listed, der => der.AsSpan().SequenceEqual(rogue.RawData));
    }

    private static X509Certificate2 SelfSigned(string commonName, string uri)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={commonName}, O=Operator, C=DE", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(uri));
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }

    private sealed class AnyServer : ICertificateValidator
    {
        public CertificateVerdict Validate(CertificateCheck check) => CertificateVerdict.Good;
    }
}
