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
public sealed partial record DeviceSettings(
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

    /// <summary>
    /// An OPC UA ApplicationUri: the device then asks for an OPC UA application instance certificate
    /// (the URI and the host name in subjectAltName) instead of an LDevID.
    /// </summary>
    public string? OpcUaApplicationUri { get; init; }

    /// <summary>A PEA: serve OPC UA with the application certificate on a loopback port.</summary>
    public bool ServesOpcUa { get; init; }

    /// <summary>The POL: connect to these entities' OPC UA servers every <see cref="ProbeInterval"/> and record each attempt.</summary>
    public IReadOnlyList<EntityId> ProbeTargets { get; init; } = [];

    /// <summary>How often (simulated) the POL connects to every PEA server.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The operator domain whose registrar the device enrolls with over CMP (ir, then kur); null: PKCS#10 straight to its CA.</summary>
    public string? CmpDomain { get; init; }

    /// <summary>The trust centre this relying party anchors on (set from the topology); null: every root of the plant.</summary>
    public EntityId? TrustAnchor { get; init; }

    /// <summary>A relying party pulls CRLs every this long and validates against its copy; null: it reads the distribution point at each check.</summary>
    public TimeSpan? TrustListPull { get; init; }

    /// <summary>A PEA server managed by its domain's GDS: how it receives renewed certificates and trust lists; null: renewed in process.</summary>
    public Scenarios.GdsDelivery? Gds { get; init; }

    /// <summary>The operator domain whose GDS manages this PEA server (set with <see cref="Gds"/>).</summary>
    public string? GdsDomain { get; init; }

    /// <summary>With GDS pull: how often the server pulls its trust list from the GDS (on a grid from the Unix epoch).</summary>
    public TimeSpan GdsTrustListInterval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// For the POL: the plant's GDS pushes PEA certificates, so a PEA server takes a new certificate in place, at the endpoint it had
    /// (a server renewed otherwise restarts at a new one).
    /// </summary>
    public bool PeaCertificatesPushed { get; init; }

    /// <summary>A gateway: the further operator domains it is onboarded into besides <see cref="CmpDomain"/>, each with its own LDevID.</summary>
    public IReadOnlyList<string> GatewayDomains { get; init; } = [];
}

/// <summary>
/// A field device: generates its key on the device, enrolls with its CA by a real PKCS#10 request,
/// and renews on the simulation clock.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "An actor's end of life is PostStop, where its OPC UA server is stopped.")]
public sealed partial class DeviceActor : EntityActor
{
    private const string RenewalKey = "renewal";
    private readonly RunId _run;
    private readonly DeviceSettings _settings;
    private readonly SimulationClock _clock;
    private readonly IActorRef _ca;
    private readonly IKeyVault _vault;
    private readonly Entropy _entropy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private DeviceState _state = DeviceState.Empty;

