using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Actors.Protocol.Queries;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Device;

/// <summary>How a device entity enrolls and renews.</summary>
public sealed record DeviceSettings(
    EntityId Ca,
    string Subject,
    KeyAlgorithm Algorithm,
    TimeSpan CertificateLifetime,
    double RenewAtFraction = 0.75,
    bool RekeyOnRenewal = true)
{
    /// <summary>Renew at least this long before expiry.</summary>
    public TimeSpan MinimumRenewalLead { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long to wait (simulated) before asking again after a refusal or a lost answer.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// A field device: generates its key on the device, enrolls with its CA by a real PKCS#10 request,
/// and renews on the simulation clock.
/// </summary>
public sealed class DeviceActor : ReceivePersistentActor
{
    private const string RenewalKey = "renewal";
    private readonly RunId _run;
    private readonly EntityId _id;
    private readonly DeviceSettings _settings;
    private readonly SimulationClock _clock;
    private readonly IActorRef _clockActor;
    private readonly IActorRef _ca;
    private readonly IKeyVault _vault;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DeviceState _state = DeviceState.Empty;

    /// <summary>Creates device <paramref name="id"/>; <paramref name="ca"/> is the CA it enrolls with.</summary>
    public DeviceActor(RunId run, EntityId id, DeviceSettings settings, SimulationClock clock, IActorRef clockActor, IActorRef ca, IKeyVault vault)
    {
        _run = run;
        _id = id;
        _settings = settings;
        _clock = clock;
        _clockActor = clockActor;
        _ca = ca;
        _vault = vault;
        PersistenceId = EntityKinds.PersistenceId(EntityKinds.Device, run, id);

        Recover<SnapshotOffer>(o => { if (o.Snapshot is DeviceState s) _state = s; });
        Recover<DeviceKeyGenerated>(e => _state = _state.Apply(e));
        Recover<DeviceEnrollmentRequested>(e => _state = _state.Apply(e));
        Recover<DeviceCertificateInstalled>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => Resume());

        Command<CertificateGranted>(Install);
        Command<CertificateRefused>(r =>
        {
            _log.Warning("Device {0}: enrollment refused: {1}", _id, r.Reason);
            ScheduleAt(_clock.Now.Add(_settings.RetryAfter), new RenewalDue());
        });
        Command<RenewalDue>(_ => Enroll(reason: "renewal", rekey: _settings.RekeyOnRenewal));
        Command<GetDeviceStatus>(_ => Sender.Tell(new DeviceStatus(_id, _state.KeyRef, _state.Certificates, _state.EnrollmentPending)));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the device entity.</summary>
    public static Props Props(RunId run, EntityId id, DeviceSettings settings, SimulationClock clock, IActorRef clockActor, IActorRef ca, IKeyVault vault) =>
        Akka.Actor.Props.Create(() => new DeviceActor(run, id, settings, clock, clockActor, ca, vault));

    private void Resume()
    {
        if (_state.Current is { } current)
            ScheduleAt(DeviceState.RenewalDue(current, _settings.RenewAtFraction, _settings.MinimumRenewalLead), new RenewalDue());
        else
            Enroll(reason: "initial enrollment", rekey: _state.KeyRef is null);
    }

    private void Enroll(string reason, bool rekey)
    {
        var now = _clock.Now;
        var events = new List<Protocol.ITwinEvent>(2);
        KeyPair key;
        if (rekey)
        {
            key = KeyGenerator.Generate(_settings.Algorithm);
            var keyRef = _vault.Store(_run, _id, key);
            events.Add(new DeviceKeyGenerated(_run, now, _id, keyRef, key.Algorithm.ToString(), key.PublicKey.SubjectPublicKeyInfo));
        }
        else
        {
            key = _vault.Load(_state.KeyRef!);
        }
        var csr = CertificationRequest.Create(_settings.Subject, key);
        events.Add(new DeviceEnrollmentRequested(_run, now, _id, _settings.Ca, reason, csr.GetDer()));
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (e is not DeviceEnrollmentRequested request) return;
            _ca.Tell(new IssueFromCsr(_id, request.CsrDer, CertificateProfile.LDevId, _settings.CertificateLifetime));
            // A lost answer (CA down, message dropped) must not leave the device stuck: ask again later.
            ScheduleAt(now.Add(_settings.RetryAfter), new RenewalDue());
        });
    }

    private void Install(CertificateGranted granted)
    {
        var certificate = Certificate.FromDer(granted.CertificateDer);
        if (_state.PublicKeyInfo is null || !certificate.PublicKey.SubjectPublicKeyInfo.AsSpan().SequenceEqual(_state.PublicKeyInfo))
        {
            _log.Warning("Device {0}: ignored a certificate for a key it does not hold (serial {1}).", _id, certificate.SerialNumber);
            return;
        }
        Persist(new DeviceCertificateInstalled(_run, _clock.Now, _id, granted.CertificateDer, granted.IssuerCertificateDer), e =>
        {
            _state = _state.Apply(e);
            ScheduleAt(DeviceState.RenewalDue(certificate, _settings.RenewAtFraction, _settings.MinimumRenewalLead), new RenewalDue());
        });
    }

    private void ScheduleAt(SimInstant due, object message) => _clockActor.Tell(new ScheduleAt(due, Self, RenewalKey, message));

    /// <summary>The clock's wake-up: the certificate is due for renewal (or a request went unanswered).</summary>
    public sealed record RenewalDue;
}
