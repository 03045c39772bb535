using Akka.Actor;
using Akka.Actor.Dsl;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Enrollment;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Events;
using Twin.Host.Enrollment;
using Twin.Pki.Certificates;
using Twin.Tests.Support;

namespace Twin.Host.Tests.Enrollment;

/// <summary>
/// EST /serverkeygen (RFC 7030 §4.4) in a plant whose devices keep their keys in a TPM, an HSM or on a PKCS#11 token: a key made
/// by the server and sent over the wire cannot be a key generated inside the device, so the request is refused with the reason,
/// audited, and no key is made.
/// </summary>
public sealed class ServerKeyGenKeyStorageTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serverkeygen-design");
    private readonly List<EnrollmentDecided> _audited = [];

    [Theory]
    [InlineData(KeyStoreKind.Tpm)]
    [InlineData(KeyStoreKind.Hsm)]
    [InlineData(KeyStoreKind.Pkcs11)]
    public async Task Serverkeygen_is_refused_when_the_design_keeps_device_keys_in_hardware(KeyStoreKind kind)
    {
        var backend = Backend(kind);
        // The request as an outside client makes it: openssl writes the PKCS#10.
        var folder = RepoPaths.NewScratch("serverkeygen-design");
        var key = Path.Combine(folder, "k.pem");
        var der = Path.Combine(folder, "csr.der");
        Assert.Equal(0, (await Peer.OpenSslAsync("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)).ExitCode);
        Assert.Equal(0, (await Peer.OpenSslAsync("req", "-new", "-key", key, "-subj", "/CN=constrained-7/serialNumber=JADA-0007", "-outform", "DER", "-out", der)).ExitCode);
        var csr = CertificationRequest.FromDer(await File.ReadAllBytesAsync(der));

        var result = await backend.ServerKeyGenAsync(new EstDomain("", "ca-issuing"), new EstClient(EstClientKind.Idevid, null, "JADA-0007", null, null), csr, CancellationToken.None);

        Assert.Equal(403, result.Result.Status);
        Assert.Null(result.Result.Certificate);
        Assert.Null(result.Pkcs8);
        Assert.Contains($"design.keyStorage.device: {KeyRefs.Text(kind)}", result.Result.Message, StringComparison.Ordinal);
        Assert.Empty(backend.ServerKeys.Labels);
        var audit = Assert.Single(_audited);
        Assert.False(audit.Granted);
        Assert.Equal("serverkeygen", audit.Operation);
    }

    private EstTwinBackend Backend(KeyStoreKind kind)
    {
        // The enrollment log, answering as the journal would once the audit is stored.
        var log = _system.ActorOf(act => act.Receive<EnrollmentLogActor.Record>((r, ctx) =>
        {
            lock (_audited) _audited.AddRange(r.Events.OfType<EnrollmentDecided>());
            ctx.Sender.Tell(new EnrollmentLogActor.Recorded(r.Events));
        }));
        var options = new EstOptions();
        return new EstTwinBackend(() => throw new InvalidOperationException("no CA is asked when serverkeygen is refused"), new PlantReadModel(), new PlantRuntime().Distribution,
            new SimulationClock(SimInstant.Parse("2030-01-01T00:00:00Z"), ClockMode.Max), new RunId("serverkeygen-design"), _ => Task.FromResult(log), options, new EstManufacturers(options))
        {
            DeviceKeyStorage = kind,
        };
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
