using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Manufacturer;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Authority;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>A manufacturer killed and started again keeps its CA key, its production record and its MASA's voucher record.</summary>
public sealed class ManufacturerRecoveryTests : PersistentTestKit
{
    private static readonly RunId Run = new("mfr-run");
    private static readonly EntityId MakerId = new("pump-maker");
    private static readonly EntityId First = new("sensor-001");
    private static readonly EntityId Second = new("sensor-002");
    private static readonly SimInstant T0 = SimInstant.Parse("2030-01-01T00:00:00Z");
    private static readonly ManufacturerSettings Settings = new("C=DE,O=Pump Maker,CN=Pump Maker CA", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650))
    {
        Products = new Dictionary<EntityId, string?> { [First] = "plant", [Second] = "plant" },
    };

    private readonly SimulationClock _clock = new(T0, ClockMode.Max);
    private readonly SimulationWork _work = new();
    private readonly Entropy _entropy = Entropy.System(Run);
    private readonly PlantRuntime _runtime = new();
    private readonly FileKeyVault _vault;
    private readonly IActorRef _clockActor;

    public ManufacturerRecoveryTests() : base("manufacturer-recover")
    {
        _vault = new FileKeyVault(Path.Combine(Folder, "keys"));
        _clockActor = Sys.ActorOf(ClockActor.Props(Run, _clock, _work, startRunning: true));
        _clockActor.Tell(new RunUntil(T0));
    }

    [Fact] // IEEE 802.1AR IDevIDs from one CA key across restarts; RFC 8995 §5.5.4 ownership and the one-voucher-per-serial record
    public async Task Ca_key_production_record_and_voucher_record_survive_a_restart()
    {
        var maker = Start();
        await Idle();
        var before = await maker.Ask<ManufacturerStatus>(new GetManufacturerStatus(), RemainingOrDefault);
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var produced = await maker.Ask<DeviceProduced>(new ProduceDevice(First, CertificationRequest.Create("CN=sensor-001,serialNumber=SN-SENSOR-001", key).GetDer()), RemainingOrDefault);
        var idevid = Certificate.FromDer(produced.IdevidDer);
        var (registrar, registrarKey) = Registrar();
        var voucher = await maker.Ask<MasaAnswer>(new MasaVoucherRequest("plant", VoucherRequest(produced, key, registrar, registrarKey)), RemainingOrDefault);
        Assert.True(voucher.Issued, voucher.Reason);

        Kill(maker);
        var revived = Start();
        await Idle();

        var after = await revived.Ask<ManufacturerStatus>(new GetManufacturerStatus(), RemainingOrDefault);
        Assert.Equal(before.CaCertificateDer, after.CaCertificateDer);
        Assert.Equal(before.MasaCertificateDer, after.MasaCertificateDer);
        Assert.Equal((1, 1), (after.Produced, after.Vouchered));
        var ca = Certificate.FromDer(after.CaCertificateDer!);
        var next = await revived.Ask<DeviceProduced>(new ProduceDevice(Second, CertificationRequest.Create("CN=sensor-002", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)).GetDer()), RemainingOrDefault);
        var nextIdevid = Certificate.FromDer(next.IdevidDer);
        Assert.True(nextIdevid.IsSignedBy(ca.PublicKey));
        Assert.NotEqual(idevid.SerialNumber, nextIdevid.SerialNumber);
        // The record of the voucher survived: the same serial again is a clone.
        var again = await revived.Ask<MasaAnswer>(new MasaVoucherRequest("plant", VoucherRequest(produced, key, registrar, registrarKey)), RemainingOrDefault);
        Assert.False(again.Issued);
        Assert.Contains("already onboarded", again.Reason, StringComparison.Ordinal);
        // A device the maker never made is not produced.
        var stranger = await revived.Ask<CertificateRefused>(new ProduceDevice(new EntityId("stranger"), CertificationRequest.Create("CN=x", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256)).GetDer()), RemainingOrDefault);
        Assert.Contains("not a product", stranger.Reason, StringComparison.Ordinal);
    }

    [Fact] // RFC 8995 §5.5.4: a registrar of another domain than the owner's gets no voucher
    public async Task The_masa_refuses_a_registrar_of_a_domain_that_does_not_own_the_device()
    {
        var maker = Start();
        await Idle();
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var produced = await maker.Ask<DeviceProduced>(new ProduceDevice(First, CertificationRequest.Create("CN=sensor-001", key).GetDer()), RemainingOrDefault);
        var (registrar, registrarKey) = Registrar("elsewhere");
        var answer = await maker.Ask<MasaAnswer>(new MasaVoucherRequest("elsewhere", VoucherRequest(produced, key, registrar, registrarKey)), RemainingOrDefault);
        Assert.False(answer.Issued);
        Assert.Contains("owned by domain 'plant'", answer.Reason, StringComparison.Ordinal);
    }

    private static (Certificate, KeyPair) Registrar(string domain = "plant")
    {
        var rootKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var root = CertificateAuthority.CreateRoot("CN=Operator Root", rootKey, T0.Utc.AddDays(-1), T0.Utc.AddYears(5));
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var certificate = root.Issue(CertificationRequest.Create($"CN=PlantTrust Registrar {domain}", key), CertificateProfile.CmpRa, T0.Utc.AddDays(-1), T0.Utc.AddYears(1));
        return (certificate, key);
    }

    // The pledge's request, judged and wrapped as a registrar does it (RFC 8995 §5.3, §5.5).
    private static byte[] VoucherRequest(DeviceProduced produced, KeyPair key, Certificate registrar, KeyPair registrarKey)
    {
        var pledgeCms = Pledge.CreateVoucherRequest(Certificate.FromDer(produced.IdevidDer), key, registrar, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], T0.Utc);
        var check = RegistrarVoucherRequests.ReadPledgeRequest(pledgeCms, [Certificate.FromDer(produced.ManufacturerCaDer)], registrar, T0.Utc);
        Assert.True(check.Accepted, check.Problem);
        return RegistrarVoucherRequests.Create(pledgeCms, check, registrar, registrarKey, T0.Utc);
    }

    private IActorRef Start()
    {
        _work.BeginStart(MakerId.Value);
        var actor = Sys.ActorOf(ManufacturerActor.Props(Run, MakerId, Settings, _clock, _clockActor, _vault, _work, _entropy, _runtime));
        return actor;
    }

    private Task<ClockIdle> Idle() => _clockActor.Ask<ClockIdle>(new WhenClockIdle(), TimeSpan.FromSeconds(30));
}
