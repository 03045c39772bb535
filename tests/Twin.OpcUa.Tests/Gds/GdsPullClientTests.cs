using System.Text.Json;
using Twin.OpcUa.Client;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Security;
using Twin.OpcUa.Server;
using Twin.Tests.Support;

namespace Twin.OpcUa.Tests.Gds;

/// <summary>
/// Our pull client (OPC 10000-12 §7.9) renews one of our servers from our GDS: status, signing request, FinishRequest, then the
/// certificate and trust list installed and applied. node-opcua's client, connecting to that server afterwards, is the judge of
/// what its endpoints advertise and whom it now trusts; openssl judges the certificate.
/// </summary>
public sealed class GdsPullClientTests
{
    private const string PeaUri = "urn:planttrust:test:pea";

    private static UaServerHost Gds(TestGdsBackend backend, out GdsDirectory directory)
    {
        var host = UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options with
        {
            ApplicationUri = TestPki.ServerUri, Certificate = TestPki.Shared.Server.Certificate, CertificateValidator = TestPki.Shared.Validator(),
            Users = [new UserAccount("ca-admin", "ca-secret", new HashSet<string> { GdsRoles.CertificateAuthorityAdmin })],
        });
        directory = new GdsDirectory(host, backend);
        return host;
    }

    // A PEA server that trusts nobody yet: its trust list comes from the GDS.
    private static UaServerHost Pea() => UaServerHost.StartTcp(TestPlant.Create(), TestPlant.Options with
    {
        ApplicationUri = PeaUri, Certificate = TestPki.Shared.IssueApplication("CN=PEA under test", PeaUri).Certificate, CertificateValidator = new PkiCertificateValidator(),
    });

    private static ApplicationRecord Record(UaServerHost pea) =>
        new(Twin.OpcUa.Encoding.NodeId.Null, PeaUri, ApplicationType.Server, [new Twin.OpcUa.Encoding.LocalizedText("en", "PEA under test")], "urn:planttrust:test:pea", [pea.EndpointUrl], ["NA"]);

    private static ClientOptions ToGds => new()
    {
        ServerCertificateValidator = TestPki.Shared.Validator(), AllowedPolicies = [SecurityPolicies.Basic256Sha256], AutoReconnect = false,
    };

    private static async Task<JsonElement> NodeSees(string url)
    {
        var folder = RepoPaths.NewScratch("node-gds-endpoints");
        TestPki.WritePem(TestPki.Shared.NodeClient, folder, "client");
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "certs"));
        Directory.CreateDirectory(Path.Combine(folder, "pki", "trusted", "crl"));
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "certs", "ca.der"), TestPki.Shared.Ca.Certificate.GetDer());
        File.WriteAllBytes(Path.Combine(folder, "pki", "trusted", "crl", "ca.crl"), TestPki.Shared.Crl);
        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "gds-pull.js");
        var result = await Peer.RunAsync("node", [script, "endpoints", url, "SignAndEncrypt", folder, "-", "-", PeaUri], Path.Combine(RepoPaths.Root, "tests", "peers"),
            TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith('{'))).RootElement;
    }

    [Fact]
    public async Task A_pulled_certificate_and_trust_list_take_effect_on_the_server_at_once()
    {
        var backend = new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false);
        await using var gds = Gds(backend, out var directory);
        await using var pea = Pea();
        var old = pea.Certificate!.RawData;
        Assert.NotEqual("Good", (await NodeSees(pea.EndpointUrl)).GetProperty("session").GetString());

        var outcome = await GdsPullClient.PullAsync(pea, gds.EndpointUrl, ToGds, Record(pea));

        Assert.True(outcome.UpdateRequired);
        Assert.NotNull(outcome.Installed);
        Assert.False(outcome.UpdateRequiredAfterReconnect);
        var fresh = Convert.ToBase64String(outcome.Installed!.RawData);
        Assert.NotEqual(Convert.ToBase64String(old), fresh);
        Assert.Equal(fresh, Convert.ToBase64String(pea.Certificate!.RawData));
        Assert.Equal(PeaUri, Assert.Single(directory.Applications).ApplicationUri);

        // node-opcua: every endpoint advertises the pulled certificate, and the pulled trust list (the CA) admits its client.
        var seen = await NodeSees(pea.EndpointUrl);
        var advertised = seen.GetProperty("endpointCertificates").EnumerateArray().Select(e => e.GetString()).ToArray();
        Assert.NotEmpty(advertised);
        Assert.All(advertised, c => Assert.Equal(fresh, c));
        Assert.Equal("Good", seen.GetProperty("session").GetString());
        Assert.Equal(fresh, seen.GetProperty("sessionCertificate").GetString());

        var folder = RepoPaths.NewScratch("gds-pulled");
        File.WriteAllText(Path.Combine(folder, "ca.pem"), TestPki.Shared.Ca.Certificate.ToPem());
        File.WriteAllText(Path.Combine(folder, "pulled.pem"), outcome.Installed.ExportCertificatePem());
        var verify = await Peer.OpenSslAsync("verify", "-CAfile", Path.Combine(folder, "ca.pem"), Path.Combine(folder, "pulled.pem"));
        Assert.True(verify.ExitCode == 0, verify.All);

        // A second pull finds nothing to renew: the certificate stays.
        var again = await GdsPullClient.PullAsync(pea, gds.EndpointUrl, ToGds, Record(pea));
        Assert.False(again.UpdateRequired);
        Assert.Null(again.Installed);
        Assert.Equal(fresh, Convert.ToBase64String(pea.Certificate!.RawData));
    }

    [Fact]
    public async Task After_a_revocation_the_next_pull_renews_and_brings_the_CRL_that_refuses_the_revoked()
    {
        var backend = new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false);
        await using var gds = Gds(backend, out _);
        await using var pea = Pea();
        var first = await GdsPullClient.PullAsync(pea, gds.EndpointUrl, ToGds, Record(pea));
        Assert.Equal("Good", (await NodeSees(pea.EndpointUrl)).GetProperty("session").GetString());

        // A CA admin revokes the PEA's certificate through the GDS; the CA's next CRL also revokes node-opcua's client.
        await using (var admin = await ClientSession.ConnectAsync(gds.EndpointUrl, ToGds with
        {
            Certificate = TestPki.Shared.Client.Certificate, ApplicationUri = TestPki.ClientUri, SecurityMode = MessageSecurityMode.SignAndEncrypt, User = ("ca-admin", "ca-secret"),
        }))
        {
            await GdsPullClient.For(admin).RevokeCertificateAsync(first.ApplicationId, first.Installed!.RawData);
        }
        Assert.Equal(first.Installed!.RawData, Assert.Single(backend.Revoked));
        backend.Crl = TestPki.Shared.CrlRevoking(TestPki.Shared.NodeClient.Certificate);

        var second = await GdsPullClient.PullAsync(pea, gds.EndpointUrl, ToGds with { }, Record(pea));

        Assert.True(second.UpdateRequired);
        Assert.NotNull(second.Installed);
        Assert.NotEqual(first.Installed.RawData, second.Installed!.RawData);
        Assert.Equal(backend.Crl, Assert.Single(second.TrustList.TrustedCrls));
        var seen = await NodeSees(pea.EndpointUrl);
        Assert.NotEqual("Good", seen.GetProperty("session").GetString());
        Assert.All(seen.GetProperty("endpointCertificates").EnumerateArray(), c => Assert.Equal(Convert.ToBase64String(second.Installed.RawData), c.GetString()));
    }

    // Part 12 §7.9.8 / §7.9.11: what the GDS refuses, and how — as our client sees it.
    [Fact]
    public async Task The_GDS_refuses_requests_for_other_names_foreign_records_and_what_its_CA_refuses()
    {
        var backend = new TestGdsBackend(TestPki.Shared.Ca, TestPki.Shared.Crl, holdUntilTrustListRead: false);
        await using var gds = Gds(backend, out _);
        await using var pea = Pea();
        await using var self = await ClientSession.ConnectAsync(gds.EndpointUrl, ToGds with
        {
            Certificate = pea.Certificate, ApplicationUri = PeaUri, SecurityMode = MessageSecurityMode.SignAndEncrypt,
        });
        var client = GdsPullClient.For(self);
        var id = await client.RegisterApplicationAsync(Record(pea));
        var group = Assert.Single(await client.GetCertificateGroupsAsync(id));

        async Task<uint> Refused(Func<Task> call) => (await Assert.ThrowsAsync<Twin.OpcUa.Encoding.UaException>(call)).StatusCode.Code;
        using var key = System.Security.Cryptography.RSA.Create(2048);
        byte[] Csr(string uri)
        {
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=x", key, System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
            san.AddUri(new Uri(uri));
            request.CertificateExtensions.Add(san.Build());
            return request.CreateSigningRequest();
        }

        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadInvalidArgument, await Refused(() => client.StartSigningRequestAsync(id, group, Csr("urn:someone:else"))));
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadInvalidArgument, await Refused(() => client.StartSigningRequestAsync(id, group, [0x30, 0x03, 0x02, 0x01, 0x00])));
        var foreign = Record(pea) with { ApplicationUri = "urn:planttrust:test:other-pea" };
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadUserAccessDenied, await Refused(() => client.RegisterApplicationAsync(foreign)));
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadNotFound,
            await Refused(() => client.GetCertificateStatusAsync(new Twin.OpcUa.Encoding.NodeId(Guid.NewGuid(), 3), group)));

        backend.RefuseWith = "not in the domain's allow-list";
        var requestId = await client.StartSigningRequestAsync(id, group, Csr(PeaUri));
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadRequestNotAllowed, await Refused(() => client.FinishWhenDoneAsync(id, requestId)));
        // The refusal was the answer: the request is gone.
        Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadInvalidArgument, await Refused(() => client.FinishRequestAsync(id, requestId)));
        Assert.True(await client.GetCertificateStatusAsync(id, group));
    }
}
