using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Manufacturer;

/// <summary>
/// A manufacturer: its own root CA (a manufacturer is its own organisation, outside the operator's PKI) issues IDevIDs at production;
/// its MASA answers voucher requests for the devices it made, by its ownership record; it signs firmware and MTP packages with a
/// code-signing certificate under the same CA. Partial file <c>.Production</c> holds production, firmware and the MASA.
/// </summary>
public sealed partial class ManufacturerActor : EntityActor
{
    private readonly RunId _run;
    private readonly ManufacturerSettings _settings;
    private readonly SimulationClock _clock;
    private readonly IKeyVault _vault;
    private readonly Entropy _entropy;
    private readonly Plant.PlantRuntime _runtime;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ManufacturerState _state = ManufacturerState.Empty;
    private CertificateAuthority? _ca;
    private Masa? _masa;
    private ISigningKey? _signingKey;

    /// <summary>Creates manufacturer <paramref name="id"/>.</summary>
    public ManufacturerActor(RunId run, EntityId id, ManufacturerSettings settings, SimulationClock clock, IActorRef clockActor, IKeyVault vault, SimulationWork work, Entropy entropy, Plant.PlantRuntime runtime)
        : base(id, work, clockActor)
    {
        _run = run;
        _settings = settings;
        _clock = clock;
        _vault = vault;
        _entropy = entropy;
        _runtime = runtime;
        PersistenceId = EntityKinds.PersistenceId(EntityKinds.Manufacturer, run, id);

        Recover<Protocol.ITwinEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());
        Command<Establish>(_ => EstablishPki());
        Command<ProduceDevice>(Produce);
        Command<RequestFirmware>(SignFirmware);
        Command<MasaVoucherRequest>(AnswerVoucherRequest);
        Command<GetManufacturerStatus>(_ => Sender.Tell(new ManufacturerStatus(Id, _state.CaCertificateDer, _state.MasaCertificateDer, _state.SigningCertificateDer, _state.Produced.Count, _state.Vouchered.Count)));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the manufacturer entity.</summary>
    public static Props Props(RunId run, EntityId id, ManufacturerSettings settings, SimulationClock clock, IActorRef clockActor, IKeyVault vault, SimulationWork work, Entropy entropy, Plant.PlantRuntime runtime) =>
        Akka.Actor.Props.Create(() => new ManufacturerActor(run, id, settings, clock, clockActor, vault, work, entropy, runtime));

    private void OnRecovered()
    {
        if (_state.IsReady) Load();
        else WakeAt(_clock.Now, new Establish(), "establish", priority: -20); // with the root CAs, before any device asks
        AnnounceStarted();
    }

    private void EstablishPki()
    {
        if (_state.IsReady) return;
        var now = _clock.Now;
        var (caRef, caKey) = _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "ca-key", 0));
        var root = CertificateAuthority.CreateRoot(_settings.Subject, caKey, now.Utc, now.Utc + _settings.Validity, _entropy.For(Id, "ca-cert", 0));
        var (masaRef, masaKey) = _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "masa-key", 0));
        var masa = root.Issue(new IssuanceRequest(SubjectBeside("MASA"), masaKey.PublicKey, CertificateProfile.CodeSigning, now.Utc, now.Utc + _settings.Validity), _entropy.For(Id, "masa-cert", 0));
        var (signingRef, signingKey) = _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "signing-key", 0));
        var signing = root.Issue(new IssuanceRequest(SubjectBeside("Firmware and MTP Signing"), signingKey.PublicKey, CertificateProfile.CodeSigning, now.Utc, now.Utc + _settings.Validity), _entropy.For(Id, "signing-cert", 0));
        var established = new ManufacturerEstablished(_run, now, Id,
            caRef, root.Certificate.GetDer(), masaRef, masa.GetDer(), signingRef, signing.GetDer());
        Persist(established, e =>
        {
            _state = _state.Apply(e);
            Load();
            ReleaseHeld();
        });
    }

    // "C=DE,O=Pump Maker,CN=Pump Maker CA" → "C=DE,O=Pump Maker,CN=Pump Maker MASA": the same organisation, another role.
    private string SubjectBeside(string role)
    {
        var parts = _settings.Subject.Split(',').Select(p => p.Trim()).ToList();
        var cn = parts.FindIndex(p => p.StartsWith("CN=", StringComparison.OrdinalIgnoreCase));
        var name = cn < 0 ? Id.Value : parts[cn][3..].Replace(" CA", "", StringComparison.Ordinal);
        if (cn < 0) parts.Add($"CN={name} {role}");
        else parts[cn] = $"CN={name} {role}";
        return string.Join(",", parts);
    }

    private void Load()
    {
        var caCertificate = Certificate.FromDer(_state.CaCertificateDer!);
        _ca = new CertificateAuthority(caCertificate, _vault.Load(_state.CaKeyRef!));
        _masa = new Masa([caCertificate], Certificate.FromDer(_state.MasaCertificateDer!), _vault.Load(_state.MasaKeyRef!), [caCertificate]);
        _signingKey = _vault.Load(_state.SigningKeyRef!);
        var customers = _settings.Products.Values.OfType<string>().ToHashSet(StringComparer.Ordinal);
        _runtime.Manufacturers[Id.Value] = new Plant.ManufacturerHandle(Self, _state.CaCertificateDer, customers);
    }

    /// <summary>The clock's wake-up at the run's start: set up the manufacturer's CA, MASA and signing keys.</summary>
    public sealed record Establish;
}
