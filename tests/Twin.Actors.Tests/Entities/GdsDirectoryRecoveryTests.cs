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
public sealed class GdsDirectoryRecoveryTests : PersistentTestKit
{
    private const string PeaUri = "urn:planttrust:gds-recover:pea-001";
    private static readonly RunId Run = new("gds-recover");
    private static readonly EntityId CaId = new("ca-issuing");
    private static readonly EntityId PeaId = new("pea-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly RegistrarSettings Settings = new("plant", CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ca)
    {
        Gds = Twin.Actors.Scenarios.GdsDelivery.Pull,
        GdsServers = [new GdsManagedServer(PeaId, PeaUri, TimeSpan.FromDays(2), 0.5, TimeSpan.Zero)],
    };
    private static readonly EntityId RegistrarId = RegistrarSettings.EntityIdOf("plant");

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly Entropy _entropy = Entropy.System(Run);
    private readonly PlantRuntime _runtime = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;
    private readonly IActorRef _ca;

    public GdsDirectoryRecoveryTests() : base("gds-directory-recover")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
        _work.BeginStart(CaId.Value);
        _ca = Sys.ActorOf(CaActor.Props(Run, CaId, new CaSettings("CN=Issuing,O=PlantTrust", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(3650)), _clock, _vault, _work, _clockActor, _entropy,
            distribution: _runtime.Distribution));
    }

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
            // RevokeCertificate accepts only what the GDS issued to the application: the record of issuance survived too.
            await gds.RevokeCertificateAsync(found.ApplicationId, first.Certificate!);
        }
        // The call answers once the revocation is handed to the CA (§7.9.15); the CA journals it on its own time.
        await AwaitAssertAsync(async () => Assert.Contains((await EventQuery.AllAsync(Sys, Run)).OfType<CertificateRevoked>(),
            r => r.Serial == Certificate.FromDer(first.Certificate!).SerialNumber.Hex), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
        Assert.Single((await EventQuery.AllAsync(Sys, Run)).OfType<RegistrarGdsApplicationRegistered>());
    }

    private string Endpoint() => _runtime.GdsEndpoints["plant"];

    private ClientOptions ClientOptions(System.Security.Cryptography.X509Certificates.X509Certificate2 identity) => new()
    {
        Certificate = identity,
        ServerCertificateValidator = new PlantCertificateValidator(_runtime.Distribution, _clock),
        Time = new SimTimeProvider(_clock),
        AllowedPolicies = [SecurityPolicies.Basic256Sha256],
        AutoReconnect = false,
    };

    private static ApplicationRecord Record() => new(Twin.OpcUa.Encoding.NodeId.Null, PeaUri, ApplicationType.Server, [new Twin.OpcUa.Encoding.LocalizedText("en", "pea-001")],
        "urn:planttrust:pea", ["opc.tcp://127.0.0.1:4840"], ["NA"]);

    // The PEA's first application certificate, issued by the CA in process (as the twin enrolls it before the GDS takes over).
    private async Task<System.Security.Cryptography.X509Certificates.X509Certificate2> PeaIdentityAsync()
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var granted = await _ca.Ask<CertificateGranted>(new IssueFromCsr(new EntityId("setup"), CertificationRequest.Create("CN=pea-001", key, [PeaUri], ["localhost"]).GetDer(),
            CertificateProfile.OpcUaApplication, TimeSpan.FromDays(2)), TimeSpan.FromSeconds(30));
        return Twin.Actors.Entities.Pea.OpcUaIdentity.WithPrivateKey(Certificate.FromDer(granted.CertificateDer), key);
    }

    private async Task<int> IssuedToPeaAsync() => (await EventQuery.AllAsync(Sys, Run)).OfType<CertificateIssued>().Count(i => i.Subject == PeaId);

    private async Task<string> OpenSslVerdictAsync(byte[] leaf)
    {
        var ca = await _ca.Ask<CaCertificate>(new GetCaCertificate(), TimeSpan.FromSeconds(30));
        var dir = RepoPaths.NewScratch("gds-recover-oracle");
        var result = await Peer.OpenSslAsync("verify", "-attime", T0.Add(TimeSpan.FromHours(1)).Utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "-CAfile", RepoPaths.WriteText(dir, "ca.pem", Certificate.FromDer(ca.CertificateDer!).ToPem()), RepoPaths.WriteText(dir, "leaf.pem", Certificate.FromDer(leaf).ToPem()));
        return result.ExitCode == 0 ? "OK" : result.All;
    }

    private async Task<IActorRef> RestartAsync(IActorRef registrar)
    {
        await Idle(); // a quiet instant: nothing in flight dies with the old incarnation
        Kill(registrar);
        var revived = StartRegistrar();
        await Idle();
        return revived;
    }

    private IActorRef StartRegistrar()
    {
        _work.BeginStart(RegistrarId.Value);
        return Sys.ActorOf(RegistrarActor.Props(Run, RegistrarId, Settings, _clock, _clockActor, _ca, _vault, _work, _entropy, _runtime));
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromMinutes(2)); // generous: a loaded machine slows key generation and the sessions
}
