using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Device;
using Twin.Actors.Entities.Manufacturer;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Tests.Support;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>A produced device, killed and started again, keeps its IDevID and its secure-boot verdict: a device that refused its firmware stays down.</summary>
public sealed class DeviceOnboardingRecoveryTests : PersistentTestKit
{
    private static readonly RunId Run = new("device-onboarding");
    private static readonly EntityId CaId = new("ca-root");
    private static readonly EntityId MakerId = new("maker");
    private static readonly EntityId DeviceId = new("sensor-001");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly Entropy _entropy = Entropy.System(Run);
    private readonly PlantRuntime _runtime = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public DeviceOnboardingRecoveryTests() : base("device-onboarding-recover")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact]
    public async Task A_device_whose_secure_boot_failed_stays_down_after_a_restart_until_a_signed_update()
    {
        _work.BeginStart(CaId.Value);
        var ca = Sys.ActorOf(CaActor.Props(Run, CaId, new CaSettings("CN=Root,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), _clock, _vault, _work, _clockActor, _entropy));
        _work.BeginStart(MakerId.Value);
        var maker = Sys.ActorOf(ManufacturerActor.Props(Run, MakerId, new ManufacturerSettings("O=Maker,CN=Maker CA", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(9000))
        {
            Products = new Dictionary<EntityId, string?> { [DeviceId] = null },
        }, _clock, _clockActor, _vault, _work, _entropy, _runtime));
        _runtime.Manufacturers[MakerId.Value] = new ManufacturerHandle(maker, null, new HashSet<string>());
        var device = StartDevice(ca);
        await Idle();
        Assert.Single(await Events<DeviceCertificateInstalled>());

        await Send(device, new UpdateFirmware("2.0.0", Tampered: true, "test"));
        Assert.False((await Events<DeviceSecureBootChecked>())[^1].Passed);

        Kill(device);
        device = StartDevice(ca);
        _clockActor.Tell(new RunUntil(T0.Add(TimeSpan.FromDays(40)))); // past the renewal due at ¾ of 30 days
        await Idle();

        // Recovered as it was: one IDevID (not produced again), boot still failed, no renewal while down.
        Assert.Single(await Events<DeviceIdevidInstalled>());
        Assert.Single(await Events<DeviceCertificateInstalled>());
        Assert.Single(await Events<DeviceEnrollmentRequested>());

        await Send(device, new UpdateFirmware("2.0.1", Tampered: false, "test"));
        Assert.True((await Events<DeviceSecureBootChecked>())[^1].Passed);
        Assert.Equal(2, (await Events<DeviceCertificateInstalled>()).Count); // back up, it renews at once: its renewal was overdue
    }

    private async Task Send(IActorRef device, object message)
    {
        _work.Begin("test");
        device.Tell(new Tracked(message, "test"));
        await Idle();
    }

    private async Task<List<T>> Events<T>() => [.. (await EventQuery.AllAsync(Sys, Run)).OfType<T>()];

    private IActorRef StartDevice(IActorRef ca)
    {
        _work.BeginStart(DeviceId.Value);
        var settings = new DeviceSettings(CaId, "CN=sensor-001,O=Operator", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(30)) { Manufacturer = MakerId };
        return Sys.ActorOf(DeviceActor.Props(Run, DeviceId, settings, _clock, _clockActor, ca, _vault, _work, _entropy, _runtime));
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));
}
