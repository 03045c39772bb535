using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Twin.Actors.Clock;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Keys;

namespace Twin.Actors.Entities.Registrar;

/// <summary>
/// An operator domain's registrar: answers CMP (RFC 4210, Lightweight CMP Profile RFC 9483) for its
/// domain, issues through the domain's CA in the twin (CA mode) or forwards upstream (RA mode), hands
/// out one-time secrets and journals every decision. Its own CMP protection certificate comes from
/// the domain's CA at first start. Partial files: <c>.Cmp</c> (dispatch and refusals), <c>.Enrollment</c>,
/// <c>.Services</c> (rr, genm), <c>.Upstream</c> (RA mode), <c>.Est</c> (EST enrollments into the domain), <c>.EstUpstream</c> (EST in, CMP out).
/// </summary>
public sealed partial class RegistrarActor : EntityActor
{
    private const int SnapshotEvery = 200;
    private static readonly TimeSpan RetryAfter = TimeSpan.FromHours(1);
    private static readonly TimeSpan CaTimeout = TimeSpan.FromSeconds(30);
    private readonly RunId _run;
    private RegistrarSettings _settings; // the suite changes when the domain migrates (RegistrarActor.Migration.cs)
    private readonly SimulationClock _clock;
    private readonly IActorRef _ca;
    private readonly IKeyVault _vault;
    private readonly Entropy _entropy;
    private readonly Plant.PlantRuntime _runtime;
    private readonly ICmpTransport _transport;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RegistrarState _state = RegistrarState.Empty;
    private ISigningKey? _key;
    private (string KeyRef, ISigningKey Key)? _pendingKey;
    private byte[]? _secretKey;
    private readonly Dictionary<string, long> _asked = new(StringComparer.Ordinal);

