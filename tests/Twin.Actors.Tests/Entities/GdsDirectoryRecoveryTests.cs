using System.Globalization;
using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;
using Twin.Actors.Trust;
using Twin.OpcUa.Client;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A domain's GDS (OPC 10000-12 §7.9) killed with its registrar and started again serves the directory it had: the application
/// keeps its ApplicationId, its certificate group, trust list and current certificate; and a signing request sent again after the
/// restart — an application that never heard the answer — gets the certificate the CA already issued, not a second one.
/// </summary>
// Generous idle waits: a loaded machine slows RSA key generation and the sessions.
public sealed class GdsDirectoryRecoveryTests() : RegistrarWithCaTestKit("gds-directory-recover", new RunId("gds-recover"), CaId,
    new CaSettings("CN=Issuing,O=PlantTrust", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(3650)), Settings, TimeSpan.FromMinutes(2))
{
    private const string PeaUri = "urn:planttrust:gds-recover:pea-001";
    private static readonly EntityId CaId = new("ca-issuing");
    private static readonly EntityId PeaId = new("pea-001");
    private static readonly RegistrarSettings Settings = new("plant", CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ca)
    {
        Gds = Twin.Actors.Scenarios.GdsDelivery.Pull,
        GdsServers = [new GdsManagedServer(PeaId, PeaUri, TimeSpan.FromDays(2), 0.5, TimeSpan.Zero)],
    };

    [Fact]
    public async Task A_restarted_GDS_keeps_the_registration_and_answers_a_repeated_request_with_the_certificate_already_issued()
    {
        var registrar = StartRegistrar();
        await Idle();
        var identity = await PeaIdentityAsync();
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var csr = CertificationRequest.Create("CN=pea-001", key, [PeaUri], ["localhost"]).GetDer();

        var first = await GdsPullClient.RequestAsync(Endpoint(), ClientOptions(identity), Record(), csr);
        await Idle();
        Assert.NotNull(first.Certificate);
        Assert.True(Certificate.FromDer(first.Certificate).PublicKey.Equals(key.PublicKey));
        var issuedBefore = await IssuedToPeaAsync();

        var revived = await RestartAsync(registrar);

        // The directory as it was: FindApplications, GetCertificateGroups, GetCertificates, GetCertificateStatus (§7.9.6, .10, .12, .14).
        await using (var session = await ClientSession.ConnectAsync(Endpoint(), ClientOptions(identity) with { ApplicationUri = PeaUri, SecurityMode = MessageSecurityMode.SignAndEncrypt }))
        {
            var gds = GdsPullClient.For(session);
            var found = Assert.Single(await gds.FindApplicationsAsync(PeaUri));
            Assert.Equal(first.ApplicationId, found.ApplicationId);
            Assert.Equal(["urn:planttrust:pea"], [found.ProductUri]);
            Assert.Equal("pea-001", Assert.Single(found.ApplicationNames).Text);
            var group = Assert.Single(await gds.GetCertificateGroupsAsync(found.ApplicationId));
            Assert.Equal(first.Certificate, Assert.Single(await gds.GetCertificatesAsync(found.ApplicationId, group)));
            Assert.False(await gds.GetCertificateStatusAsync(found.ApplicationId, group)); // current: issued a moment ago by the CA that signs now
            Assert.Equal(first.ApplicationId, await gds.RegisterApplicationAsync(Record())); // registering again keeps the id
        }

        // The same request again (the application recovered before it heard the answer): the same certificate, and the CA issued nothing new.
        var again = await GdsPullClient.RequestAsync(Endpoint(), ClientOptions(identity), Record(), csr);
        await Idle();
        Assert.Equal(first.ApplicationId, again.ApplicationId);
        Assert.Equal(first.Certificate, again.Certificate);
        Assert.Equal(issuedBefore, await IssuedToPeaAsync());
        Assert.Equal("OK", await OpenSslVerdictAsync(again.Certificate!));

        // A new request (a new key) is signed anew; a second restart still finds the one registration.
        var other = CertificationRequest.Create("CN=pea-001", KeyGenerator.Generate(KeyAlgorithm.Rsa2048), [PeaUri], ["localhost"]).GetDer();
        var renewed = await GdsPullClient.RequestAsync(Endpoint(), ClientOptions(identity), Record(), other);
        await Idle();
        Assert.NotEqual(first.Certificate, renewed.Certificate);
        Assert.Equal(issuedBefore + 1, await IssuedToPeaAsync());
        await RestartAsync(revived);
        await using (var session = await ClientSession.ConnectAsync(Endpoint(), ClientOptions(identity) with { ApplicationUri = PeaUri, SecurityMode = MessageSecurityMode.SignAndEncrypt }))
        {
            var gds = GdsPullClient.For(session);
            var found = Assert.Single(await gds.FindApplicationsAsync(PeaUri));
            Assert.Equal(first.ApplicationId, found.ApplicationId);
            Assert.Equal(renewed.Certificate, Assert.Single(await gds.GetCertificatesAsync(found.ApplicationId, Assert.Single(await gds.GetCertificateGroupsAsync(found.ApplicationId)))));
            // RevokeCertificate takes an earlier certificate of the application too: the CA's records say it issued it.
            await gds.RevokeCertificateAsync(found.ApplicationId, first.Certificate!);
        }
        // The call answers once the CA has journaled the revocation (§7.9.15).
        Assert.Contains((await EventQuery.AllAsync(Sys, Run)).OfType<CertificateRevoked>(), r => r.Serial == Certificate.FromDer(first.Certificate!).SerialNumber.Hex);
        Assert.Single((await EventQuery.AllAsync(Sys, Run)).OfType<RegistrarGdsApplicationRegistered>());
    }

    [Fact]
    public async Task What_the_GDS_answered_survives_a_kill_right_after_the_answer()
    {
        var registrar = StartRegistrar();
        await Idle();
        var identity = await PeaIdentityAsync();

        // Killed the moment RegisterApplication answered: the registration was journaled before the answer, so the restarted GDS knows the id.
        Twin.OpcUa.Encoding.NodeId id;
        await using (var session = await ConnectAsPeaAsync(identity))
        {
            id = await GdsPullClient.For(session).RegisterApplicationAsync(Record());
            KillAtOnce(registrar);
        }
        registrar = StartRegistrar();
        await Idle();
        byte[] delivered;
        await using (var session = await ConnectAsPeaAsync(identity))
        {
            var gds = GdsPullClient.For(session);
            Assert.Equal(id, Assert.Single(await gds.FindApplicationsAsync(PeaUri)).ApplicationId);

            // Killed the moment FinishRequest handed out the certificate: the restarted GDS holds it as the application's current one.
            var group = Assert.Single(await gds.GetCertificateGroupsAsync(id));
            var csr = CertificationRequest.Create("CN=pea-001", KeyGenerator.Generate(KeyAlgorithm.Rsa2048), [PeaUri], ["localhost"]).GetDer();
            delivered = (await gds.FinishWhenDoneAsync(id, await gds.StartSigningRequestAsync(id, group, csr))).Certificate;
            KillAtOnce(registrar);
        }
        StartRegistrar();
        await Idle();
        await using (var session = await ConnectAsPeaAsync(identity))
        {
            var gds = GdsPullClient.For(session);
            var group = Assert.Single(await gds.GetCertificateGroupsAsync(id));
            Assert.Equal(delivered, Assert.Single(await gds.GetCertificatesAsync(id, group)));
            Assert.False(await gds.GetCertificateStatusAsync(id, group));
        }
    }

    [Fact]
    public async Task The_GDS_revokes_the_tenth_last_certificate_of_an_application_after_a_restart_and_refuses_one_its_CA_never_issued()
    {
        var registrar = StartRegistrar();
        await Idle();
        var identity = await PeaIdentityAsync();
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var issued = new List<byte[]>();
        Twin.OpcUa.Encoding.NodeId id;
        await using (var session = await ConnectAsPeaAsync(identity))
        {
            var gds = GdsPullClient.For(session);
            id = await gds.RegisterApplicationAsync(Record());
            var group = Assert.Single(await gds.GetCertificateGroupsAsync(id));
            // Ten renewals (a subject per request: the same request twice would be a repeat, answered with the same certificate).
            for (var i = 1; i <= 10; i++)
            {
                var csr = CertificationRequest.Create($"CN=pea-001 {i}", key, [PeaUri], ["localhost"]).GetDer();
                issued.Add((await gds.FinishWhenDoneAsync(id, await gds.StartSigningRequestAsync(id, group, csr))).Certificate);
            }
        }
        await RestartAsync(registrar);

        await using (var session = await ConnectAsPeaAsync(identity))
        {
            var gds = GdsPullClient.For(session);
            await gds.RevokeCertificateAsync(id, issued[0]);
            var serial = Certificate.FromDer(issued[0]).SerialNumber.Hex;
            Assert.Contains((await EventQuery.AllAsync(Sys, Run)).OfType<CertificateRevoked>(), r => r.Serial == serial && r.Requester == "gds:" + PeaUri);
            Assert.False(await gds.GetCertificateStatusAsync(id, Assert.Single(await gds.GetCertificateGroupsAsync(id)))); // the current one is untouched

            // Part 12 §7.9.15: a certificate naming the application that its CA never issued is Bad_InvalidArgument.
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=pea-001", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256,
                System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
            san.AddUri(new Uri(PeaUri));
            request.CertificateExtensions.Add(san.Build());
            using var forged = request.CreateSelfSigned(T0.Utc.AddDays(-1), T0.Utc.AddDays(30));
            var refused = await Assert.ThrowsAsync<Twin.OpcUa.Encoding.UaException>(() => gds.RevokeCertificateAsync(id, forged.RawData));
            Assert.Equal(Twin.OpcUa.Encoding.StatusCodes.BadInvalidArgument, refused.StatusCode.Code);
        }

        // openssl, from the CA's CRL at simulated time: the 10th-last is revoked, the current one is not.
        Assert.Contains("certificate revoked", await OpenSslVerdictAsync(issued[0], withCrl: true), StringComparison.Ordinal);
        Assert.Equal("OK", await OpenSslVerdictAsync(issued[^1], withCrl: true));
    }

    private Task<ClientSession> ConnectAsPeaAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 identity) =>
        ClientSession.ConnectAsync(Endpoint(), ClientOptions(identity) with { ApplicationUri = PeaUri, SecurityMode = MessageSecurityMode.SignAndEncrypt });

    private string Endpoint() => Runtime.GdsEndpoints["plant"];

    private ClientOptions ClientOptions(System.Security.Cryptography.X509Certificates.X509Certificate2 identity) => new()
    {
        Certificate = identity,
        ServerCertificateValidator = new PlantCertificateValidator(Runtime.Distribution, Clock),
        Time = new SimTimeProvider(Clock),
        AllowedPolicies = [SecurityPolicies.Basic256Sha256],
        AutoReconnect = false,
    };

    private static ApplicationRecord Record() => new(Twin.OpcUa.Encoding.NodeId.Null, PeaUri, ApplicationType.Server, [new Twin.OpcUa.Encoding.LocalizedText("en", "pea-001")],
        "urn:planttrust:pea", ["opc.tcp://127.0.0.1:4840"], ["NA"]);

    // The PEA's first application certificate, issued by the CA in process (as the twin enrolls it before the GDS takes over).
    private async Task<System.Security.Cryptography.X509Certificates.X509Certificate2> PeaIdentityAsync()
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var granted = await Ca.Ask<CertificateGranted>(new IssueFromCsr(new EntityId("setup"), CertificationRequest.Create("CN=pea-001", key, [PeaUri], ["localhost"]).GetDer(),
            CertificateProfile.OpcUaApplication, TimeSpan.FromDays(2)), TimeSpan.FromSeconds(30));
        return Twin.Actors.Entities.Pea.OpcUaIdentity.WithPrivateKey(Certificate.FromDer(granted.CertificateDer), key);
    }

    private async Task<int> IssuedToPeaAsync() => (await EventQuery.AllAsync(Sys, Run)).OfType<CertificateIssued>().Count(i => i.Subject == PeaId);

    private async Task<string> OpenSslVerdictAsync(byte[] leaf, bool withCrl = false)
    {
        var ca = await Ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(30));
        var dir = RepoPaths.NewScratch("gds-recover-oracle");
        var args = new List<string>
        {
            "verify", "-attime", T0.Add(TimeSpan.FromHours(1)).Utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "-CAfile", RepoPaths.WriteText(dir, "ca.pem", Certificate.FromDer(ca.CertificateDer!).ToPem()),
        };
        if (withCrl)
        {
            var crl = await Ca.Ask<CaCrl>(new GetCurrentCrl(), TimeSpan.FromSeconds(30));
            args.AddRange(["-crl_check", "-CRLfile", RepoPaths.WriteText(dir, "ca.crl", Twin.Pki.Revocation.CertificateRevocationList.FromDer(crl.CrlDer!).ToPem())]);
        }
        args.Add(RepoPaths.WriteText(dir, "leaf.pem", Certificate.FromDer(leaf).ToPem()));
        var result = await Peer.OpenSslAsync([.. args]);
        return result.ExitCode == 0 ? "OK" : result.All;
    }
}
