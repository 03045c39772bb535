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

namespace Twin.Actors.Entities.Authority;

/// <summary>How a CA entity is set up the first time it starts, and how often it publishes CRLs.</summary>
public sealed partial record CaSettings(string Subject, KeyAlgorithm Algorithm, TimeSpan Validity)
{
    /// <summary>The CA that certifies this one; null for a self-signed root.</summary>
    public EntityId? Parent { get; init; }

    /// <summary>Where the CA generates and keeps its keys (design.keyStorage): software files, or a simulated HSM or TPM whose keys never leave it.</summary>
    public Keys.KeyStoreKind KeyStorage { get; init; } = Keys.KeyStoreKind.Software;

    /// <summary>For a subordinate: IssuingCa (end entities only, pathLen 0) or IntermediateCa (issues CAs).</summary>
    public CertificateProfile Profile { get; init; } = CertificateProfile.IssuingCa;

    /// <summary>A new CRL every this long (and at once after each revocation).</summary>
    public TimeSpan CrlInterval { get; init; } = TimeSpan.FromDays(1);

    /// <summary>How long each CRL is current: nextUpdate = thisUpdate + this. Longer than the interval, so a late CRL is not an outage at once.</summary>
    public TimeSpan CrlValidity { get; init; } = TimeSpan.FromDays(2);

    /// <summary>The name of a standby instance (same key, same journal) that takes over when the primary is cut off; null: none.</summary>
    public string? Standby { get; init; }

    /// <summary>
    /// Short-lived design: end-entity certificates carry RFC 9608 noRevAvail, so relying parties accept them
    /// without a CRL and their lifetime bounds the exposure after a compromise. CA certificates stay revocable.
    /// </summary>
    public bool ShortLivedEndEntities { get; init; }
    /// <summary>How long after a certificate expires the CA keeps its record (and its CRL entry); null: forever.</summary>
    public TimeSpan? Retention { get; init; }

    /// <summary>The trust centre that accredits this CA by cross-certifying its key; null: none.</summary>
    public EntityId? TrustCentre { get; init; }

    /// <summary>True for a trust centre: a region's root of trust that cross-certifies the CAs it accredits and its partners.</summary>
    public bool IsTrustCentre { get; init; }

    /// <summary>For a trust centre: the CAs it accredits (those that name it), the only ones besides partners it cross-certifies.</summary>
    public IReadOnlyList<EntityId> Accredits { get; init; } = [];

    /// <summary>For a trust centre: the other trust centres of the topology, which may join as partners.</summary>
    public IReadOnlyList<EntityId> PeerTrustCentres { get; init; } = [];

    /// <summary>Revocation by OCSP: the CA runs a responder and names it in end-entity certificates; null: CRLs only.</summary>
    public OcspSettings? Ocsp { get; init; }
}

/// <summary>
/// A certification authority: a root creates its key and self-signed certificate once; a
/// subordinate generates its key and asks its parent to certify it (<c>CaActor.Subordinate.cs</c>).
/// Then it issues from CSRs (<c>CaActor.Issuance.cs</c>), revokes and publishes CRLs on a schedule
/// (<c>CaActor.Revocation.cs</c>).
/// </summary>
public sealed partial class CaActor : EntityActor
{
    private readonly RunId _run;
    private readonly CaSettings _settings;
    private readonly SimulationClock _clock;
    private readonly IKeyVault _vault;
    private readonly Entropy _entropy;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private CaState _state = CaState.Empty;
    private CertificateAuthority? _ca;
    private byte[]? _lastCrl;
    private readonly IActorRef? _parent;
    private readonly Trust.CrlDistributionPoint? _distribution;
    private readonly IActorRef? _plant;

