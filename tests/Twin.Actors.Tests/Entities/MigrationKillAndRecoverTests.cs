using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Queries;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

using static Twin.Actors.Tests.Support.DeviceStatusChecks;

namespace Twin.Actors.Tests.Entities;

/// <summary>A device told to migrate to ML-DSA remembers it across a kill, and renews onto an ML-DSA key under its ECDSA CA.</summary>
public sealed class MigrationKillAndRecoverTests : PersistentTestKit
{
    private static readonly RunId Run = new("test-run");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly EntityId DeviceId = new("device-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly CaSettings CaSettings = new("CN=Test Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650));
    private static readonly DeviceSettings DeviceSettings = new(CaId, "CN=device-001,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30));

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly Entropy _entropy = Entropy.System(Run);
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public MigrationKillAndRecoverTests() : base("migration-recover")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact]
    public async Task Migrated_device_killed_before_its_renewal_renews_onto_an_ml_dsa_key_after_recovery()
    {
        var ca = Start(CaId, () => CaActor.Props(Run, CaId, CaSettings, _clock, _vault, _work, _clockActor, _entropy));
        var device = StartDevice(ca);
        await Idle();
        var first = Certificate.FromDer(OnlyCertificate(await device.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault)));

        _work.Begin("test");
        device.Tell(new Tracked(new MigrateKeyAlgorithm(KeyAlgorithm.MlDsa65, "test"), "test"));
        await Idle();
        Kill(device);
        var revived = StartDevice(ca);
        await Idle();
        _clockActor.Tell(new RunUntil(DeviceState.RenewalDue(first, 0.75, TimeSpan.FromDays(1))));
        await Idle();

        var status = await revived.Ask<DeviceStatus>(new GetDeviceStatus(), RemainingOrDefault);
        Assert.Equal(2, status.CertificatesInstalled);
        var renewed = Certificate.FromDer(status.Certificate!);
        Assert.Equal(KeyAlgorithm.EcdsaP256, first.PublicKey.Algorithm);
        Assert.Equal(KeyAlgorithm.MlDsa65, renewed.PublicKey.Algorithm);
        Assert.Equal(KeyAlgorithm.MlDsa65, _vault.Load(status.KeyRef!).Algorithm);
        // A mixed chain: the ECDSA root certified the ML-DSA key.
        var root = (await ca.Ask<CaCertificate>(new GetCaCertificate(), RemainingOrDefault)).CertificateDer!;
        Assert.True(renewed.IsSignedBy(Certificate.FromDer(root).PublicKey));
    }

    private IActorRef StartDevice(IActorRef ca) =>
        Start(DeviceId, () => DeviceActor.Props(Run, DeviceId, DeviceSettings, _clock, _clockActor, ca, _vault, _work, _entropy));

    private IActorRef Start(EntityId id, Func<Props> props)
    {
        _work.BeginStart(id.Value);
        return Sys.ActorOf(props());
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));
}
