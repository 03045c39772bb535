using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Pea;
using Twin.Actors.Gds;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.OpcUa.Client;
using Twin.OpcUa.Gds;
using Twin.OpcUa.Messages;
using Twin.OpcUa.SecureChannel;
using Twin.OpcUa.Security;
using Twin.OpcUa.Server;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;
using Twin.Pki.Revocation;
using Twin.Tests.Support;

namespace Twin.Actors.Tests.Entities;

/// <summary>
/// A registrar's GDS pull endpoint backed by its domain's CA entity (OPC 10000-12 §7.9): a PEA server pulls a certificate the
/// CA actor signs and the CA's CRL, and after a revocation through the GDS its next pull brings a CRL that lists the old
/// certificate — openssl judges both at simulated time.
/// </summary>
public sealed class DomainGdsTests : PersistentTestKit
{
    private const string GdsUri = "urn:planttrust:registrar-a:gds", PeaUri = "urn:planttrust:pea-1";
    private static readonly RunId Run = new("domain-gds");
    private static readonly EntityId CaId = new("ca-domain-a");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly CaSettings Settings = new("CN=Domain A CA,O=PlantTrust", KeyAlgorithm.Rsa2048, TimeSpan.FromDays(3650))
    {
        CrlInterval = TimeSpan.FromDays(1),
        CrlValidity = TimeSpan.FromDays(2),
    };

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public DomainGdsTests() : base("domain-gds")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact]
    public async Task A_PEA_server_pulls_a_certificate_signed_by_the_domain_CA_and_after_a_revocation_the_CRL_that_lists_it()
    {
        _work.BeginStart(CaId.Value);
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, Settings, _clock, _vault, _work, _clockActor, Entropy.System(Run)));
        await _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));
        var backend = new DomainGdsBackend(ca, new EntityId("registrar-a"), TimeSpan.FromDays(90));
        await backend.RefreshAsync();
        var caPem = Certificate.FromDer(backend.IssuerCertificate()).ToPem();
        var time = new SimTimeProvider(_clock);
        var revoked = new TaskCompletionSource<AuditEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var audit = new AuditEventSink();
        audit.Raised += e => { if (e.SourceName == "Method/RevokeCertificate") revoked.TrySetResult(e); };

        await using var gds = UaServerHost.StartTcp(new AddressSpace(GdsUri, GdsUri + ":ns"), new ServerOptions
        {
            ApplicationUri = GdsUri, Certificate = await Identity(ca, "CN=Domain A GDS", GdsUri), CertificateValidator = DomainTrust(backend), Time = time, Audit = audit,
        });
        var directory = new GdsDirectory(gds, backend);
        var peaTrust = new PkiCertificateValidator();
        await using var pea = UaServerHost.StartTcp(new AddressSpace(PeaUri, PeaUri + ":services"), new ServerOptions
        {
            ApplicationUri = PeaUri, Certificate = await Identity(ca, "CN=PEA 1", PeaUri), CertificateValidator = peaTrust, Time = time,
        });
        var record = new ApplicationRecord(Twin.OpcUa.Encoding.NodeId.Null, PeaUri, ApplicationType.Server, [new Twin.OpcUa.Encoding.LocalizedText("en", "PEA 1")],
            "urn:planttrust:pea", [pea.EndpointUrl], ["NA"]);
        var toGds = new ClientOptions { ServerCertificateValidator = DomainTrust(backend), Time = time, AllowedPolicies = [SecurityPolicies.Basic256Sha256], AutoReconnect = false };

        var first = await GdsPullClient.PullAsync(pea, gds.EndpointUrl, toGds, record);

        Assert.True(first.UpdateRequired);
        Assert.False(first.UpdateRequiredAfterReconnect);
        Assert.Equal(first.Installed!.RawData, pea.Certificate!.RawData);
        Assert.Equal("OK", await OpenSslVerdict(caPem, first.Installed, null));
        Assert.Equal(backend.IssuerCertificate(), Assert.Single(first.TrustList.TrustedCertificates));
        Assert.Equal(PeaUri, Assert.Single(directory.Applications).ApplicationUri);

        // The PEA revokes its own certificate through the GDS (ApplicationSelfAdmin); the CA records it and publishes a CRL.
        await using (var self = await ClientSession.ConnectAsync(gds.EndpointUrl, toGds with
        {
            Certificate = pea.Certificate, ApplicationUri = PeaUri, SecurityMode = MessageSecurityMode.SignAndEncrypt,
        }))
        {
            await GdsPullClient.For(self).RevokeCertificateAsync(first.ApplicationId, first.Installed.RawData);
        }
        Assert.True((await revoked.Task.WaitAsync(TimeSpan.FromSeconds(30))).Status);

        var second = await GdsPullClient.PullAsync(pea, gds.EndpointUrl, toGds, record);

        Assert.True(second.UpdateRequired);
        Assert.NotEqual(first.Installed.RawData, second.Installed!.RawData);
        var crl = CertificateRevocationList.FromDer(Assert.Single(second.TrustList.TrustedCrls));
        Assert.NotNull(crl.Find(Certificate.FromDer(first.Installed.RawData).SerialNumber));
        Assert.Equal("certificate revoked", await OpenSslVerdict(caPem, first.Installed, crl.ToPem()));
        Assert.Equal("OK", await OpenSslVerdict(caPem, second.Installed, crl.ToPem()));
        Assert.Equal(crl.GetDer(), Assert.Single(peaTrust.Snapshot().Crls));
    }

    private static PkiCertificateValidator DomainTrust(DomainGdsBackend backend)
    {
        var validator = new PkiCertificateValidator();
        var list = backend.TrustList();
        foreach (var ca in list.TrustedCertificates) validator.AddTrusted(ca);
        foreach (var crl in list.TrustedCrls) validator.AddRevocationList(crl);
        return validator;
    }

    // An application instance certificate from the CA entity for a key made here (RSA: the OPC UA policies are RSA policies).
    private static async Task<X509Certificate2> Identity(IActorRef ca, string subject, string uri)
    {
        var key = KeyGenerator.Generate(KeyAlgorithm.Rsa2048);
        var csr = CertificationRequest.Create(subject, key, [uri], ["localhost"]);
        var granted = await ca.Ask<CertificateGranted>(new IssueFromCsr(new EntityId("setup"), csr.GetDer(), CertificateProfile.OpcUaApplication, TimeSpan.FromDays(365)),
            TimeSpan.FromSeconds(30));
        return OpcUaIdentity.WithPrivateKey(Certificate.FromDer(granted.CertificateDer), key);
    }

    private static async Task<string> OpenSslVerdict(string caPem, X509Certificate2 leaf, string? crlPem)
    {
        var dir = RepoPaths.NewScratch("gds-oracle");
        List<string> args = ["verify", "-attime", T0.Add(TimeSpan.FromHours(1)).Utc.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), "-CAfile", RepoPaths.WriteText(dir, "ca.pem", caPem)];
        if (crlPem is not null) args.AddRange(["-crl_check", "-CRLfile", RepoPaths.WriteText(dir, "crl.pem", crlPem)]);
        args.Add(RepoPaths.WriteText(dir, "leaf.pem", leaf.ExportCertificatePem()));
        var result = await Peer.OpenSslAsync([.. args]);
        return result.ExitCode == 0 ? "OK" : result.All.Contains("certificate revoked", StringComparison.Ordinal) ? "certificate revoked" : result.All;
    }
}