    /// <summary>Creates the CA entity <paramref name="id"/> of <paramref name="run"/>.</summary>
    public CaActor(RunId run, EntityId id, CaSettings settings, SimulationClock clock, IKeyVault vault, SimulationWork work, IActorRef clockActor, Entropy entropy, IActorRef? parent = null, Trust.CrlDistributionPoint? distribution = null, IActorRef? plant = null)
        : base(id, work, clockActor)
    {
        _plant = plant;
        _parent = parent;
        _distribution = distribution;
        _entropy = entropy;
        _run = run;
        _settings = settings;
        _clock = clock;
        _vault = vault;
        PersistenceId = EntityKinds.PersistenceId(EntityKinds.CertificationAuthority, run, id);

        Recover<SnapshotOffer>(o =>
        {
            // A snapshot written before ca.state.v2 is read as it was and carried over (CaStateV1).
            if ((o.Snapshot as CaState ?? (o.Snapshot as CaStateV1)?.ToCurrent()) is not { } s) return;
            _state = s;
            _snapshotAt = o.Metadata.SequenceNr;
        });
        Recover<Protocol.ITwinEvent>(e =>
        {
            RecoverPreviousCrl(e);
            _state = _state.Apply(e);
            if (e is CrlPublished p) _lastCrl = p.CrlDer;
        });
        Recover<RecoveryCompleted>(_ => OnRecovered());

        HoldWhileSigning();
        Command<IssueFromCsr>(Issue);
        Command<Signed>(OnSigned);
        Command<IssueFromTemplate>(Issue);
        Command<RevokeCertificate>(Revoke);
        Command<Wake>(_ => OnWake());
        Command<CertificateGranted>(OnGranted);
        Command<CertificateRefused>(OnRefused);
        Command<RollOverCa>(RollOver);
        Command<MigrateCaKey>(Migrate);
        Command<UpdateRootCaKey>(UpdateRootKey);
        Command<CompromiseCa>(Compromise);
        Command<RevocationDone>(d => _log.Info("CA {0}: its parent revoked {1} (CRL {2}).", Id, d.Serial, d.CrlNumber));
        Command<RevocationRefused>(r => _log.Warning("CA {0}: its parent refused to revoke {1}: {2}", Id, r.Serial, r.Reason));
        Command<CrlDue>(_ => { if (_state.Reachable) PublishCrl(); });
        Command<SetCaReachable>(SetReachable);
        Command<CrlLapseCheck>(_ => CheckLapse());
        Command<GetCurrentCrl>(_ => Sender.Tell(new CaCrl(_lastCrl)));
        Command<GetCaCertificate>(_ => Sender.Tell(new CaCertificate(Id, _state.CertificateDer)));
        Command<GetCertificateRecord>(AnswerRecord);
        ReceiveTrustCentre();
        // Recovery reads only the newest snapshot; keeping the older ones grew the journal with the square of a run's
        // length (an issuing CA of the reference plant wrote ~150 snapshots of ~1.2 MB).
        Command<SaveSnapshotSuccess>(s => DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1)));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("CA {0}: older snapshots not deleted: {1}", Id, f.Cause.Message));
        Command<SaveSnapshotFailure>(f => _log.Warning("CA {0}: snapshot failed: {1}", Id, f.Cause.Message));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>Props for the CA entity.</summary>
    public static Props Props(RunId run, EntityId id, CaSettings settings, SimulationClock clock, IKeyVault vault, SimulationWork work, IActorRef clockActor, Entropy entropy, IActorRef? parent = null, Trust.CrlDistributionPoint? distribution = null, IActorRef? plant = null) =>
        Akka.Actor.Props.Create(() => new CaActor(run, id, settings, clock, vault, work, clockActor, entropy, parent, distribution, plant));

    // Relying parties fetch from the distribution point: publish the CA certificate and its latest CRL there.
    private void Distribute()
    {
        _distribution?.Publish(Id.Value, _state.CertificateDer!, _settings.Parent is null, _lastCrl);
        PublishOcsp();
    }

    // Authorities wake first at an instant, parents before children, so the parties that depend on them find them ready.
    private int WakePriority => _settings.Parent is null ? -20 : -10;

    private void OnRecovered()
    {
        if (_state.IsReady)
        {
            _ca = new CertificateAuthority(Certificate.FromDer(_state.CertificateDer!), _vault.Load(_state.KeyRef!), DefaultRandom());
            if (_state.IssuerDer is not null) _ca.RecordIssued(_ca.Certificate.SerialNumber); // never reuse its own serial either
            _ca.RecordIssued(_state.Serials.ToSet());
            foreach (var r in _state.Revocations.Where(r => _state.PreviousKeyOf(r.Serial) is null)) _ca.Revoke(SerialNumber.Parse(r.Serial), r.Reason, r.At.Utc);
            _ca.RestoreCrlNumber(_state.CrlNumber);
            RestorePreviousKeys();
            Distribute();
            DistributeCrossCertificates();
            RequestAccreditation();
            if (_state.Reachable) ScheduleNextCrl();
            else if (_state.LastCrlNextUpdate is { } next) WakeAt(next, new CrlLapseCheck(), "crl-lapse", priority: -5);
        }
        else
        {
            WakeAt(_clock.Now, new Wake(), "wake", priority: WakePriority);
        }
        AnnounceStarted();
    }

    private void CreateRoot()
    {
        var now = _clock.Now;
        var (keyRef, key) = _vault.Generate(_run, Id, _settings.KeyStorage, _settings.Algorithm, _entropy.For(Id, "root-key", 0));
        var root = CertificateAuthority.CreateRoot(_settings.Subject, key, now.Utc, now.Utc + _settings.Validity, _entropy.For(Id, "root-cert", 0));
        var created = new RootCaCreated(_run, now, Id, keyRef, root.Certificate.GetDer());
        // The CA object exists before the write so that the root and its first CRL are stored together.
        _ca = new CertificateAuthority(root.Certificate, key, DefaultRandom());
        _ca.RecordIssued(root.Certificate.SerialNumber);
        PersistWithCrl([created], e => { if (e is CrlPublished) Ready(); });
    }

    // Once the CA holds its key and certificate: answer what waited, and have its trust centre accredit it.
    private void Ready()
    {
        ReleaseHeld();
        RequestAccreditation();
    }

    // Randomness for what the CA signs outside a request: named by how much it had done when it started.
    private PkiRandom DefaultRandom() => _entropy.For(Id, "ca", _state.Serials.Count);

    /// <summary>The clock's wake-up at start: create the root if there is none yet.</summary>
    public sealed record Wake;

    /// <summary>The clock's wake-up: the next scheduled CRL is due.</summary>
    public sealed record CrlDue;
}