    /// <summary>Creates device <paramref name="id"/>; <paramref name="ca"/> is the CA it enrolls with.</summary>
    public DeviceActor(RunId run, EntityId id, DeviceSettings settings, SimulationClock clock, IActorRef clockActor, IActorRef ca, IKeyVault vault, SimulationWork work, Entropy entropy, Plant.PlantRuntime? runtime = null)
        : base(id, work, clockActor)
    {
        _runtime = runtime;
        _entropy = entropy;
        _run = run;
        _settings = settings;
        _clock = clock;
        _ca = ca;
        _vault = vault;
        PersistenceId = EntityKinds.PersistenceId(EntityKinds.Device, run, id);

        Recover<SnapshotOffer>(o => { if (o.Snapshot is DeviceState s) _state = s; });
        Recover<DeviceKeyGenerated>(e => _state = _state.Apply(e));
        Recover<DeviceEnrollmentRequested>(e => _state = _state.Apply(e));
        Recover<DeviceCertificateInstalled>(e => { _state = _state.Apply(e); NoteProbeAnchor(e.At); });
        Recover<DeviceCmpRequested>(e => _state = _state.Apply(e));
        Recover<DeviceCmpRefused>(e => _state = _state.Apply(e));
        Recover<DeviceDecommissioned>(RecoverDecommissioned);
        Recover<KeyDestroyed>(RecoverKeyDestroyed);
        ReceiveTrustList();
        ProbeGridBehaviour();
        OcspCacheBehaviour();
        ReceiveGateway();
        ReceiveMigration();
        GdsBehaviour();
        Recover<RecoveryCompleted>(_ => Resume());
        OnboardingBehaviour();
        ServicesBehaviour();
        AttackBehaviour();

        Command<CertificateGranted>(Install);
        Command<CertificateRefused>(r =>
        {
            _log.Warning("Device {0}: enrollment refused: {1}", Id, r.Reason);
            ScheduleAt(_clock.Now.Add(_settings.RetryAfter), new RenewalDue());
        });
        Command<RenewalDue>(_ => OnDue());
        Command<ResendPending>(_ => Resend());
        Command<EnrollmentSecret>(s => { if (!TryGatewayRecalled(s) && !TryGatewaySecret(s) && !TryRecalledSecret(s)) SendCmp(s); });
        Command<EnrollmentSecretRefused>(r => { if (!TryGatewaySecretRefused(r)) OnSecretRefused(r); });
        Command<CmpReply>(r => { if (!TryGatewayReply(r)) OnCmpReply(r); });
        Command<ServerStarted>(OnServerStarted);
        Command<ProbeDue>(Probe);
        Command<ProbeResult>(Record);
        Command<Status.Failure>(OnServerFailed);
        Command<RevokeCurrentCertificate>(r =>
        {
            if (_state.Current is { } current && !_state.Decommissioned)
                SendWork(_ca, new RevokeCertificate(current.SerialNumber.Hex, r.Reason, r.Requester), "revoke");
        });
        Command<ReenrollAt>(r => ScheduleAt(r.At, new RenewalDue()));
        Command<DecommissionDevice>(Decommission);
        Command<RevocationDone>(d => _log.Info("Device {0}: certificate {1} revoked (CRL {2}).", Id, d.Serial, d.CrlNumber));
        Command<RevocationRefused>(r => _log.Warning("Device {0}: revocation of {1} refused: {2}", Id, r.Serial, r.Reason));
        Command<GetDeviceStatus>(_ => Sender.Tell(new DeviceStatus(Id, _state.KeyRef, _state.CertificateDer, _state.CertificatesInstalled, _state.EnrollmentPending) { Decommissioned = _state.Decommissioned, ServerSessions = _server.SessionCount }));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the device entity.</summary>
    public static Props Props(RunId run, EntityId id, DeviceSettings settings, SimulationClock clock, IActorRef clockActor, IActorRef ca, IKeyVault vault, SimulationWork work, Entropy entropy, Plant.PlantRuntime? runtime = null) =>
        Akka.Actor.Props.Create(() => new DeviceActor(run, id, settings, clock, clockActor, ca, vault, work, entropy, runtime));

    private void Resume()
    {
        if (StaysRetired())
        {
            AnnounceStarted();
            return;
        }
        ResumeOnboarding();
        ResumeKeyRetirement();
        if (_state.Current is { } installed)
        {
            Serve(installed);
            ResumeProbing();
            ResumeOrchestration();
        }
        StartTrustListPulls();
        StartGateway();
        ResumeGds();
        if (_state.Pending is { } pending && _settings.CmpDomain is null)
        {
            // Killed between sending a request and installing its answer: send the same request again at the
            // instant it was first sent, so the CA answers it with the certificate it may already have issued.
            ScheduleAt(pending.SentAt, new ResendPending());
        }
        else if (_state.CmpPending is { } sent && _settings.CmpDomain is not null)
        {
            ScheduleAt(sent.SentAt, new ResendPending()); // the same for a CMP request: same bytes, same transaction (DeviceActor.Cmp.cs)
        }
        else if (_state.RefusedRequestSentAt is { } refused && _settings.CmpDomain is not null)
        {
            ScheduleAt(refused.Add(_settings.RetryAfter), new RenewalDue()); // refused before the kill: asked again at the retry its request set
        }
        else
        {
            var due = _state.Current is { } current ? DeviceState.RenewalDue(current, _settings.RenewAtFraction, _settings.MinimumRenewalLead) : _clock.Now;
            ScheduleAt(due, new RenewalDue());
        }
        AnnounceStarted();
    }

    private void OnDue()
    {
        if (_state.Decommissioned) return;
        if (OnboardingTakesOver()) return;
        if (GdsTakesOver()) return;
        if (_settings.CmpDomain is not null)
        {
            EnrollOverCmp();
            return;
        }
        if (_state.Current is null)
            Enroll(reason: "initial enrollment", rekey: _state.KeyRef is null);
        else
            Enroll(reason: "renewal", rekey: _settings.RekeyOnRenewal);
    }

    private void Enroll(string reason, bool rekey)
    {
        var now = _clock.Now;
        var events = new List<Protocol.ITwinEvent>(2);
        ISigningKey key;
        if (rekey)
        {
            (key, var generated) = GenerateKey(now, KeyAlgorithmNow, _entropy.For(Id, "key", _state.KeysGenerated));
            events.Add(generated);
        }
        else
        {
            key = _vault.Load(_state.KeyRef!);
        }
        var csr = _settings.OpcUaApplicationUri is { } uri
            ? CertificationRequest.Create(_settings.Subject, key, [uri], ["localhost"], _entropy.For(Id, "csr", _state.Requests))
            : CertificationRequest.Create(_settings.Subject, key, _entropy.For(Id, "csr", _state.Requests));
        events.Add(new DeviceEnrollmentRequested(_run, now, Id, _settings.Ca, reason, csr.GetDer()));
        PersistAll(events, e =>
        {
            _state = _state.Apply(e);
            if (e is DeviceEnrollmentRequested request) Send(request.CsrDer, now, resent: false);
        });
    }

    private void Resend()
    {
        if (_state.Pending is { } pending) Send(pending.CsrDer, pending.SentAt, resent: true);
        else if (_state.CmpPending is { } sent && _settings.CmpDomain is not null) ResendCmp(sent);
        else OnDue();
    }

    private void Send(byte[] csrDer, SimInstant sentAt, bool resent)
    {
        var profile = _settings.OpcUaApplicationUri is null ? CertificateProfile.LDevId : CertificateProfile.OpcUaApplication;
        SendWork(_ca, new IssueFromCsr(Id, csrDer, profile, _settings.CertificateLifetime) { FirstSentAt = resent ? sentAt : null }, "enroll");
        // A lost answer (CA down, message dropped) must not leave the device stuck: ask again later.
        ScheduleAt(sentAt.Add(_settings.RetryAfter), new RenewalDue());
    }

    private void Install(CertificateGranted granted)
    {
        var certificate = Certificate.FromDer(granted.CertificateDer);
        if (_state.Decommissioned)
        {
            _log.Warning("Device {0}: decommissioned; a late certificate (serial {1}) is not installed.", Id, certificate.SerialNumber);
            return;
        }
        if (granted.Request is { } answered && !AnswersPending(answered))
        {
            // An answer to an earlier request that was asked again (the CA answered later than RetryAfter): only the answer
            // to the request still pending is installed; this one is dropped, whatever key it certifies.
            _log.Warning("Device {0}: ignored a certificate (serial {1}) answering a request that is no longer pending.", Id, certificate.SerialNumber);
            return;
        }
        if (_state.PublicKeyInfo is null || !certificate.PublicKey.SubjectPublicKeyInfo.AsSpan().SequenceEqual(_state.PublicKeyInfo))
        {
            _log.Warning("Device {0}: ignored a certificate for a key it does not hold (serial {1}).", Id, certificate.SerialNumber);
            return;
        }
        Persist(new DeviceCertificateInstalled(_run, _clock.Now, Id, granted.CertificateDer, granted.IssuerCertificateDer), e =>
        {
            _state = _state.Apply(e);
            ScheduleAt(DeviceState.RenewalDue(certificate, _settings.RenewAtFraction, _settings.MinimumRenewalLead), new RenewalDue());
            var serving = Serve(certificate);
            NoteProbeAnchor(e.At);
            StartProbing();
            TellGds(certificate);
            if (!serving) RetireSupersededKeys(then: null); // a server retires them once it presents the new certificate
        });
    }

    private void ScheduleAt(SimInstant due, object message) => WakeAt(due, message, RenewalKey);

    private bool AnswersPending(string request) =>
        _state.Pending is { } pending && string.Equals(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pending.CsrDer)), request, StringComparison.Ordinal);

    /// <summary>The clock's wake-up: the certificate is due for renewal (or a request went unanswered).</summary>
    public sealed record RenewalDue;

    /// <summary>The clock's wake-up after a restart: send the unanswered request again.</summary>
    public sealed record ResendPending;
}