    /// <summary>Creates the registrar <paramref name="id"/> of <paramref name="settings"/>'s domain; <paramref name="ca"/> is the domain's issuing CA.</summary>
    public RegistrarActor(RunId run, EntityId id, RegistrarSettings settings, SimulationClock clock, IActorRef clockActor, IActorRef ca, IKeyVault vault, SimulationWork work, Entropy entropy, Plant.PlantRuntime runtime, ICmpTransport? transport = null)
        : base(id, work, clockActor)
    {
        _run = run;
        _settings = settings;
        _clock = clock;
        _ca = ca;
        _vault = vault;
        _entropy = entropy;
        _runtime = runtime;
        _transport = transport ?? HttpCmpTransport.Shared;
        PersistenceId = EntityKinds.PersistenceId(EntityKinds.Registrar, run, id);

        Recover<SnapshotOffer>(o => { if (o.Snapshot is RegistrarState s) _state = s; });
        Recover<Protocol.ITwinEvent>(e => _state = _state.Apply(e));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<EnrollOwn>(_ => EnrollOwnCertificate());
        Command<CertificateGranted>(g => { if (!TryInstallGdsCertificate(g)) InstallOwnCertificate(g); });
        GdsBehaviour();
        Command<CertificateRefused>(r =>
        {
            _log.Warning("Registrar {0}: its CA refused its protection certificate: {1}", Id, r.Reason);
            WakeAt(_clock.Now.Add(RetryAfter), new EnrollOwn(), "enroll");
        });
        Command<CmpRequest>(Handle);
        Command<CmpGate.Checked>(Handle);
        Command<CmpCheckedAhead>(OnCheckedAhead);
        ReceiveAnswers();
        Command<MigrateSignatureSuite>(MigrateSuite);
        Command<EstEnrollRequest>(HandleEst);
        Command<EstGate.Checked>(HandleEst);
        Command<ConfirmationDue>(OnConfirmationDue);
        Command<EstCaAnswered>(OnEstCaAnswered);
        Command<EstJudged>(OnEstJudged);
        BrskiBehaviour();
        Command<CaAnswered>(OnCaAnswered);
        Command<UpstreamAnswered>(OnUpstreamAnswered);
        Command<EstUpstreamAnswered>(OnEstUpstreamAnswered);
        Command<IssueEnrollmentSecret>(IssueSecret);
        Command<RecallEnrollmentSecret>(RecallSecret);
        Command<RecordRefusal>(r =>
        {
            var reply = ReplyChannel();
            Decide(r.Who, r.What, RegistrarDecided.Refused, r.Reason, "", [], () => reply(new RefusalRecorded()), r.Failure);
        });
        Command<RevocationDone>(d => _log.Info("Registrar {0}: certificate {1} revoked (CRL {2}).", Id, d.Serial, d.CrlNumber));
        Command<RevocationRefused>(r => _log.Warning("Registrar {0}: revocation of {1} refused: {2}", Id, r.Serial, r.Reason));
        Command<GetRegistrarTlsIdentity>(_ => Sender.Tell(TlsIdentity(Sender)));
        Command<GetRegistrarStatus>(_ => Sender.Tell(new RegistrarStatus(_settings.Domain, _settings.Mode.ToString(), _state.CertificateDer, _state.ChainDer, _state.Recent)));
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1))); // only the newest is read
        Command<SaveSnapshotFailure>(f => _log.Warning("Registrar {0}: snapshot failed: {1}", Id, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("Registrar {0}: older snapshots not deleted: {1}", Id, f.Cause.Message));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the registrar entity.</summary>
    public static Props Props(RunId run, EntityId id, RegistrarSettings settings, SimulationClock clock, IActorRef clockActor, IActorRef ca, IKeyVault vault, SimulationWork work, Entropy entropy, Plant.PlantRuntime runtime, ICmpTransport? transport = null) =>
        Akka.Actor.Props.Create(() => new RegistrarActor(run, id, settings, clock, clockActor, ca, vault, work, entropy, runtime, transport));

    private void OnRecovered()
    {
        _snapshotAt = LastSequenceNr;
        ApplyMigratedSuite();
        if (_state.IsReady)
        {
            LoadKey();
            ReopenConfirmations();
            _ = Trust(); // builds the domain's trust and publishes the CMP gate
        }
        else WakeAt(_clock.Now, new EnrollOwn(), "enroll", priority: -5); // after the CAs (-20, -10) at the same instant
        TakeUpstreamFromLastStart();
        StartGdsRole();
        AnnounceStarted();
    }

    private void LoadKey()
    {
        _key = _vault.Load(_state.KeyRef!);
        // One-time secrets are derived from a secret of the registrar's key, so the journal never holds one: a software key's
        // PKCS#8 (as always); a TPM or HSM key cannot be read, so its deterministic signature (RFC 6979 ECDSA, PKCS#1 v1.5, or
        // deterministic ML-DSA) over the domain's label, which is never sent anywhere, repeats after every restart instead.
        var label = Encoding.UTF8.GetBytes("planttrust/cmp-secrets/" + _settings.Domain);
        var secret = Keys.KeyRefs.KindOf(_state.KeyRef!) == Keys.KeyStoreKind.Software ? _vault.Export(_state.KeyRef!).ExportPkcs8() : SHA256.HashData(_key.Sign(label));
        _secretKey = HMACSHA256.HashData(secret, label);
    }

    private void EnrollOwnCertificate()
    {
        if (_state.IsReady) return;
        // Generated inside the store design.keyStorage.ca names, from the same entropy whatever the store.
        _pendingKey ??= _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Suite, _entropy.For(Id, "key", 0));
        var csr = CertificationRequest.Create(_settings.Subject, _pendingKey.Value.Key, _entropy.For(Id, "csr", 0));
        SendWork(_ca, new IssueFromCsr(Id, csr.GetDer(), CertificateProfile.CmpRa, TimeSpan.FromDays(365)), "registrar-enroll");
    }

    private void InstallOwnCertificate(CertificateGranted granted)
    {
        if (_pendingKey is not { } pending || _state.IsReady) return;
        var certificate = Certificate.FromDer(granted.CertificateDer);
        if (!certificate.PublicKey.Equals(pending.Key.PublicKey)) return;
        var keyRef = pending.KeyRef;
        var chain = ChainAbove(granted.IssuerCertificateDer);
        Persist(new RegistrarCertified(_run, _clock.Now, Id, _settings.Domain, keyRef, granted.CertificateDer, chain), e =>
        {
            _state = _state.Apply(e);
            _pendingKey = null;
            LoadKey();
            _trust = null; // the chain the trust is built from has just arrived
            _ = Trust();
            ReleaseHeld();
        });
    }

    // The issuing CA's certificate and every CA above it, as the distribution point holds them: caCerts and caPubs.
    private List<byte[]> ChainAbove(byte[] issuerDer)
    {
        var chain = new List<byte[]> { issuerDer };
        var published = _runtime.Distribution.Snapshot().Entries.Select(e => Certificate.FromDer(e.CaCertificate)).ToList();
        var current = Certificate.FromDer(issuerDer);
        while (!current.IsSelfSigned && chain.Count < 8)
        {
            var parent = published.FirstOrDefault(p => p.Subject == current.Issuer && current.IsSignedBy(p.PublicKey));
            if (parent is null) break;
            chain.Add(parent.GetDer());
            current = parent;
        }
        return chain;
    }

    private void IssueSecret(IssueEnrollmentSecret command)
    {
        if (_secretKey is null)
        {
            HoldCurrent(); // answered once the registrar holds its key and certificate
            return;
        }
        // Named by who asks, when, and how often they asked: the order requests from different askers arrive in changes nothing.
        var asked = _asked[command.Requester] = AskedAgain(command.Requester); // RegistrarActor.Retransmission.cs
        var reference = ReferenceOf(command.Requester, asked);
        var reply = ReplyChannel();
        if (_state.SecretHolders.GetValueOrDefault(reference) == command.Requester)
        {
            // Handed out already at this instant (asked again after a restart): the same again, nothing journaled.
            reply(new EnrollmentSecret(_settings.Domain, reference, Encoding.ASCII.GetString(SecretOf(reference))));
            return;
        }
        Persist(new EnrollmentSecretIssued(_run, _clock.Now, Id, reference, command.Requester), e =>
        {
            _state = _state.Apply(e);
            var secret = SecretOf(reference);
            _references.Open(new OpenReference(reference, secret, e.At)); // a new object: a verdict on an earlier opening does not carry over
            reply(new EnrollmentSecret(_settings.Domain, reference, Encoding.ASCII.GetString(secret)));
            if (_writing == 0 && LastSequenceNr % SnapshotEvery == 0) SaveSnapshot(_state);
        });
    }

    // 128 bits from the registrar's key and the reference, as 32 hex characters (what the operator types or pastes).
    private byte[] SecretOf(string reference) =>
        Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(_secretKey!, Encoding.UTF8.GetBytes(reference)).AsSpan(0, 16)));

    /// <summary>The clock's wake-up: ask the domain's CA for the protection certificate.</summary>
    public sealed record EnrollOwn;
}
